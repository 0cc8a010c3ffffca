/**
 * A small bounded zip reader over an in-memory buffer: the central directory (with ZIP64), and
 * stored or deflated members inflated with node:zlib under size and ratio limits. Nothing is
 * written to disk. (PKWARE APPNOTE 6.3.x, sections 4.3.7 local header, 4.3.12 central directory,
 * 4.3.14-16 ZIP64 end records, 4.5.3 ZIP64 extra field)
 */
import { inflateRawSync } from 'node:zlib';
import { BosunError, limitError } from '../../../util/errors.ts';
import { parseError } from '../lang-common/limits.ts';

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

export interface ZipLimits {
  readonly maxEntries: number;
  /** Largest uncompressed member. */
  readonly maxEntryBytes: number;
  /** Largest uncompressed/compressed ratio for members over 1 MiB. */
  readonly maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = Object.freeze({
  maxEntries: 200_000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxRatio: 200,
});

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const FLAG_ENCRYPTED = 1;
const RATIO_FLOOR = 1024 * 1024;

/** Local-header magic (or the empty-archive end record) at the start. */
export function isZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x50 &&
    bytes[1] === 0x4b &&
    ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6))
  );
}

class Reader {
  readonly bytes: Uint8Array;
  readonly input: string;
  readonly view: DataView;
  constructor(bytes: Uint8Array, input: string) {
    this.bytes = bytes;
    this.input = input;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(offset: number, length: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + length > this.bytes.length) {
      throw parseError(this.input, 'zip structure outside the file');
    }
  }
  u16(o: number): number {
    this.need(o, 2);
    return this.view.getUint16(o, true);
  }
  u32(o: number): number {
    this.need(o, 4);
    return this.view.getUint32(o, true);
  }
  u64(o: number): number {
    this.need(o, 8);
    const v = this.view.getBigUint64(o, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw parseError(this.input, 'zip64 value too large');
    return Number(v);
  }
}

function findEndRecord(r: Reader): number {
  const min = Math.max(0, r.bytes.length - 22 - 0xffff);
  for (let at = r.bytes.length - 22; at >= min; at--) {
    if (r.bytes[at] === 0x50 && r.bytes[at + 1] === 0x4b && r.u32(at) === EOCD) return at;
  }
  throw parseError(r.input, 'zip end of central directory not found');
}

/** All members listed by the central directory, in order. */
export function listZipEntries(
  bytes: Uint8Array,
  input: string,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): ZipEntry[] {
  const r = new Reader(bytes, input);
  const end = findEndRecord(r);
  let count = r.u16(end + 10);
  let cdSize = r.u32(end + 12);
  let cdOffset = r.u32(end + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locator = end - 20;
    if (locator >= 0 && r.u32(locator) === ZIP64_LOCATOR) {
      const z = r.u64(locator + 8);
      if (r.u32(z) !== ZIP64_EOCD) throw parseError(input, 'zip64 end record missing');
      count = r.u64(z + 32);
      cdSize = r.u64(z + 40);
      cdOffset = r.u64(z + 48);
    }
  }
  if (count > limits.maxEntries)
    throw limitError('INVENTORY_LIMIT', input, 'zip entries', count, limits.maxEntries);
  r.need(cdOffset, cdSize);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const entries: ZipEntry[] = [];
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (r.u32(at) !== CENTRAL) throw parseError(input, 'zip central directory entry signature invalid');
    const nameLength = r.u16(at + 28);
    const extraLength = r.u16(at + 30);
    const commentLength = r.u16(at + 32);
    r.need(at + 46, nameLength + extraLength + commentLength);
    let compressedSize = r.u32(at + 20);
    let size = r.u32(at + 24);
    let localHeaderOffset = r.u32(at + 42);
    // ZIP64 extra field: only the fields saturated in the fixed header are present, in this order.
    for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength;) {
      const id = r.u16(e);
      const length = r.u16(e + 2);
      if (id === 1) {
        let f = e + 4;
        if (size === 0xffffffff) {
          size = r.u64(f);
          f += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = r.u64(f);
          f += 8;
        }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = r.u64(f);
      }
      e += 4 + length;
    }
    entries.push({
      name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      method: r.u16(at + 10),
      flags: r.u16(at + 8),
      compressedSize,
      size,
      localHeaderOffset,
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** A member's bytes: stored or deflated, within the size and ratio limits. */
export function readZipEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  input: string,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Uint8Array {
  const where = `${input}!/${entry.name}`;
  if ((entry.flags & FLAG_ENCRYPTED) !== 0) throw parseError(where, 'encrypted zip member');
  if (entry.size > limits.maxEntryBytes)
    throw limitError('INVENTORY_LIMIT', where, 'zip member bytes', entry.size, limits.maxEntryBytes);
  if (entry.size > RATIO_FLOOR && entry.size > entry.compressedSize * limits.maxRatio) {
    throw limitError(
      'INVENTORY_LIMIT',
      where,
      'zip compression ratio',
      Math.round(entry.size / Math.max(1, entry.compressedSize)),
      limits.maxRatio,
    );
  }
  const r = new Reader(bytes, input);
  const local = entry.localHeaderOffset;
  if (r.u32(local) !== LOCAL) throw parseError(where, 'zip local header signature invalid');
  const start = local + 30 + r.u16(local + 26) + r.u16(local + 28);
  r.need(start, entry.compressedSize);
  const data = bytes.subarray(start, start + entry.compressedSize);
  switch (entry.method) {
    case 0:
      if (entry.compressedSize !== entry.size) throw parseError(where, 'stored zip member sizes differ');
      return data;
    case 8: {
      let out: Buffer;
      try {
        // The declared size bounds the output: a member that inflates to more is lying.
        out = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) });
      } catch (error) {
        throw new BosunError('INVENTORY_PARSE', `${where}: deflate data invalid or larger than declared`, {
          cause: error,
          details: { input: where },
        });
      }
      if (out.length !== entry.size) throw parseError(where, 'inflated size differs from the declared size');
      return new Uint8Array(out.buffer, out.byteOffset, out.length);
    }
    default:
      throw parseError(where, `unsupported zip compression method ${entry.method}`);
  }
}
