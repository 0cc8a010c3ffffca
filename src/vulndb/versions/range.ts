import { invalidVersion } from './compare-util.ts';
import type { Ordering, VersionComparator } from './types.ts';

/** One event of an OSV `affected[].ranges[].events` list; a valid event has exactly one field. */
export interface OsvRangeEvent {
  readonly introduced?: string;
  readonly fixed?: string;
  readonly last_affected?: string;
  readonly limit?: string;
}

/** An OSV `affected[].ranges[]` entry. */
export interface OsvRange {
  readonly type: string;
  readonly events: readonly OsvRangeEvent[];
  readonly repo?: string;
}

/** The version-relevant part of an OSV `affected[]` entry. */
export interface OsvAffectedVersions {
  readonly ranges?: readonly OsvRange[];
  readonly versions?: readonly string[];
}

type EventKind = 'introduced' | 'fixed' | 'last_affected' | 'limit';

interface Boundary {
  readonly kind: EventKind;
  readonly version: string;
  /** `introduced: "0"` sorts before every version; a `limit` containing `*` after every version. */
  readonly bound: 'low' | 'high' | undefined;
}

function boundaryOf(event: OsvRangeEvent): Boundary | undefined {
  // The schema allows one field per event; if a record has several, the first in this order wins
  // (the same precedence as the schema's evaluation pseudocode).
  if (event.introduced !== undefined) {
    return {
      kind: 'introduced',
      version: event.introduced,
      bound: event.introduced === '0' ? 'low' : undefined,
    };
  }
  if (event.fixed !== undefined) return { kind: 'fixed', version: event.fixed, bound: undefined };
  if (event.last_affected !== undefined) {
    return { kind: 'last_affected', version: event.last_affected, bound: undefined };
  }
  if (event.limit !== undefined) {
    return { kind: 'limit', version: event.limit, bound: event.limit.includes('*') ? 'high' : undefined };
  }
  return undefined;
}

/** Compares a version with a boundary, treating the special values as -∞ and +∞. */
function compareToBoundary(comparator: VersionComparator, version: string, boundary: Boundary): Ordering {
  if (boundary.bound === 'low') return 1;
  if (boundary.bound === 'high') return -1;
  try {
    return comparator.compare(version, boundary.version);
  } catch (error) {
    // Name which side failed: the installed version or the record's event.
    comparator.parse(version);
    throw invalidVersion(
      comparator.id,
      boundary.version,
      `unreadable "${boundary.kind}" event in an OSV range (${String((error as Error).message)})`,
    );
  }
}

function compareBoundaries(comparator: VersionComparator, a: Boundary, b: Boundary): Ordering {
  if (a.bound !== undefined || b.bound !== undefined) {
    if (a.bound === b.bound) return 0;
    if (a.bound === 'low' || b.bound === 'high') return -1;
    return 1;
  }
  return comparator.compare(a.version, b.version);
}

const EVENT_ORDER: Readonly<Record<EventKind, number>> = {
  introduced: 0,
  fixed: 1,
  last_affected: 2,
  limit: 3,
};

/**
 * Whether `version` is inside one OSV range, following the schema's evaluation algorithm
 * (IncludedInRanges / BeforeLimits): a `GIT` range never matches a package version; events
 * are sorted by version (`introduced: "0"` first; at equal versions `introduced` comes first,
 * so `introduced: X, fixed: X` affects nothing); walking them, `introduced` ≤ v makes the
 * version affected, `fixed` ≤ v or `last_affected` < v makes it unaffected; and when the range
 * has `limit` events the version must be below at least one of them.
 * Throws `VULNDB_VERSION_INVALID` when the version or an event cannot be read by `comparator`.
 */
export function isVersionInRange(version: string, range: OsvRange, comparator: VersionComparator): boolean {
  if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') return false;
  comparator.parse(version);
  const boundaries = range.events.map(boundaryOf).filter((b) => b !== undefined);
  const limits = boundaries.filter((b) => b.kind === 'limit');
  if (limits.length > 0 && !limits.some((l) => compareToBoundary(comparator, version, l) < 0)) return false;
  const sorted = boundaries
    .filter((b) => b.kind !== 'limit')
    .sort((a, b) => compareBoundaries(comparator, a, b) || EVENT_ORDER[a.kind] - EVENT_ORDER[b.kind]);
  let affected = false;
  for (const event of sorted) {
    const c = compareToBoundary(comparator, version, event);
    if (event.kind === 'introduced') {
      if (c >= 0) affected = true;
    } else if (event.kind === 'fixed') {
      if (c >= 0) affected = false;
    } else if (c > 0) {
      affected = false;
    }
  }
  return affected;
}

/**
 * Whether `version` is affected according to one OSV `affected[]` entry: it is listed in
 * `versions` (exactly, or equal under `comparator`, so Debian's 0:1.0 matches 1.0), or it is
 * inside one of the SEMVER/ECOSYSTEM `ranges`.
 */
export function isVersionAffected(
  version: string,
  affected: OsvAffectedVersions,
  comparator: VersionComparator,
): boolean {
  comparator.parse(version);
  for (const listed of affected.versions ?? []) {
    if (listed === version) return true;
    try {
      if (comparator.compare(version, listed) === 0) return true;
    } catch {
      // An unreadable entry in the explicit list can only match by exact text, checked above.
    }
  }
  return (affected.ranges ?? []).some((range) => isVersionInRange(version, range, comparator));
}
