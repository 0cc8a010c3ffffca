import { VERSION_PATTERN } from '@renovatebot/pep440/lib/version.js';
import { compareDigits, compareStrings, defineComparator, DIGITS } from './compare-util.ts';
import type { Ordering } from './types.ts';

/**
 * PyPI: PEP 440 versions, ordered as the `packaging` library does. The grammar is
 * @renovatebot/pep440's (a port of packaging's regex); the key is computed here from the exact
 * digit strings, so numbers of any size compare correctly. A string that is not PEP 440 is a
 * "legacy" version as in packaging < 22 (setuptools' old rules), which sorts below every
 * PEP 440 version; PyPI still serves releases with such versions.
 */
const PEP440 = new RegExp(`^\\s*${VERSION_PATTERN}\\s*$`, 'i');

/** Sorts below anything (packaging's NegativeInfinity) or above anything (Infinity). */
type Bound = 'low' | 'high';

interface Pep440Key {
  readonly kind: 'pep440';
  readonly epoch: string;
  readonly release: readonly string[];
  readonly pre: Bound | { readonly letter: string; readonly number: string };
  readonly post: Bound | string;
  readonly dev: Bound | string;
  readonly local: 'low' | readonly string[];
}

interface LegacyKey {
  readonly kind: 'legacy';
  readonly parts: readonly string[];
}

type PypiKey = Pep440Key | LegacyKey;

const PRE_LETTER: Readonly<Record<string, string>> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
};

function parsePypi(version: string): PypiKey {
  const groups = PEP440.exec(version)?.groups;
  if (groups === undefined) return { kind: 'legacy', parts: legacyParts(version) };
  const release = (groups['release'] ?? '0').split('.');
  while (release.length > 1 && /^0+$/.test(release[release.length - 1] ?? '')) release.pop();
  if (release.length === 1 && /^0+$/.test(release[0] ?? '')) release.pop();
  const preLetter = groups['pre_l'];
  const postNumber =
    groups['post_n1'] ?? groups['post_n2'] ?? (groups['post_l'] === undefined ? undefined : '0');
  const devNumber = groups['dev_l'] === undefined ? undefined : (groups['dev_n'] ?? '0');
  let pre: Pep440Key['pre'];
  if (preLetter !== undefined) {
    pre = { letter: PRE_LETTER[preLetter.toLowerCase()] ?? 'rc', number: groups['pre_n'] ?? '0' };
  } else {
    // packaging puts 1.0.dev0 before 1.0a0: a bare dev release takes the lowest pre slot.
    pre = postNumber === undefined && devNumber !== undefined ? 'low' : 'high';
  }
  return {
    kind: 'pep440',
    epoch: groups['epoch'] ?? '0',
    release,
    pre,
    post: postNumber ?? 'low',
    dev: devNumber ?? 'high',
    local: groups['local'] === undefined ? 'low' : groups['local'].toLowerCase().split(/[-_.]/),
  };
}

/** packaging < 22 `_legacy_cmpkey`: zero-padded numbers, `*`-prefixed words, `*final` markers. */
function legacyParts(version: string): string[] {
  const parts: string[] = [];
  const pieces = version.toLowerCase().split(/(\d+|[a-z]+|\.|-)/);
  const replaced = [...pieces.map((p) => LEGACY_REPLACE[p] ?? p), '*final-marker'];
  for (const piece of replaced) {
    if (piece === '' || piece === '.') continue;
    let part: string;
    if (piece === '*final-marker') part = '*final';
    else if (/^[0-9]/.test(piece)) part = piece.padStart(8, '0');
    else part = `*${piece}`;
    if (part.startsWith('*')) {
      if (part < '*final') while (parts.length > 0 && parts[parts.length - 1] === '*final-') parts.pop();
      while (parts.length > 0 && parts[parts.length - 1] === '00000000') parts.pop();
    }
    parts.push(part);
  }
  return parts;
}

const LEGACY_REPLACE: Readonly<Record<string, string>> = {
  pre: 'c',
  preview: 'c',
  '-': 'final-',
  rc: 'c',
  dev: '@',
};

function compareBound<T>(a: Bound | T, b: Bound | T, inner: (x: T, y: T) => Ordering): Ordering {
  if (a === b) return 0;
  if (a === 'low' || b === 'high') return -1;
  if (a === 'high' || b === 'low') return 1;
  return inner(a, b);
}

function compareLocal(a: readonly string[], b: readonly string[]): Ordering {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    const xNum = DIGITS.test(x);
    const yNum = DIGITS.test(y);
    // Alphanumeric segments sort before numeric ones (PEP 440, local versions).
    const diff = xNum && yNum ? compareDigits(x, y) : xNum ? 1 : yNum ? -1 : compareStrings(x, y);
    if (diff !== 0) return diff;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareTuple(
  a: readonly string[],
  b: readonly string[],
  item: (x: string, y: string) => Ordering,
): Ordering {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const diff = item(a[i] ?? '', b[i] ?? '');
    if (diff !== 0) return diff;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function comparePypi(a: PypiKey, b: PypiKey): Ordering {
  if (a.kind !== b.kind) return a.kind === 'legacy' ? -1 : 1;
  if (a.kind === 'legacy' || b.kind === 'legacy') {
    return compareTuple(
      a.kind === 'legacy' ? a.parts : [],
      b.kind === 'legacy' ? b.parts : [],
      compareStrings,
    );
  }
  return (
    compareDigits(a.epoch, b.epoch) ||
    compareTuple(a.release, b.release, compareDigits) ||
    compareBound(
      a.pre,
      b.pre,
      (x, y) => compareStrings(x.letter, y.letter) || compareDigits(x.number, y.number),
    ) ||
    compareBound(a.post, b.post, compareDigits) ||
    compareBound(a.dev, b.dev, compareDigits) ||
    compareBound(a.local, b.local, compareLocal)
  );
}

/** PyPI versions (PEP 440, with legacy versions below all PEP 440 ones). */
export const pep440Comparator = defineComparator('pep440', parsePypi, comparePypi);
