import type { VersionComparator } from '../versions/index.ts';
import type { StoredAffected } from '../db/stored-affected.ts';
import type { OsvEvent, OsvRange } from '../osv/osv-types.ts';
import { isNotAffected, isWillNotFix, stripBrackets } from './rating.ts';

export interface AffectedVerdict {
  /** Fixed versions above the installed one, from the ranges that contain it. */
  readonly fixed: readonly string[];
  readonly willNotFix: boolean;
}

/**
 * Whether `version` is affected by one OSV `affected` entry, following the schema's evaluation
 * pseudocode (ossf/osv-schema docs/schema.md "Evaluation"): listed in `versions`, or inside a
 * range whose sorted events leave it vulnerable, below any `limit`. `undefined` when not affected.
 * Event versions the comparator rejects make their range unusable (skipped), never a crash.
 * Debian-tracker states in place of versions (`<unfixed>`, `<not-affected>`, `<no-dsa>`...) are read.
 */
export function evaluateAffected(
  entry: StoredAffected,
  version: string,
  comparator: VersionComparator,
): AffectedVerdict | undefined {
  if (isNotAffected(entry.hints?.fixStatus)) return undefined;
  let hit = false;
  let willNotFix = isWillNotFix(entry.hints?.fixStatus);
  const fixed = new Set<string>();
  for (const listed of entry.versions ?? []) {
    if (sameVersion(listed, version, comparator)) {
      hit = true;
      break;
    }
  }
  for (const range of entry.ranges) {
    const result = evaluateRange(range, version, comparator);
    if (result === undefined) continue;
    hit = true;
    if (result.fixed !== undefined) fixed.add(result.fixed);
    willNotFix ||= result.willNotFix;
  }
  if (!hit) return undefined;
  return { fixed: [...fixed], willNotFix: willNotFix && fixed.size === 0 };
}

function evaluateRange(
  range: OsvRange,
  version: string,
  comparator: VersionComparator,
): { fixed?: string; willNotFix: boolean } | undefined {
  const events: OsvEvent[] = [];
  let willNotFix = false;
  for (const event of range.events) {
    if (event.version.startsWith('<')) {
      // A tracker state where a version would be: `<not-affected>` clears the range, the others mean "no fix".
      if (isNotAffected(event.version)) return undefined;
      if (isWillNotFix(stripBrackets(event.version))) willNotFix = true;
      continue;
    }
    if (
      !(event.kind === 'introduced' && event.version === '0') &&
      !(event.kind === 'limit' && event.version === '*')
    ) {
      if (!isValid(event.version, comparator)) return undefined;
    }
    events.push(event);
  }
  const limits = events.filter((event) => event.kind === 'limit' && event.version !== '*');
  if (limits.length > 0 && !limits.some((event) => comparator.compare(version, event.version) < 0))
    return undefined;
  const sorted = events
    .filter((event) => event.kind !== 'limit')
    .sort((a, b) => compareEvents(a, b, comparator));
  let vulnerable = false;
  for (const event of sorted) {
    if (event.kind === 'introduced') {
      if (event.version === '0' || comparator.compare(version, event.version) >= 0) vulnerable = true;
    } else if (event.kind === 'fixed') {
      if (comparator.compare(version, event.version) >= 0) vulnerable = false;
    } else if (comparator.compare(version, event.version) > 0) {
      vulnerable = false;
    }
  }
  if (!vulnerable) return undefined;
  const fix = nextFix(sorted, version, comparator);
  return { ...(fix === undefined ? {} : { fixed: fix }), willNotFix };
}

/** The event after the version closes its interval: a `fixed` names the fix, a `last_affected` means none is known. */
function nextFix(
  sorted: readonly OsvEvent[],
  version: string,
  comparator: VersionComparator,
): string | undefined {
  for (const event of sorted) {
    if (event.kind === 'introduced' || comparator.compare(event.version, version) <= 0) continue;
    return event.kind === 'fixed' ? event.version : undefined;
  }
  return undefined;
}

/** Sort by version; `introduced: 0` first; at equal versions `introduced` before `fixed`/`last_affected`. */
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

function sameVersion(listed: string, version: string, comparator: VersionComparator): boolean {
  if (listed === version) return true;
  try {
    return comparator.compare(listed, version) === 0;
  } catch {
    return false;
  }
}
