/**
 * Decoding of one 512-byte tar header block (POSIX ustar, GNU and v7) and of pax records.
 * Shared by the streaming layer parser and the archive indexer. Field layout: POSIX.1-2001
 * "ustar Interchange Format"; GNU tar's extensions (base-256 numbers, `L`/`K` long names);
 * pax extended headers (`x`, `g`) as `"%d %s=%s\n"` records.
 */
import { BosunError } from '../../util/errors.ts';

export const BLOCK = 512;

export interface TarHeader {
  name: string;
  linkname: string;
  /** The typeflag character (`'0'` for a regular file; NUL is normalised to `'0'`). */
  typeflag: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
}

function invalid(input: string, offset: number, what: string): BosunError {
  return new BosunError('LAYER_TAR_INVALID', `${input}: invalid tar header at byte ${offset}: ${what}`, {
    details: { input, offset },
  });
}

/** True when the block is all zeros (end-of-archive marker). */
export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** Numeric field: octal digits (space/NUL padded) or GNU base-256 (high bit of the first byte). */
function readNumber(block: Uint8Array, start: number, length: number, input: string, offset: number): number {
  const first = block[start] ?? 0;
  if ((first & 0x80) !== 0) {
    if (first === 0xff) throw invalid(input, offset, 'negative base-256 number');
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) {
      value = value * 256 + (block[i] ?? 0);
      if (value > Number.MAX_SAFE_INTEGER) throw invalid(input, offset, 'number too large');
    }
    return value;
  }
  let i = start;
  const end = start + length;
  while (i < end && (block[i] === 0x20 || block[i] === 0)) i++;
  let value = 0;
  for (; i < end; i++) {
    const c = block[i] ?? 0;
    if (c === 0x20 || c === 0) break;
    if (c < 0x30 || c > 0x37) throw invalid(input, offset, 'non-octal digit in a numeric field');
    value = value * 8 + (c - 0x30);
  }
  if (value > Number.MAX_SAFE_INTEGER) throw invalid(input, offset, 'number too large');
  return value;
}

function readString(block: Uint8Array, start: number, length: number): string {
  let end = start;
  const max = start + length;
  while (end < max && block[end] !== 0) end++;
  return Buffer.from(block.buffer, block.byteOffset + start, end - start).toString('utf8');
}

/** Unsigned sum of the block with the checksum field read as spaces; old tars used a signed sum. */
function checksumMatches(block: Uint8Array, stored: number): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** Whether a block looks like a tar header (checksum matches): used to sniff uncompressed layers. */
export function looksLikeTarHeader(block: Uint8Array): boolean {
  if (block.byteLength < BLOCK) return false;
  try {
    return checksumMatches(block, readNumber(block, 148, 8, '', 0));
  } catch {
    return false;
  }
}

/**
 * Decodes a non-zero header block. `offset` is the block's position in the archive (messages).
 * The name joins the ustar prefix when the magic is POSIX `ustar\0` (GNU uses those bytes for
 * times, so its prefix is ignored).
 */
export function decodeTarHeader(block: Uint8Array, input: string, offset: number): TarHeader {
  const stored = readNumber(block, 148, 8, input, offset);
  if (!checksumMatches(block, stored)) throw invalid(input, offset, 'checksum mismatch');
  const rawType = block[156] ?? 0;
  const typeflag = rawType === 0 ? '0' : String.fromCharCode(rawType);
  let name = readString(block, 0, 100);
  // POSIX magic "ustar\0" + version "00"; GNU writes "ustar  \0".
  const posix =
    block[257] === 0x75 &&
    block[258] === 0x73 &&
    block[259] === 0x74 &&
    block[260] === 0x61 &&
    block[261] === 0x72 &&
    block[262] === 0;
  if (posix && block[345] !== 0) name = `${readString(block, 345, 155)}/${name}`;
  return {
    name,
    linkname: readString(block, 157, 100),
    typeflag,
    size: readNumber(block, 124, 12, input, offset),
    mode: readNumber(block, 100, 8, input, offset) & 0o7777,
    uid: readNumber(block, 108, 8, input, offset),
    gid: readNumber(block, 116, 8, input, offset),
    mtime: readNumber(block, 136, 12, input, offset),
  };
}

/** Parses pax extended header records (`"<len> <key>=<value>\n"`). */
export function decodePax(data: Uint8Array, input: string, offset: number): Map<string, string> {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < buf.length) {
    // Trailing NUL padding is tolerated (some writers pad the record block).
    if (buf[pos] === 0) break;
    const space = buf.indexOf(0x20, pos);
    if (space < 0 || space - pos > 20) throw invalid(input, offset, 'malformed pax record length');
    const length = Number(buf.toString('latin1', pos, space));
    if (!Number.isSafeInteger(length) || length <= space - pos + 1 || pos + length > buf.length) {
      throw invalid(input, offset, 'malformed pax record length');
    }
    if (buf[pos + length - 1] !== 0x0a) throw invalid(input, offset, 'pax record without newline');
    const record = buf.toString('utf8', space + 1, pos + length - 1);
    const eq = record.indexOf('=');
    if (eq <= 0) throw invalid(input, offset, 'pax record without key');
    out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += length;
  }
  return out;
}

/** A GNU `L`/`K` long name: the data up to the first NUL. */
export function decodeLongName(data: Uint8Array): string {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const nul = buf.indexOf(0);
  return buf.toString('utf8', 0, nul < 0 ? buf.length : nul);
}

/** Applies pax keys Bosun uses to a header (path, linkpath, size, uid, gid, mtime). */
export function applyPax(
  header: TarHeader,
  pax: ReadonlyMap<string, string>,
  input: string,
  offset: number,
): void {
  const path = pax.get('path');
  if (path !== undefined) header.name = path;
  const linkpath = pax.get('linkpath');
  if (linkpath !== undefined) header.linkname = linkpath;
  const size = pax.get('size');
  if (size !== undefined) {
    const n = Number(size);
    if (!/^\d+$/.test(size) || !Number.isSafeInteger(n)) throw invalid(input, offset, 'bad pax size');
    header.size = n;
  }
  for (const key of ['uid', 'gid'] as const) {
    const v = pax.get(key);
    if (v !== undefined && /^\d+$/.test(v)) header[key] = Number(v);
  }
  const mtime = pax.get('mtime');
  if (mtime !== undefined && Number.isFinite(Number(mtime))) header.mtime = Math.floor(Number(mtime));
}

/** Bytes of padding after a body of `size` bytes. */
export function paddingFor(size: number): number {
  const rest = size % BLOCK;
  return rest === 0 ? 0 : BLOCK - rest;
}
