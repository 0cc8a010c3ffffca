import { compareDigits, defineComparator, invalidVersion } from './compare-util.ts';
import type { Ordering } from './types.ts';

/**
 * CRAN: R's package_version: non-negative integers separated by `.` or `-`, compared
 * component by component; when one is a prefix of the other, the longer is newer (0.1.0 < 0.1.0.0).
 */
function parseCran(raw: string): string[] {
  const text = raw.trim();
  if (!/^[0-9]+(?:[.-][0-9]+)*$/.test(text)) {
    throw invalidVersion('cran', raw, 'not integers separated by "." or "-"');
  }
  return text.split(/[.-]/);
}

function compareCran(a: readonly string[], b: readonly string[]): Ordering {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const diff = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (diff !== 0) return diff;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** CRAN package versions. */
export const cranComparator = defineComparator('cran', parseCran, compareCran);

/**
 * Hackage: Haskell's Data.Version (the PVP): dot-separated integers compared as lists, so a
 * prefix is older (1.0 < 1.0.0). Version tags are deprecated and rejected.
 */
function parseHackage(raw: string): string[] {
  const text = raw.trim();
  if (!/^[0-9]+(?:\.[0-9]+)*$/.test(text)) throw invalidVersion('hackage', raw, 'not dot-separated integers');
  return text.split('.');
}

/** Hackage package versions. */
export const hackageComparator = defineComparator('hackage', parseHackage, compareCran);
