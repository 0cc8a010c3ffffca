import type { VersionComparator } from '../versions/index.ts';
import type { OsvAffected, OsvAffectedHints, OsvEvent, OsvRange, OsvSeverity } from '../osv/osv-types.ts';
import { isNotAffected, isWillNotFix } from '../match/rating.ts';

/**
 * One range as stored: events sorted in the ecosystem's order at import (so matching walks them
 * once, with no sorting and no re-validation), `limit` events apart.
 */
export interface StoredRange {
  /** `introduced`/`fixed`/`last_affected`, sorted: `introduced: 0` first, then by version, `introduced` first at ties. */
  readonly events: readonly OsvEvent[];
  /** `limit` versions (`*` is infinity); absent means no limit. */
  readonly limits?: readonly string[];
  /** The range's fix is a tracker state that says none will ship (`<no-dsa>`, `<ignored>`...). */
  readonly willNotFix?: true;
}

/** What one `affected` row keeps in its `data` column (JSON): everything matching needs, nothing else. */
export interface StoredAffected {
  readonly ranges: readonly StoredRange[];
  readonly versions?: readonly string[];
  readonly severity?: readonly OsvSeverity[];
  readonly hints?: OsvAffectedHints;
  /** Ranges dropped at import because a version in them was not valid for the ecosystem. */
  readonly invalidRanges?: number;
}

/**
 * Prepares an affected entry for storage. With the ecosystem's comparator, ECOSYSTEM and SEMVER
 * ranges are validated and sorted; without one (an ecosystem Bosun cannot order), they are kept
 * unsorted and are never evaluated, since no package maps to that ecosystem.
 */
export function storedAffected(
  affected: OsvAffected,
  comparator: VersionComparator | undefined,
): StoredAffected {
  const ranges: StoredRange[] = [];
  let invalidRanges = 0;
  for (const range of affected.ranges) {
    if (range.type === 'GIT') continue;
    const stored = storedRange(range, comparator);
    if (stored === 'invalid') invalidRanges++;
    else if (stored !== undefined) ranges.push(stored);
  }
  return {
    ranges,
    ...(affected.versions.length > 0 ? { versions: affected.versions } : {}),
    ...(affected.severity.length > 0 ? { severity: affected.severity } : {}),
    ...(Object.keys(affected.hints).length > 0 ? { hints: affected.hints } : {}),
    ...(invalidRanges > 0 ? { invalidRanges } : {}),
  };
}

function storedRange(
  range: OsvRange,
  comparator: VersionComparator | undefined,
): StoredRange | 'invalid' | undefined {
  const events: OsvEvent[] = [];
  const limits: string[] = [];
  let willNotFix = false;
  for (const event of range.events) {
    if (event.version.startsWith('<')) {
      // A Debian-tracker state where a version would be: `<not-affected>` clears the range,
      // `<no-dsa>`/`<ignored>`/`<end-of-life>` mean no fix will ship, `<unfixed>` just no fix yet.
      if (isNotAffected(event.version)) return undefined;
      if (isWillNotFix(event.version)) willNotFix = true;
      continue;
    }
    if (event.kind === 'limit') {
      if (event.version !== '*' && comparator !== undefined && !isValid(event.version, comparator))
        return 'invalid';
      limits.push(event.version);
      continue;
    }
    if (
      !(event.kind === 'introduced' && event.version === '0') &&
      comparator !== undefined &&
      !isValid(event.version, comparator)
    ) {
      return 'invalid';
    }
    events.push(event);
  }
  if (comparator !== undefined) events.sort((a, b) => compareEvents(a, b, comparator));
  return {
    events,
    ...(limits.length > 0 ? { limits } : {}),
    ...(willNotFix ? { willNotFix: true as const } : {}),
  };
}

function compareEvents(a: OsvEvent, b: OsvEvent, comparator: VersionComparator): number {
  const aZero = a.kind === 'introduced' && a.version === '0';
  const bZero = b.kind === 'introduced' && b.version === '0';
  if (aZero || bZero) return aZero && bZero ? 0 : aZero ? -1 : 1;
  const byVersion = comparator.compare(a.version, b.version);
  if (byVersion !== 0) return byVersion;
  return (a.kind === 'introduced' ? 0 : 1) - (b.kind === 'introduced' ? 0 : 1);
}

function isValid(version: string, comparator: VersionComparator): boolean {
  try {
    comparator.parse(version);
    return true;
  } catch {
    return false;
  }
}
