// Zip reader written here on purpose: scanners have been bypassed by zips that their library
// rejected or read differently from the loader (bad CRCs, bogus flag bits, local/central
// mismatches, duplicate names, prepended data). This reader never gives up on a member when a
// loader might not: it reports each disagreement and reads what a loader would read.
// Structures per PKWARE APPNOTE 6.3.x (EOCD, ZIP64 EOCD and locator, central and local headers).
import type { ByteSource } from '../scan/source.ts';
import type { Severity } from '../types.ts';

export interface ZipAnomaly {
  readonly offset: number;
  readonly severity: Severity;
  readonly message: string;
  readonly member?: string;
}

export interface LocalHeader {
  readonly name: string;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly dataOffset: number;
}

export interface ZipEntry {
  readonly name: string;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  /** Absolute offset of the local header (after adjusting for data prepended to the archive). */
  readonly localOffset: number;
  /** True for members found only by their local header (not in the central directory). */
  readonly hidden: boolean;
}

export interface ZipDirectory {
  readonly entries: readonly ZipEntry[];
  readonly anomalies: readonly ZipAnomaly[];
  readonly eocdOffset: number;
  readonly centralOffset: number;
  /** Bytes in front of the archive (Python's zipfile `concat`). */
  readonly prefix: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_LOC64 = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const MAX_TAIL = 0xffff + 22;
const utf8 = new TextDecoder('utf-8');
const cp437ish = new TextDecoder('latin1');

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function u64(view: DataView, at: number): number {
  return view.getUint32(at + 4, true) * 0x100000000 + view.getUint32(at, true);
}

function decodeName(bytes: Uint8Array, flags: number): string {
  return flags & 0x800 ? utf8.decode(bytes) : cp437ish.decode(bytes);
}

export class ZipFormatError extends Error {}

/** Finds the end of central directory record; undefined when the bytes hold no zip at all. */
async function findEocd(
  source: ByteSource,
): Promise<{ offset: number; record: DataView; tail: Uint8Array; tailStart: number } | undefined> {
  if (source.size < 22) return undefined;
  const tailStart = Math.max(0, source.size - MAX_TAIL);
  const tail = await source.read(tailStart, source.size - tailStart);
  const view = dv(tail);
  // Like CPython's zipfile, the last signature wins; a record must fit in the file.
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && view.getUint32(i, true) === SIG_EOCD) {
      return {
        offset: tailStart + i,
        record: new DataView(tail.buffer, tail.byteOffset + i, 22),
        tail,
        tailStart,
      };
    }
  }
  return undefined;
}

export async function readZipDirectory(
  source: ByteSource,
  maxEntries: number,
): Promise<ZipDirectory | undefined> {
  const eocd = await findEocd(source);
  if (!eocd) return undefined;
  const anomalies: ZipAnomaly[] = [];
  const r = eocd.record;
  let total = r.getUint16(10, true);
  let cdSize = r.getUint32(12, true);
  let cdOffset = r.getUint32(16, true);
  const commentLength = r.getUint16(20, true);
  if (eocd.offset + 22 + commentLength !== source.size) {
    anomalies.push({
      offset: eocd.offset,
      severity: 'MEDIUM',
      message: `end of central directory comment length (${commentLength}) does not reach the end of the file`,
    });
  }
  let cdEnd = eocd.offset;
  // ZIP64: the locator sits right before the EOCD.
  const locAt = eocd.offset - 20 - eocd.tailStart;
  if (locAt >= 0 && dv(eocd.tail).getUint32(locAt, true) === SIG_LOC64) {
    const loc = new DataView(eocd.tail.buffer, eocd.tail.byteOffset + locAt, 20);
    const rec64Offset = u64(loc, 8);
    const rec = await source.read(rec64Offset, 56);
    if (rec.length === 56 && dv(rec).getUint32(0, true) === SIG_EOCD64) {
      const v = dv(rec);
      total = u64(v, 32);
      cdSize = u64(v, 40);
      cdOffset = u64(v, 48);
      cdEnd = rec64Offset;
    } else {
      // The ZIP64 record may have moved with prepended data: search just before the locator.
      anomalies.push({
        offset: eocd.offset - 20,
        severity: 'MEDIUM',
        message: 'ZIP64 locator points to no ZIP64 record',
      });
    }
  }
  const prefix = cdEnd - cdSize - cdOffset;
  if (prefix < 0 || cdSize > source.size) {
    throw new ZipFormatError(
      `central directory (${cdSize} bytes at ${cdOffset}) does not fit before the end record`,
    );
  }
  if (prefix > 0) {
    anomalies.push({ offset: 0, severity: 'MEDIUM', message: `${prefix} bytes precede the zip archive` });
  }
  if (total > maxEntries) throw new ZipFormatError(`zip declares ${total} entries, limit ${maxEntries}`);
  const cd = await source.read(cdOffset + prefix, cdSize);
  if (cd.length < cdSize) throw new ZipFormatError('central directory is truncated');
  const view = dv(cd);
  const entries: ZipEntry[] = [];
  let p = 0;
  while (p + 46 <= cd.length && view.getUint32(p, true) === SIG_CENTRAL) {
    if (entries.length >= maxEntries) throw new ZipFormatError(`zip has more than ${maxEntries} entries`);
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    let compressedSize = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    let localOffset = view.getUint32(p + 42, true);
    if (p + 46 + nameLen + extraLen + commentLen > cd.length)
      throw new ZipFormatError('central directory entry overruns the directory');
    const name = decodeName(cd.subarray(p + 46, p + 46 + nameLen), flags);
    // ZIP64 extended information extra field (0x0001): only the saturated fields, in order.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff && q + 8 <= e + 4 + len) {
          size = u64(view, q);
          q += 8;
        }
        if (compressedSize === 0xffffffff && q + 8 <= e + 4 + len) {
          compressedSize = u64(view, q);
          q += 8;
        }
        if (localOffset === 0xffffffff && q + 8 <= e + 4 + len) localOffset = u64(view, q);
      }
      e += 4 + len;
    }
    entries.push({
      name,
      flags,
      method,
      crc,
      compressedSize,
      size,
      localOffset: localOffset + prefix,
      hidden: false,
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  if (entries.length !== total) {
    anomalies.push({
      offset: cdOffset + prefix,
      severity: 'MEDIUM',
      message: `end record declares ${total} entries, central directory holds ${entries.length}`,
    });
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name)) {
      anomalies.push({
        offset: entry.localOffset,
        severity: 'HIGH',
        member: entry.name,
        message: `duplicate member name ${JSON.stringify(entry.name)}: loaders disagree on which copy they read`,
      });
    }
    seen.add(entry.name);
  }
  return { entries, anomalies, eocdOffset: eocd.offset, centralOffset: cdOffset + prefix, prefix };
}

export async function readLocalHeader(source: ByteSource, offset: number): Promise<LocalHeader | undefined> {
  // One small read covers the usual name and extra field; a second read only for long ones.
  let head = await source.read(offset, 30 + 512);
  if (head.length >= 30) {
    const want = 30 + dv(head).getUint16(26, true) + dv(head).getUint16(28, true);
    if (want > head.length) head = await source.read(offset, want);
  }
  if (head.length < 30) return undefined;
  const v = dv(head);
  if (v.getUint32(0, true) !== SIG_LOCAL) return undefined;
  const flags = v.getUint16(6, true);
  const nameLen = v.getUint16(26, true);
  const extraLen = v.getUint16(28, true);
  if (30 + nameLen + extraLen > head.length) return undefined;
  let compressedSize = v.getUint32(18, true);
  let size = v.getUint32(22, true);
  let e = 30 + nameLen;
  while (e + 4 <= 30 + nameLen + extraLen) {
    const id = v.getUint16(e, true);
    const len = v.getUint16(e + 2, true);
    if (id === 0x0001 && len >= 16) {
      if (size === 0xffffffff) size = u64(v, e + 4);
      if (compressedSize === 0xffffffff) compressedSize = u64(v, e + 12);
    }
    e += 4 + len;
  }
  return {
    name: decodeName(head.subarray(30, 30 + nameLen), flags),
    flags,
    method: v.getUint16(8, true),
    crc: v.getUint32(14, true),
    compressedSize,
    size,
    dataOffset: offset + 30 + nameLen + extraLen,
  };
}

/**
 * Local headers that no central directory entry points to: streaming unzippers read them, so
 * they are members too. Searched only in small archives, outside the ranges of known members.
 */
export async function findHiddenMembers(
  source: ByteSource,
  known: readonly { start: number; end: number }[],
  limit: number,
): Promise<ZipEntry[]> {
  if (source.size > limit) return [];
  const all = await source.read(0, source.size);
  const view = dv(all);
  const hidden: ZipEntry[] = [];
  const inside = (at: number): boolean => known.some((r) => at >= r.start && at < r.end);
  for (let i = all.indexOf(0x50); i >= 0 && i + 30 <= all.length; i = all.indexOf(0x50, i + 1)) {
    if (view.getUint32(i, true) !== SIG_LOCAL || inside(i)) continue;
    const header = await readLocalHeader(source, i);
    if (!header || header.dataOffset + header.compressedSize > all.length) continue;
    hidden.push({
      name: header.name,
      flags: header.flags,
      method: header.method,
      crc: header.crc,
      compressedSize: header.compressedSize,
      size: header.size,
      localOffset: i,
      hidden: true,
    });
    if (hidden.length > 1000) break;
  }
  return hidden;
}
