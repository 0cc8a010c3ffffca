import {
  compareDigits,
  compareStrings,
  defineComparator,
  isAsciiLetterCode,
  isDigitCode,
} from './compare-util.ts';
import type { Ordering } from './types.ts';

interface RpmVersion {
  readonly epoch: string;
  readonly version: string;
  /** Absent when the string has no `-`: an absent release sorts before every release, even an empty one (as `rpm.vercmp` does). */
  readonly release: string | undefined;
}

/**
 * Splits `[epoch:]version[-release]` as rpm's rpmverParse(): the epoch is a run of digits
 * directly before the first `:` (otherwise the colon belongs to the version) and the release
 * follows the last `-`. rpm accepts every string, so this never rejects one.
 */
function parseRpm(evr: string): RpmVersion {
  let digits = 0;
  while (digits < evr.length && isDigitCode(evr.charCodeAt(digits))) digits++;
  let epoch = '0';
  let rest = evr;
  if (evr.charCodeAt(digits) === 58) {
    epoch = digits === 0 ? '0' : evr.slice(0, digits);
    rest = evr.slice(digits + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  if (hyphen < 0) return { epoch, version: rest, release: undefined };
  return { epoch, version: rest.slice(0, hyphen), release: rest.slice(hyphen + 1) };
}

function isAlnum(c: number): boolean {
  return isDigitCode(c) || isAsciiLetterCode(c);
}

const TILDE = 126;
const CARET = 94;

/** rpm's rpmvercmp() (rpmio/rpmvercmp.c), on UTF-8 bytes: alphanumeric segments, `~` sorts before anything, `^` after the end only. */
export function rpmvercmp(left: string, right: string): Ordering {
  if (left === right) return 0;
  const a = Buffer.from(left, 'utf8');
  const b = Buffer.from(right, 'utf8');
  const at = (s: Uint8Array, k: number): number => (k < s.length ? (s[k] ?? 0) : 0);
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(at(a, i)) && at(a, i) !== TILDE && at(a, i) !== CARET) i++;
    while (j < b.length && !isAlnum(at(b, j)) && at(b, j) !== TILDE && at(b, j) !== CARET) j++;
    const ca = at(a, i);
    const cb = at(b, j);
    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === CARET || cb === CARET) {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;
    const numeric = isDigitCode(ca);
    const inSegment = numeric ? isDigitCode : isAsciiLetterCode;
    const startA = i;
    const startB = j;
    while (i < a.length && inSegment(at(a, i))) i++;
    while (j < b.length && inSegment(at(b, j))) j++;
    // The segments differ in kind: a number is newer than letters.
    if (j === startB) return numeric ? 1 : -1;
    const sa = a.toString('latin1', startA, i);
    const sb = b.toString('latin1', startB, j);
    const diff = numeric ? compareDigits(sa, sb) : compareStrings(sa, sb);
    if (diff !== 0) return diff;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

function compareRpm(a: RpmVersion, b: RpmVersion): Ordering {
  const byEpoch = rpmvercmp(a.epoch, b.epoch);
  if (byEpoch !== 0) return byEpoch;
  const byVersion = rpmvercmp(a.version, b.version);
  if (byVersion !== 0) return byVersion;
  if (a.release === undefined || b.release === undefined) {
    return a.release === b.release ? 0 : a.release === undefined ? -1 : 1;
  }
  return rpmvercmp(a.release, b.release);
}

/** Red Hat, Rocky, Alma, SUSE, openSUSE and other RPM distributions, ordered as rpm's `rpm.vercmp` does. */
export const rpmComparator = defineComparator('rpm', parseRpm, compareRpm);
