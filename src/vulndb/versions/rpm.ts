import { compareDigitBytes, defineComparator, isAsciiLetterCode, isDigitCode } from './compare-util.ts';
import type { Ordering } from './types.ts';

interface RpmVersion {
  readonly epoch: Uint8Array;
  readonly version: Uint8Array;
  /** Absent when the string has no `-`: an absent release sorts before every release, even an empty one (as `rpm.vercmp` does). */
  readonly release: Uint8Array | undefined;
}

/** UTF-8 bytes, as rpm compares them (encoded once at parse; keys are cached). */
function bytesOf(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
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
  if (hyphen < 0) return { epoch: bytesOf(epoch), version: bytesOf(rest), release: undefined };
  return {
    epoch: bytesOf(epoch),
    version: bytesOf(rest.slice(0, hyphen)),
    release: bytesOf(rest.slice(hyphen + 1)),
  };
}

function isAlnum(c: number): boolean {
  return isDigitCode(c) || isAsciiLetterCode(c);
}

const TILDE = 126;
const CARET = 94;

/** rpm's rpmvercmp() (rpmio/rpmvercmp.c), on UTF-8 bytes: alphanumeric segments, `~` sorts before anything, `^` after the end only. */
export function rpmvercmp(left: string, right: string): Ordering {
  if (left === right) return 0;
  return rpmvercmpBytes(bytesOf(left), bytesOf(right));
}

function rpmvercmpBytes(a: Uint8Array, b: Uint8Array): Ordering {
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
    const diff = numeric
      ? compareDigitBytes(a, startA, i, b, startB, j)
      : compareByteRuns(a, startA, i, b, startB, j);
    if (diff !== 0) return diff;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** Byte order of two runs (ASCII letters here, so the same as comparing them as strings). */
function compareByteRuns(
  a: Uint8Array,
  startA: number,
  endA: number,
  b: Uint8Array,
  startB: number,
  endB: number,
): Ordering {
  const n = Math.min(endA - startA, endB - startB);
  for (let k = 0; k < n; k++) {
    const x = a[startA + k] ?? 0;
    const y = b[startB + k] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  const lengthA = endA - startA;
  const lengthB = endB - startB;
  return lengthA === lengthB ? 0 : lengthA < lengthB ? -1 : 1;
}

function compareRpm(a: RpmVersion, b: RpmVersion): Ordering {
  const byEpoch = rpmvercmpBytes(a.epoch, b.epoch);
  if (byEpoch !== 0) return byEpoch;
  const byVersion = rpmvercmpBytes(a.version, b.version);
  if (byVersion !== 0) return byVersion;
  if (a.release === undefined || b.release === undefined) {
    return a.release === b.release ? 0 : a.release === undefined ? -1 : 1;
  }
  return rpmvercmpBytes(a.release, b.release);
}

/** Red Hat, Rocky, Alma, SUSE, openSUSE and other RPM distributions, ordered as rpm's `rpm.vercmp` does. */
export const rpmComparator = defineComparator('rpm', parseRpm, compareRpm);
