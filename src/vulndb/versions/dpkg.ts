import {
  compareDigitBytes,
  defineComparator,
  invalidVersion,
  isAsciiLetterCode,
  isDigitCode,
  sign,
} from './compare-util.ts';
import type { Ordering } from './types.ts';

interface DpkgVersion {
  readonly epoch: number;
  /** UTF-8 bytes, as dpkg compares them (encoded once at parse; keys are cached). */
  readonly upstream: Uint8Array;
  readonly revision: Uint8Array;
}

const MAX_EPOCH = 2147483647;

/**
 * Parses `[epoch:]upstream[-revision]` as dpkg's parseversion() does: the conditions dpkg
 * reports as errors throw; the ones it only warns about (a first character that is not a
 * digit, unusual characters) are accepted, because `dpkg --compare-versions` still orders them.
 */
function parseDpkg(raw: string): DpkgVersion {
  const version = raw.trim();
  if (version === '') throw invalidVersion('dpkg', raw, 'version string is empty');
  if (/\s/.test(version)) throw invalidVersion('dpkg', raw, 'version string has embedded spaces');
  let epoch = 0;
  let rest = version;
  const colon = version.indexOf(':');
  if (colon >= 0) {
    const epochText = version.slice(0, colon);
    if (!/^[0-9]+$/.test(epochText)) throw invalidVersion('dpkg', raw, 'epoch in version is not a number');
    epoch = Number(epochText);
    if (epoch > MAX_EPOCH) throw invalidVersion('dpkg', raw, 'epoch in version is too big');
    rest = version.slice(colon + 1);
    if (rest === '') throw invalidVersion('dpkg', raw, 'nothing after colon in version number');
  }
  let upstream = rest;
  let revision = '';
  const hyphen = rest.lastIndexOf('-');
  if (hyphen >= 0) {
    upstream = rest.slice(0, hyphen);
    revision = rest.slice(hyphen + 1);
    if (revision === '') throw invalidVersion('dpkg', raw, 'revision number is empty');
  }
  if (upstream === '') throw invalidVersion('dpkg', raw, 'version number is empty');
  return { epoch, upstream: Buffer.from(upstream, 'utf8'), revision: Buffer.from(revision, 'utf8') };
}

/** dpkg's order(): digits 0, letters themselves, `~` below everything (even the end), others after letters. */
function order(bytes: Uint8Array, i: number): number {
  if (i >= bytes.length) return 0;
  const c = bytes[i] ?? 0;
  if (isDigitCode(c)) return 0;
  if (isAsciiLetterCode(c)) return c;
  if (c === 126) return -1;
  return c + 256;
}

/** dpkg's verrevcmp(), on UTF-8 bytes as dpkg sees them. */
export function verrevcmp(left: string, right: string): Ordering {
  return verrevcmpBytes(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));
}

function verrevcmpBytes(a: Uint8Array, b: Uint8Array): Ordering {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigitCode(a[i] ?? 0)) || (j < b.length && !isDigitCode(b[j] ?? 0))) {
      const ac = order(a, i);
      const bc = order(b, j);
      if (ac !== bc) return sign(ac - bc);
      i++;
      j++;
    }
    const startA = i;
    const startB = j;
    while (i < a.length && isDigitCode(a[i] ?? 0)) i++;
    while (j < b.length && isDigitCode(b[j] ?? 0)) j++;
    const diff = compareDigitBytes(a, startA, i, b, startB, j);
    if (diff !== 0) return diff;
  }
  return 0;
}

function compareDpkg(a: DpkgVersion, b: DpkgVersion): Ordering {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return verrevcmpBytes(a.upstream, b.upstream) || verrevcmpBytes(a.revision, b.revision);
}

/** Debian and Ubuntu package versions, ordered as `dpkg --compare-versions` does. */
export const dpkgComparator = defineComparator('dpkg', parseDpkg, compareDpkg);
