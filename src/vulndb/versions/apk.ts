import { compareDigits, compareStrings, defineComparator } from './compare-util.ts';
import type { Ordering } from './types.ts';

/**
 * apk-tools versions: `number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}`
 * (apk-package(5)). Suffix order: alpha, beta, pre, rc, (none), cvs, svn, git, hg, p.
 * apk orders malformed strings too, so nothing is rejected: what does not fit the grammar is
 * kept as a remainder that sorts below the same version without it.
 */
interface ApkVersion {
  readonly original: string;
  readonly numbers: readonly string[];
  readonly letter: string;
  readonly suffixes: readonly { readonly weight: number; readonly number: string }[];
  readonly build: string;
  /** 2: nothing left over; 1: text after `-rN` (apk still reads the version); 0: unparseable tail. */
  readonly tail: 0 | 1 | 2;
}

const SUFFIX_WEIGHT: Readonly<Record<string, number>> = {
  alpha: 0,
  beta: 1,
  pre: 2,
  rc: 3,
  cvs: 5,
  svn: 6,
  git: 7,
  hg: 8,
  p: 9,
};
const NO_SUFFIX = 4;

const NUMBERS = /^(?:[0-9]+\.?)*/;
const SUFFIX = /^_(alpha|beta|pre|rc|cvs|svn|git|hg|p)([0-9]*)/;
const HASH = /^~[0-9a-f]+/;
const BUILD = /^-r([0-9]*)/;

function parseApk(original: string): ApkVersion {
  let rest = original;
  const numberText = NUMBERS.exec(rest)?.[0] ?? '';
  rest = rest.slice(numberText.length);
  const numbers = numberText === '' ? [] : numberText.split('.');
  // "1." leaves an empty last piece: the dot is a separator, not a component.
  if (numbers.length > 0 && numbers[numbers.length - 1] === '') numbers.pop();
  let letter = '';
  if (/^[a-z]/.test(rest)) {
    letter = rest.charAt(0);
    rest = rest.slice(1);
  }
  const suffixes: { weight: number; number: string }[] = [];
  for (let m = SUFFIX.exec(rest); m !== null; m = SUFFIX.exec(rest)) {
    suffixes.push({ weight: SUFFIX_WEIGHT[m[1] ?? ''] ?? NO_SUFFIX, number: m[2] || '0' });
    rest = rest.slice(m[0].length);
  }
  rest = rest.slice(HASH.exec(rest)?.[0].length ?? 0);
  let build = '0';
  let tail: 0 | 1 | 2 = 2;
  if (rest !== '') {
    const m = BUILD.exec(rest);
    if (m === null) {
      tail = 0;
    } else {
      build = m[1] || '0';
      if (rest.length > m[0].length) tail = 1;
    }
  }
  return { original, numbers, letter, suffixes, build, tail };
}

/**
 * apk compares components after the first as decimal fractions when either has a leading
 * zero ("1.02" < "1.1"), otherwise as integers. Every leading-zero component is therefore
 * below every other, which keeps the order total.
 */
function compareNumber(a: string, b: string, index: number): Ordering {
  if (index > 0 && (a.startsWith('0') || b.startsWith('0'))) return compareStrings(a, b);
  return compareDigits(a, b);
}

function compareApk(a: ApkVersion, b: ApkVersion): Ordering {
  const shared = Math.min(a.numbers.length, b.numbers.length);
  for (let i = 0; i < shared; i++) {
    const diff = compareNumber(a.numbers[i] ?? '0', b.numbers[i] ?? '0', i);
    if (diff !== 0) return diff;
  }
  // A version with more components is newer, whatever follows the shorter one (apk-tools).
  if (a.numbers.length !== b.numbers.length) return a.numbers.length < b.numbers.length ? -1 : 1;
  if (a.letter !== b.letter) {
    if (a.letter === '') return -1;
    if (b.letter === '') return 1;
    return compareStrings(a.letter, b.letter);
  }
  const suffixCount = Math.max(a.suffixes.length, b.suffixes.length);
  for (let i = 0; i < suffixCount; i++) {
    const x = a.suffixes[i] ?? { weight: NO_SUFFIX, number: '0' };
    const y = b.suffixes[i] ?? { weight: NO_SUFFIX, number: '0' };
    if (x.weight !== y.weight) return x.weight < y.weight ? -1 : 1;
    const diff = compareDigits(x.number, y.number);
    if (diff !== 0) return diff;
  }
  const byBuild = compareDigits(a.build, b.build);
  if (byBuild !== 0) return byBuild;
  if (a.tail !== b.tail) return a.tail < b.tail ? -1 : 1;
  // Two unparseable tails: apk falls back to comparing the strings.
  return a.tail === 0 ? compareStrings(a.original, b.original) : 0;
}

/** Alpine, Wolfi and Chainguard package versions, ordered as apk-tools does. */
export const apkComparator = defineComparator('apk', parseApk, compareApk);
