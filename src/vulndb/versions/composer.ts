import { compareDigits, defineComparator, DIGITS } from './compare-util.ts';
import type { Ordering } from './types.ts';

/**
 * Packagist (Composer) versions, ordered as PHP's version_compare(), which Composer's
 * Comparator uses: a leading `v` is dropped, `-`, `_`, `+` and every other non-alphanumeric
 * character separate parts, as does every change between digits and letters. Numbers compare
 * as numbers; words by their special form (prefix match, case-sensitive as in PHP):
 * dev < alpha = a < beta = b < RC = rc < (number) < pl = p, and any other word below dev.
 * A missing part is below any number and above every word but `pl`/`p` (so 1.0 < 1.0.0,
 * 1.0rc1 < 1.0 < 1.0pl1). PHP's own special form `#` ("any number") is not transitive
 * (1.2.3.# equals both 1.2.3 and 1.2.3.1); here `#` is a separator like other punctuation.
 */
type Part = { readonly number: string } | { readonly rank: number };

const NUMBER_RANK = 4;
/** The end of a shorter version: above every word except pl/p, below every number. */
const END: Part = { rank: NUMBER_RANK };

function wordRank(word: string): number {
  if (word.startsWith('dev')) return 0;
  if (word.startsWith('alpha') || word.startsWith('a')) return 1;
  if (word.startsWith('beta') || word.startsWith('b')) return 2;
  if (word.startsWith('RC') || word.startsWith('rc')) return 3;
  if (word.startsWith('pl') || word.startsWith('p')) return 5;
  return -1;
}

function parseComposer(version: string): Part[] {
  const text = version.trim().replace(/^[vV]/, '');
  const pieces = text.match(/[0-9]+|[A-Za-z]+/g) ?? [];
  return pieces.map((p) => (DIGITS.test(p) ? { number: p } : { rank: wordRank(p) }));
}

function comparePart(a: Part, b: Part, isEndA: boolean, isEndB: boolean): Ordering {
  if ('number' in a && 'number' in b) return compareDigits(a.number, b.number);
  if ('number' in a) return isEndB ? 1 : compareRank(NUMBER_RANK, (b as { rank: number }).rank);
  if ('number' in b) return isEndA ? -1 : compareRank(a.rank, NUMBER_RANK);
  if (isEndA && isEndB) return 0;
  return compareRank(a.rank, b.rank);
}

function compareRank(x: number, y: number): Ordering {
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareComposer(a: readonly Part[], b: readonly Part[]): Ordering {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    const diff = comparePart(x ?? END, y ?? END, x === undefined, y === undefined);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** Packagist versions, ordered as PHP's version_compare() with the `v` prefix Composer allows. */
export const composerComparator = defineComparator('composer', parseComposer, compareComposer);
