import { BosunError } from '../../util/errors.ts';
import type { Ordering, ParsedVersion, VersionComparator, VersionSchemeId } from './types.ts';

/** Longest version string any scheme accepts; real versions are far shorter (bounded parsing). */
export const MAX_VERSION_LENGTH = 1024;

export function sign(n: number): Ordering {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Compares strings by UTF-16 code unit, which equals byte order for the ASCII that versions use. */
export function compareStrings(a: string, b: string): Ordering {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two runs of ASCII digits numerically, whatever their length (no precision loss). */
export function compareDigits(a: string, b: string): Ordering {
  const x = stripZeros(a);
  const y = stripZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return compareStrings(x, y);
}

/** `compareDigits` on two runs of ASCII digits inside byte arrays (`a[startA, endA)`, `b[startB, endB)`), without copying. */
export function compareDigitBytes(
  a: Uint8Array,
  startA: number,
  endA: number,
  b: Uint8Array,
  startB: number,
  endB: number,
): Ordering {
  let i = startA;
  let j = startB;
  while (i < endA - 1 && a[i] === 48) i++;
  while (j < endB - 1 && b[j] === 48) j++;
  // An empty run is 0, the same as "0".
  const lengthA = endA - i;
  const lengthB = endB - j;
  const x = lengthA === 0 ? 1 : lengthA;
  const y = lengthB === 0 ? 1 : lengthB;
  if (x !== y) return x < y ? -1 : 1;
  if (lengthA === 0 || lengthB === 0) {
    const digitA = lengthA === 0 ? 48 : (a[i] ?? 48);
    const digitB = lengthB === 0 ? 48 : (b[j] ?? 48);
    return digitA < digitB ? -1 : digitA > digitB ? 1 : 0;
  }
  for (; i < endA; i++, j++) {
    const ca = a[i] ?? 0;
    const cb = b[j] ?? 0;
    if (ca !== cb) return ca < cb ? -1 : 1;
  }
  return 0;
}

function stripZeros(s: string): string {
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 48) i++;
  return s === '' ? '0' : s.slice(i);
}

export function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAsciiLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export const DIGITS = /^[0-9]+$/;

export function invalidVersion(scheme: VersionSchemeId, version: string, reason: string): BosunError {
  const shown = version.length > 80 ? `${version.slice(0, 80)}...` : version;
  return new BosunError('VULNDB_VERSION_INVALID', `${scheme} version ${JSON.stringify(shown)}: ${reason}`, {
    details: { scheme, version: shown, reason },
  });
}

/** Parsed keys kept per comparator: enough for every version of a large inventory plus the records it meets. */
export const KEY_CACHE_ENTRIES = 16_384;

/**
 * Builds a comparator from a parser to a comparison key and an ordering of keys. The length
 * limit is checked before any parsing, so every scheme is bounded the same way.
 *
 * Keys are immutable and cached by string: matching compares one installed version with every
 * event of every record about its package, and an import compares each event while sorting.
 * The cache is two generations of at most `KEY_CACHE_ENTRIES` each (a key used in the old one
 * moves to the new one; a full new one retires the old), an LRU approximation with O(1)
 * operations and bounded memory. Strings that fail to parse are never cached, so they throw
 * on every call as before.
 */
export function defineComparator<K>(
  id: VersionSchemeId,
  toKey: (version: string) => K,
  compareKeys: (a: K, b: K) => Ordering,
): VersionComparator {
  let young = new Map<string, K>();
  let old = new Map<string, K>();
  const key = (version: string): K => {
    if (typeof version !== 'string') throw invalidVersion(id, String(version), 'not a string');
    let found = young.get(version);
    if (found !== undefined) return found;
    found = old.get(version);
    if (found === undefined) {
      if (version.length > MAX_VERSION_LENGTH) {
        throw invalidVersion(id, version, `longer than ${MAX_VERSION_LENGTH} characters`);
      }
      found = toKey(version);
    }
    if (young.size >= KEY_CACHE_ENTRIES) {
      old = young;
      young = new Map();
    }
    young.set(version, found);
    return found;
  };
  return {
    id,
    parse(version: string): ParsedVersion {
      key(version);
      return { scheme: id, original: version };
    },
    compare(a: string, b: string): Ordering {
      return compareKeys(key(a), key(b));
    },
  };
}
