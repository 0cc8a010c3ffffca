import type { VersionComparator } from '../versions/index.ts';
import type { StoredAffected, StoredRange } from '../db/stored-affected.ts';
import { isNotAffected, isWillNotFix } from './rating.ts';

export interface AffectedVerdict {
  /** Fixed versions above the installed one, from the ranges that contain it. */
  readonly fixed: readonly string[];
  readonly willNotFix: boolean;
}

/**
 * Whether `version` (already accepted by `comparator`) is affected by one stored OSV `affected`
 * entry, following the schema's evaluation pseudocode (ossf/osv-schema docs/schema.md,
 * "Evaluation"): inside a range whose sorted events leave it vulnerable and below any `limit`,
 * or listed in `versions`. `undefined` when not affected.
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
  for (const range of entry.ranges) {
    const result = evaluateRange(range, version, comparator);
    if (result === undefined) continue;
    hit = true;
    if (result.fixed !== undefined) fixed.add(result.fixed);
    willNotFix ||= range.willNotFix === true;
  }
  // OSV.dev expands ranges into `versions`, so with ranges present the list is checked by exact
  // spelling only; a versions-only entry is compared with the ecosystem's equality (1.0 = 1.0.0).
  if (!hit && entry.versions !== undefined) {
    hit =
      entry.versions.includes(version) ||
      (entry.ranges.length === 0 &&
        entry.versions.some((listed) => sameVersion(listed, version, comparator)));
  }
  if (!hit) return undefined;
  return { fixed: [...fixed], willNotFix: willNotFix && fixed.size === 0 };
}

/**
 * Walks the sorted events once: every event at or below the version updates the state as the
 * pseudocode does; the first event above it ends the walk (no later event can fire), and the
 * first `fixed` from there is the fix for this interval (`last_affected` there means none known).
 */
function evaluateRange(
  range: StoredRange,
  version: string,
  comparator: VersionComparator,
): { fixed?: string } | undefined {
  if (
    range.limits !== undefined &&
    !range.limits.some((limit) => limit === '*' || comparator.compare(version, limit) < 0)
  ) {
    return undefined;
  }
  const { events } = range;
  let vulnerable = false;
  let i = 0;
  for (; i < events.length; i++) {
    const event = events[i] as (typeof events)[number];
    if (event.kind === 'introduced' && event.version === '0') {
      vulnerable = true;
      continue;
    }
    const order = comparator.compare(version, event.version);
    if (order < 0) break;
    if (event.kind === 'introduced') vulnerable = true;
    else if (event.kind === 'fixed') vulnerable = false;
    else if (order > 0) vulnerable = false;
  }
  if (!vulnerable) return undefined;
  for (; i < events.length; i++) {
    const event = events[i] as (typeof events)[number];
    if (event.kind === 'introduced') continue;
    return event.kind === 'fixed' ? { fixed: event.version } : {};
  }
  return {};
}

function sameVersion(listed: string, version: string, comparator: VersionComparator): boolean {
  try {
    return comparator.compare(listed, version) === 0;
  } catch {
    return false;
  }
}
