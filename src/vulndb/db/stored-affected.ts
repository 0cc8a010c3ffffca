import type { VersionComparator } from '../versions/index.ts';
import type { OsvAffected, OsvAffectedHints, OsvEventKind, OsvRange, OsvSeverity } from '../osv/osv-types.ts';
import { isNotAffected, isWillNotFix } from '../match/rating.ts';

/** Event kinds as stored, one letter per event: `i` introduced, `f` fixed, `l` last_affected. */
export type StoredEventKind = 'i' | 'f' | 'l';

/**
 * One range as stored: events sorted in the ecosystem's order at import (so matching walks them
 * once, with no sorting and no re-validation), `limit` events apart. Keys are one letter and
 * events are two parallel lists because every affected row of the DB holds one of these as
 * JSON: the compact form halves the column and parses about twice as fast as event objects.
 */
export interface StoredRange {
  /** Kinds of the sorted events, one `StoredEventKind` letter each: `introduced: 0` first, then by version, `introduced` first at ties. */
  readonly k: string;
  /** Versions of the sorted events, parallel to `k` (`introduced: 0` keeps the version `0`). */
  readonly v: readonly string[];
  /** `limit` versions (`*` is infinity); absent means no limit. */
  readonly l?: readonly string[];
  /** 1 when the range's fix is a tracker state that says none will ship (`<no-dsa>`, `<ignored>`...). */
  readonly w?: 1;
}

/** What one `affected` row keeps in its `data` column (JSON): everything matching needs, nothing else. */
export interface StoredAffected {
  /** SEMVER and ECOSYSTEM ranges. */
  readonly r: readonly StoredRange[];
  /** `versions`, as listed. */
  readonly v?: readonly string[];
  /** Affected-level `severity`. */
  readonly s?: readonly OsvSeverity[];
  readonly h?: OsvAffectedHints;
  /** Ranges dropped at import because a version in them was not valid for the ecosystem. */
  readonly x?: number;
}

/** An event that orders the range (limits are kept apart). */
interface RangeEvent {
  readonly kind: Exclude<OsvEventKind, 'limit'>;
  readonly version: string;
}

const KIND_LETTER: Readonly<Record<RangeEvent['kind'], StoredEventKind>> = {
  introduced: 'i',
  fixed: 'f',
  last_affected: 'l',
};

/** The `data` column text of an affected row. */
export function serializeStoredAffected(entry: StoredAffected): string {
  return JSON.stringify(entry);
}

/** Reads a `data` column written by `serializeStoredAffected` (the DB is Bosun's own file, built by this code). */
export function parseStoredAffected(text: string): StoredAffected {
  return JSON.parse(text) as StoredAffected;
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
    r: ranges,
    ...(affected.versions.length > 0 ? { v: affected.versions } : {}),
    ...(affected.severity.length > 0 ? { s: affected.severity } : {}),
    ...(Object.keys(affected.hints).length > 0 ? { h: affected.hints } : {}),
    ...(invalidRanges > 0 ? { x: invalidRanges } : {}),
  };
}

function storedRange(
  range: OsvRange,
  comparator: VersionComparator | undefined,
): StoredRange | 'invalid' | undefined {
  const events: RangeEvent[] = [];
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
    events.push({ kind: event.kind, version: event.version });
  }
  if (comparator !== undefined) events.sort((a, b) => compareEvents(a, b, comparator));
  let kinds = '';
  const versions: string[] = [];
  for (const event of events) {
    kinds += KIND_LETTER[event.kind];
    versions.push(event.version);
  }
  return {
    k: kinds,
    v: versions,
    ...(limits.length > 0 ? { l: limits } : {}),
    ...(willNotFix ? { w: 1 as const } : {}),
  };
}

function compareEvents(a: RangeEvent, b: RangeEvent, comparator: VersionComparator): number {
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
