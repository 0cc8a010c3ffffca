import { compareDigits, compareStrings, defineComparator, DIGITS, invalidVersion } from './compare-util.ts';
import type { Ordering } from './types.ts';

/**
 * RubyGems' Gem::Version: `-` means `.pre.`, segments are runs of digits or letters, and each
 * of the numeric head and the string tail drops its trailing zeros ("canonical segments").
 * Gem::Version rejects strings like "1beta"; OSV data has them, so any string of
 * `[0-9A-Za-z.-]` that starts with a digit is read the same way Gem::Version would read it.
 */
function parseGem(raw: string): string[] {
  const text = raw.trim();
  if (text === '') return [];
  if (!/^[0-9][0-9A-Za-z.-]*$/.test(text)) {
    throw invalidVersion(
      'rubygems',
      raw,
      'not a RubyGems version (digits, letters, "." and "-", starting with a digit)',
    );
  }
  const segments = text.replaceAll('-', '.pre.').match(/[0-9]+|[a-z]+/gi) ?? [];
  const firstString = segments.findIndex((s) => !DIGITS.test(s));
  const numeric = firstString === -1 ? segments : segments.slice(0, firstString);
  const strings = firstString === -1 ? [] : segments.slice(firstString);
  return [...dropTrailingZeros(numeric), ...dropTrailingZeros(strings)];
}

function dropTrailingZeros(segments: string[]): string[] {
  let end = segments.length;
  while (end > 0 && /^0+$/.test(segments[end - 1] ?? '')) end--;
  return segments.slice(0, end);
}

/** Gem::Version#<=>: pad with 0; a string segment is below a number; strings by byte order. */
function compareGem(a: readonly string[], b: readonly string[]): Ordering {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? '0';
    const y = b[i] ?? '0';
    const xNum = DIGITS.test(x);
    const yNum = DIGITS.test(y);
    const diff = xNum && yNum ? compareDigits(x, y) : xNum ? 1 : yNum ? -1 : compareStrings(x, y);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** RubyGems versions, ordered as Gem::Version. */
export const rubygemsComparator = defineComparator('rubygems', parseGem, compareGem);
