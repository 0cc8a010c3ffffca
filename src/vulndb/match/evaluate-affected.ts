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
  if (isNotAffected(entry.h?.fixStatus)) return undefined;
  let hit = false;
  let willNotFix = isWillNotFix(entry.h?.fixStatus);
  let fixed: Set<string> | undefined;
  for (const range of entry.r) {
    const result = evaluateRange(range, version, comparator);
    if (result === undefined) continue;
    hit = true;
    if (result !== NO_FIX) (fixed ??= new Set()).add(result);
    willNotFix ||= range.w === 1;
  }
  // OSV.dev expands ranges into `versions`, so with ranges present the list is checked by exact
  // spelling only; a versions-only entry is compared with the ecosystem's equality (1.0 = 1.0.0).
  if (!hit && entry.v !== undefined) {
    hit =
      entry.v.includes(version) ||
      (entry.r.length === 0 && entry.v.some((listed) => sameVersion(listed, version, comparator)));
  }
  if (!hit) return undefined;
  return { fixed: fixed === undefined ? [] : [...fixed], willNotFix: willNotFix && fixed === undefined };
}

/** `evaluateRange`'s answer for an affected version with no fixed version above it. */
const NO_FIX = '';

const INTRODUCED = 105; // 'i'
const FIXED = 102; // 'f'

/**
 * Walks the sorted events once: every event at or below the version updates the state as the
 * pseudocode does; the first event above it ends the walk (no later event can fire), and the
 * first `fixed` from there is the fix for this interval (`last_affected` there means none known).
 * Returns that fix, `NO_FIX`, or `undefined` when the version is not in the range.
 */
function evaluateRange(
  range: StoredRange,
  version: string,
  comparator: VersionComparator,
): string | undefined {
  if (
    range.l !== undefined &&
    !range.l.some((limit) => limit === '*' || comparator.compare(version, limit) < 0)
  ) {
    return undefined;
  }
  const kinds = range.k;
  const versions = range.v;
  let vulnerable = false;
  let i = 0;
  for (; i < kinds.length; i++) {
    const kind = kinds.charCodeAt(i);
    const at = versions[i] as string;
    if (kind === INTRODUCED && at === '0') {
      vulnerable = true;
      continue;
    }
    const order = comparator.compare(version, at);
    if (order < 0) break;
    if (kind === INTRODUCED) vulnerable = true;
    else if (kind === FIXED) vulnerable = false;
    else if (order > 0) vulnerable = false;
  }
  if (!vulnerable) return undefined;
  for (; i < kinds.length; i++) {
    const kind = kinds.charCodeAt(i);
    if (kind === INTRODUCED) continue;
    return kind === FIXED ? (versions[i] as string) : NO_FIX;
  }
  return NO_FIX;
}

function sameVersion(listed: string, version: string, comparator: VersionComparator): boolean {
  try {
    return comparator.compare(listed, version) === 0;
  } catch {
    return false;
  }
}
