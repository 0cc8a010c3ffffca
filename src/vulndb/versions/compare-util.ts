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

/**
 * Builds a comparator from a parser to a comparison key and an ordering of keys. The length
 * limit is checked before any parsing, so every scheme is bounded the same way.
 */
export function defineComparator<K>(
  id: VersionSchemeId,
  toKey: (version: string) => K,
  compareKeys: (a: K, b: K) => Ordering,
): VersionComparator {
  const key = (version: string): K => {
    if (typeof version !== 'string') throw invalidVersion(id, String(version), 'not a string');
    if (version.length > MAX_VERSION_LENGTH) {
      throw invalidVersion(id, version, `longer than ${MAX_VERSION_LENGTH} characters`);
    }
    return toKey(version);
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
