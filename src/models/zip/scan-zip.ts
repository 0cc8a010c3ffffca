// Scans every member of a zip as a file of its own (any name, any extension), reporting where
// the central directory and local headers disagree instead of trusting either.
import zlib from 'node:zlib';
import { child, emit, type ItemScanner, type Location, type ScanContext } from '../scan/context.ts';
import { decompress, type Codec } from '../scan/compress.ts';
import { bufferSource, type ByteSource } from '../scan/source.ts';
import { sliceSource } from '../scan/slice.ts';
import type { ModelFormat } from '../types.ts';
import { analyzePickle } from '../pickle/analyze.ts';
import { findHiddenMembers, readLocalHeader, type ZipDirectory, type ZipEntry } from './read.ts';

const SNIFF_BYTES = 64 * 1024;
/** Tensor storages are never unpickled by torch: a short look for embedded imports is enough. */
const STORAGE_SNIFF_BYTES = 4 * 1024;
const SMALL_MEMBER = 1024 * 1024;
const HIDDEN_SEARCH_LIMIT = 64 * 1024 * 1024;
const IDENTIFIER_PATH = /^[A-Za-z_][\w.]*$/;

const CODEC_OF_METHOD: ReadonlyMap<number, Codec | 'stored'> = new Map<number, Codec | 'stored'>([
  [0, 'stored'],
  [8, 'deflate-raw'],
  [12, 'bzip2'],
  [93, 'zstd'],
  [95, 'xz'],
]);

export function zipFlavour(dir: ZipDirectory): ModelFormat {
  const names = dir.entries.map((e) => e.name);
  if (names.some((n) => /(^|\/)constants\.pkl$/.test(n) || /(^|\/)code\//.test(n))) return 'torchscript';
  if (names.some((n) => /(^|\/)data\.pkl$/.test(n))) return 'torch-zip';
  if (
    names.includes('config.json') &&
    (names.includes('metadata.json') || names.includes('model.weights.h5'))
  )
    return 'keras';
  if (names.length > 0 && names.every((n) => n.endsWith('.npy'))) return 'numpy';
  return 'zip';
}

/** Head bytes that deserve a full read: another container, or something a loader could unpickle. */
function headIsInteresting(head: Uint8Array, storage: boolean): boolean {
  const a = analyzePickle(head);
  const namedGlobals =
    a.globals.length > 0 &&
    a.globals.every((g) => IDENTIFIER_PATH.test(g.module) && IDENTIFIER_PATH.test(g.name));
  if (namedGlobals) return true;
  if (storage) return false;
  if (a.startsWithProto && a.opCount > 2) return true;
  const m = (i: number): number => head[i] ?? -1;
  if (m(0) === 0x50 && m(1) === 0x4b) return true; // zip
  if (m(0) === 0x1f && m(1) === 0x8b) return true; // gzip
  if (m(0) === 0x42 && m(1) === 0x5a && m(2) === 0x68) return true; // bzip2
  if (m(0) === 0xfd && m(1) === 0x37 && m(2) === 0x7a) return true; // xz
  if (m(0) === 0x28 && m(1) === 0xb5 && m(2) === 0x2f && m(3) === 0xfd) return true; // zstd
  if (m(0) === 0x93 && m(1) === 0x4e) return true; // npy
  if (m(0) === 0x37 && m(1) === 0x7a && m(2) === 0xbc) return true; // 7z
  return a.error === undefined && a.opCount >= 2;
}

function pickleNamed(name: string): boolean {
  return /\.(pkl|pickle)$/i.test(name);
}

export async function scanZip(
  ctx: ScanContext,
  loc: Location,
  source: ByteSource,
  dir: ZipDirectory,
  scanItem: ItemScanner,
): Promise<void> {
  const format = zipFlavour(dir);
  ctx.formats.add(format);
  for (const a of dir.anomalies) {
    emit(ctx, loc, {
      format,
      offset: a.offset,
      kind: 'zip-anomaly',
      severity: a.severity,
      message: a.message,
    });
  }
  const known: { start: number; end: number }[] = [{ start: dir.centralOffset, end: source.size }];
  const storagePrefix = dir.entries
    .find((e) => /(^|\/)data\.pkl$/.test(e.name))
    ?.name.replace(/data\.pkl$/, 'data/');
  for (const entry of dir.entries) {
    const end = await scanMember(ctx, loc, source, entry, scanItem, format, storagePrefix);
    if (end !== undefined) known.push({ start: entry.localOffset, end });
  }
  for (const entry of await findHiddenMembers(source, known, HIDDEN_SEARCH_LIMIT)) {
    emit(ctx, loc, {
      format,
      offset: entry.localOffset,
      kind: 'zip-anomaly',
      severity: 'HIGH',
      message: `local header for ${JSON.stringify(entry.name)} is not listed in the central directory (streaming readers still see it)`,
    });
    await scanMember(ctx, loc, source, entry, scanItem, format, storagePrefix);
  }
}

async function scanMember(
  ctx: ScanContext,
  loc: Location,
  source: ByteSource,
  entry: ZipEntry,
  scanItem: ItemScanner,
  format: ModelFormat,
  storagePrefix: string | undefined,
): Promise<number | undefined> {
  ctx.signal?.throwIfAborted();
  const where = child(loc, entry.name);
  const anomaly = (severity: 'HIGH' | 'MEDIUM', message: string, offset = entry.localOffset): void =>
    emit(ctx, where, { format, offset, kind: 'zip-anomaly', severity, message });
  const local = await readLocalHeader(source, entry.localOffset);
  if (!local) {
    emit(ctx, where, {
      format,
      offset: entry.localOffset,
      kind: 'unscannable',
      severity: 'HIGH',
      message: `no local header at offset ${entry.localOffset}: the member cannot be located`,
    });
    return undefined;
  }
  if (!entry.hidden) {
    if (local.name !== entry.name)
      anomaly(
        'HIGH',
        `local header names ${JSON.stringify(local.name)}, central directory ${JSON.stringify(entry.name)}`,
      );
    if (local.method !== entry.method)
      anomaly(
        'HIGH',
        `local header compression method ${local.method} differs from central directory ${entry.method}`,
      );
    if ((local.flags & ~0x808) !== (entry.flags & ~0x808))
      anomaly(
        'MEDIUM',
        `local header flags 0x${local.flags.toString(16)} differ from central directory 0x${entry.flags.toString(16)}`,
      );
    if (
      !(local.flags & 0x8) &&
      (local.compressedSize !== entry.compressedSize || local.size !== entry.size || local.crc !== entry.crc)
    ) {
      anomaly('MEDIUM', 'local header sizes or CRC differ from the central directory');
    }
  }
  if (/^([\\/]|[a-zA-Z]:)/.test(entry.name) || entry.name.split(/[\\/]/).includes('..')) {
    anomaly('HIGH', `member name ${JSON.stringify(entry.name)} escapes the extraction directory`);
  }
  if (entry.flags & 0x1)
    anomaly('MEDIUM', 'encryption flag set: the member is read as plain data, as lenient loaders do');
  const compressedSize = entry.compressedSize || local.compressedSize;
  const dataEnd = local.dataOffset + compressedSize;
  if (dataEnd > source.size)
    anomaly('HIGH', `member data runs past the end of the file (${dataEnd} > ${source.size})`);
  if (entry.name.endsWith('/') && compressedSize === 0) return dataEnd;
  const storage = storagePrefix !== undefined && entry.name.startsWith(storagePrefix);
  const methods = [...new Set([entry.method, local.method])];
  for (const method of methods) {
    const codec = CODEC_OF_METHOD.get(method);
    if (codec === undefined) {
      emit(ctx, where, {
        format,
        offset: local.dataOffset,
        kind: 'unscannable',
        severity: 'HIGH',
        message: `compression method ${method} is not supported by the scanner`,
      });
      continue;
    }
    if (method !== 0 && method !== 8) anomaly('MEDIUM', `unusual compression method ${method}`);
    await scanMemberData(
      ctx,
      where,
      source,
      entry,
      local.dataOffset,
      compressedSize,
      codec,
      storage,
      scanItem,
      format,
    );
  }
  return dataEnd;
}

async function scanMemberData(
  ctx: ScanContext,
  where: Location,
  source: ByteSource,
  entry: ZipEntry,
  dataOffset: number,
  compressedSize: number,
  codec: Codec | 'stored',
  storage: boolean,
  scanItem: ItemScanner,
  format: ModelFormat,
): Promise<void> {
  const max = ctx.limits.maxMemberBytes;
  const pickle = pickleNamed(entry.name);
  let data: Uint8Array;
  if (codec === 'stored') {
    if (!pickle && compressedSize > SMALL_MEMBER) {
      const head = await source.read(dataOffset, storage ? STORAGE_SNIFF_BYTES : SNIFF_BYTES);
      if (!headIsInteresting(head, storage)) return;
    }
    if (compressedSize > SMALL_MEMBER) {
      // Large stored members are scanned in place: each format reads only what it needs.
      // (Their CRC is not checked: that would mean reading them whole.)
      await scanItem(where, sliceSource(source, dataOffset, compressedSize), { pickle, storage });
      return;
    }
    data = await source.read(dataOffset, compressedSize);
  } else {
    if (compressedSize > max) {
      emit(ctx, where, {
        format,
        offset: dataOffset,
        kind: 'limit-exceeded',
        severity: 'HIGH',
        message: `member larger than the ${max}-byte limit`,
      });
      return;
    }
    const budget = Math.min(max, ctx.limits.maxDecompressedBytes - ctx.decompressed);
    const decoded = await decompress(codec, await source.read(dataOffset, compressedSize), budget);
    ctx.decompressed += decoded.data.length;
    data = decoded.data;
    if (decoded.problem) {
      emit(ctx, where, {
        format,
        offset: dataOffset,
        kind: decoded.problem.kind === 'limit' ? 'limit-exceeded' : 'unscannable',
        severity: 'HIGH',
        message: `member cannot be fully decompressed (${decoded.problem.message}); ${data.length} bytes decoded are scanned`,
      });
    }
  }
  if (data.length === compressedSize || codec !== 'stored') {
    if (zlib.crc32(data) >>> 0 !== entry.crc >>> 0 && !(entry.flags & 0x1)) {
      emit(ctx, where, {
        format,
        offset: dataOffset,
        kind: 'zip-anomaly',
        severity: 'MEDIUM',
        message: 'CRC-32 does not match the member data (scanned anyway: some loaders skip the check)',
      });
    }
  }
  await scanItem(where, bufferSource(data), { pickle, storage });
}
