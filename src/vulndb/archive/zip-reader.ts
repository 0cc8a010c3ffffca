/**
 * A bounded reader for the zip files OSV exports (`<ecosystem>/all.zip`: one JSON record per
 * entry, deflated). It reads the central directory (APPNOTE 6.3.10 §4.3.12-4.3.16, with ZIP64
 * §4.3.14/4.5.3) from the end of the file and then each entry on demand with positional reads
 * served from a window of the file (positional-reader.ts): entries read in file order cost one
 * read per window rather than two per entry, and memory stays bounded by the window or one
 * entry. Every size is checked before it is trusted: entry count, declared and actual
 * uncompressed size, total size, compression ratio and CRC-32.
 */
import { open } from 'node:fs/promises';
import zlib from 'node:zlib';
import { BosunError, limitError } from '../../util/errors.ts';
import { bufferReader, readFully, windowedReader, type PositionalReader } from './positional-reader.ts';

export interface ZipLimits {
  readonly maxEntries: number;
  /** Largest uncompressed entry. */
  readonly maxEntryBytes: number;
  /** Sum of uncompressed entry sizes. */
  readonly maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio for one entry (JSON compresses about 5-20x). */
  readonly maxRatio: number;
  /** Largest central directory. */
  readonly maxDirectoryBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 2_000_000,
  maxEntryBytes: 16 * 1024 * 1024,
  maxTotalBytes: 16 * 1024 * 1024 * 1024,
  maxRatio: 1_000,
  maxDirectoryBytes: 512 * 1024 * 1024,
};

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const MAX_COMMENT = 0xffff;
const utf8 = new TextDecoder('utf-8', { fatal: false });
const latin1 = new TextDecoder('latin1');

/** An open zip file. `close()` releases the file handle. */
export interface ZipFile {
  readonly entries: readonly ZipEntry[];
  read(entry: ZipEntry): Promise<Buffer>;
  close(): Promise<void>;
}

/** Opens `path` and reads its central directory within `limits`; throws `VULNDB_INVALID` or `LIMIT_EXCEEDED`. */
export async function openZip(path: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipFile> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const direct: PositionalReader = {
      readAt: (position, length, name) => readFully(handle, position, length, name),
    };
    const entries = await readDirectory(direct, size, path, limits);
    const reader = windowedReader(handle, size);
    return {
      entries,
      read: (entry) => readEntry(reader, size, entry, path, limits),
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Reads every entry of a zip held in memory (tests and small archives). */
export async function readZipBuffer(
  bytes: Uint8Array,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
  name = 'zip',
): Promise<{ name: string; data: Buffer }[]> {
  const reader = bufferReader(bytes);
  const entries = await readDirectory(reader, bytes.byteLength, name, limits);
  const out: { name: string; data: Buffer }[] = [];
  for (const entry of entries)
    out.push({ name: entry.name, data: await readEntry(reader, bytes.byteLength, entry, name, limits) });
  return out;
}

async function readDirectory(
  reader: PositionalReader,
  fileSize: number,
  name: string,
  limits: ZipLimits,
): Promise<ZipEntry[]> {
  if (fileSize < 22) throw invalid(name, 'too short for an end of central directory record');
  const tailLength = Math.min(fileSize, 22 + MAX_COMMENT + 20);
  const tailStart = fileSize - tailLength;
  const tail = await reader.readAt(tailStart, tailLength, name);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw invalid(name, 'no end of central directory record');
  let count = tail.readUInt16LE(eocd + 10);
  let dirSize = tail.readUInt32LE(eocd + 12);
  let dirOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR_SIG)
      throw invalid(name, 'ZIP64 locator missing');
    const zip64Offset = safeNumber(tail.readBigUInt64LE(locator + 8), name);
    if (zip64Offset + 56 > fileSize) throw invalid(name, 'ZIP64 end record out of range');
    const record = await reader.readAt(zip64Offset, 56, name);
    if (record.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw invalid(name, 'ZIP64 end record signature');
    count = safeNumber(record.readBigUInt64LE(32), name);
    dirSize = safeNumber(record.readBigUInt64LE(40), name);
    dirOffset = safeNumber(record.readBigUInt64LE(48), name);
  }
  if (count > limits.maxEntries)
    throw limitError('LIMIT_EXCEEDED', name, 'zip entries', count, limits.maxEntries);
  if (dirSize > limits.maxDirectoryBytes) {
    throw limitError(
      'LIMIT_EXCEEDED',
      name,
      'zip central directory bytes',
      dirSize,
      limits.maxDirectoryBytes,
    );
  }
  if (dirOffset + dirSize > fileSize) throw invalid(name, 'central directory out of range');
  // Each central header is at least 46 bytes: a count that cannot fit is a lie.
  if (count * 46 > dirSize) throw invalid(name, 'entry count does not fit the central directory');
  const dir = await reader.readAt(dirOffset, dirSize, name);
  const entries: ZipEntry[] = [];
  let total = 0;
  let pos = 0;
  for (let i = 0; i < count; i++) {
    if (pos + 46 > dir.length || dir.readUInt32LE(pos) !== CENTRAL_SIG)
      throw invalid(name, `central header ${i} malformed`);
    const flags = dir.readUInt16LE(pos + 8);
    const method = dir.readUInt16LE(pos + 10);
    const crc32 = dir.readUInt32LE(pos + 16);
    let compressedSize = dir.readUInt32LE(pos + 20);
    let size = dir.readUInt32LE(pos + 24);
    const nameLength = dir.readUInt16LE(pos + 28);
    const extraLength = dir.readUInt16LE(pos + 30);
    const commentLength = dir.readUInt16LE(pos + 32);
    let localHeaderOffset = dir.readUInt32LE(pos + 42);
    const end = pos + 46 + nameLength + extraLength + commentLength;
    if (end > dir.length) throw invalid(name, `central header ${i} overruns the directory`);
    const rawName = dir.subarray(pos + 46, pos + 46 + nameLength);
    // Flag bit 11: the name is UTF-8; otherwise CP437, read as latin1 (OSV names are ASCII).
    const entryName = (flags & 0x800) !== 0 ? utf8.decode(rawName) : latin1.decode(rawName);
    const extra = dir.subarray(pos + 46 + nameLength, pos + 46 + nameLength + extraLength);
    if (size === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
      const zip64 = zip64Extra(
        extra,
        {
          size: size === 0xffffffff,
          compressed: compressedSize === 0xffffffff,
          offset: localHeaderOffset === 0xffffffff,
        },
        name,
      );
      size = zip64.size ?? size;
      compressedSize = zip64.compressed ?? compressedSize;
      localHeaderOffset = zip64.offset ?? localHeaderOffset;
    }
    if (size > limits.maxEntryBytes && !entryName.endsWith('/')) {
      throw limitError(
        'LIMIT_EXCEEDED',
        `${name}:${entryName}`,
        'zip entry bytes',
        size,
        limits.maxEntryBytes,
      );
    }
    total += size;
    if (total > limits.maxTotalBytes)
      throw limitError('LIMIT_EXCEEDED', name, 'zip total bytes', total, limits.maxTotalBytes);
    checkRatio(size, compressedSize, `${name}:${entryName}`, limits);
    entries.push({ name: entryName, method, flags, crc32, compressedSize, size, localHeaderOffset });
    pos = end;
  }
  return entries;
}

function checkRatio(size: number, compressedSize: number, name: string, limits: ZipLimits): void {
  if (size > 1024 && size > compressedSize * limits.maxRatio) {
    throw limitError(
      'LIMIT_EXCEEDED',
      name,
      'zip compression ratio',
      Math.round(size / Math.max(1, compressedSize)),
      limits.maxRatio,
    );
  }
}

function zip64Extra(
  extra: Buffer,
  want: { size: boolean; compressed: boolean; offset: boolean },
  name: string,
): { size?: number; compressed?: number; offset?: number } {
  let pos = 0;
  while (pos + 4 <= extra.length) {
    const id = extra.readUInt16LE(pos);
    const length = extra.readUInt16LE(pos + 2);
    if (pos + 4 + length > extra.length) break;
    if (id === 0x0001) {
      // §4.5.3: only the fields whose 32-bit value is 0xFFFFFFFF are present, in this order.
      const out: { size?: number; compressed?: number; offset?: number } = {};
      let at = pos + 4;
      const next = (): number => {
        if (at + 8 > pos + 4 + length) throw invalid(name, 'ZIP64 extra field too short');
        const value = safeNumber(extra.readBigUInt64LE(at), name);
        at += 8;
        return value;
      };
      if (want.size) out.size = next();
      if (want.compressed) out.compressed = next();
      if (want.offset) out.offset = next();
      return out;
    }
    pos += 4 + length;
  }
  throw invalid(name, 'ZIP64 extra field missing');
}

async function readEntry(
  reader: PositionalReader,
  fileSize: number,
  entry: ZipEntry,
  zipName: string,
  limits: ZipLimits,
): Promise<Buffer> {
  const name = `${zipName}:${entry.name}`;
  if ((entry.flags & 0x1) !== 0) throw invalid(name, 'encrypted entries are not supported');
  if (entry.size > limits.maxEntryBytes)
    throw limitError('LIMIT_EXCEEDED', name, 'zip entry bytes', entry.size, limits.maxEntryBytes);
  if (entry.localHeaderOffset + 30 > fileSize) throw invalid(name, 'local header out of range');
  const local = await reader.readAt(entry.localHeaderOffset, 30, name);
  if (local.readUInt32LE(0) !== LOCAL_SIG) throw invalid(name, 'local header signature');
  const dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  if (dataStart + entry.compressedSize > fileSize) throw invalid(name, 'entry data out of range');
  // A compressed size larger than the entry could ever need is refused before reading it.
  if (entry.compressedSize > limits.maxEntryBytes + 1024) {
    throw limitError(
      'LIMIT_EXCEEDED',
      name,
      'zip entry compressed bytes',
      entry.compressedSize,
      limits.maxEntryBytes,
    );
  }
  const compressed = await reader.readAt(dataStart, entry.compressedSize, name);
  let data: Buffer;
  switch (entry.method) {
    case 0:
      data = compressed;
      break;
    case 8:
      try {
        // The declared size bounds the output: a bomb that lies about its size stops here. One
        // output chunk one byte larger than the declared size: no 16 KiB default chunk per small
        // record, no second chunk to learn that the stream ended.
        data = zlib.inflateRawSync(compressed, {
          maxOutputLength: Math.max(1, entry.size),
          chunkSize: Math.max(64, entry.size + 1),
        });
      } catch (cause) {
        if (isBufferTooLarge(cause)) {
          throw limitError(
            'LIMIT_EXCEEDED',
            name,
            'zip entry inflated beyond its declared size',
            entry.size + 1,
            entry.size,
          );
        }
        throw invalid(name, 'deflate data corrupt', cause);
      }
      break;
    default:
      throw invalid(name, `compression method ${entry.method} not supported`);
  }
  if (data.length !== entry.size)
    throw invalid(name, `size ${data.length} differs from declared ${entry.size}`);
  if (zlib.crc32(data) !== entry.crc32) throw invalid(name, 'CRC-32 mismatch');
  return data;
}

function isBufferTooLarge(error: unknown): boolean {
  return (
    error instanceof RangeError ||
    (error instanceof Error && 'code' in error && error.code === 'ERR_BUFFER_TOO_LARGE')
  );
}

function safeNumber(value: bigint, name: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid(name, 'ZIP64 value out of range');
  return Number(value);
}

function invalid(name: string, reason: string, cause?: unknown): BosunError {
  return new BosunError('VULNDB_INVALID', `${name}: invalid zip: ${reason}`, {
    cause,
    details: { input: name, reason },
  });
}
