/**
 * Deterministic tar builder for tests: ustar, pax (`x` records) and GNU (`L`/`K` long names)
 * formats, any entry type, raw (possibly hostile) names, and streaming output for huge bodies.
 * Written from the POSIX ustar layout so it is independent of the parser under test.
 */
import { Readable } from 'node:stream';

export type TarFormat = 'ustar' | 'pax' | 'gnu';

export interface TarEntrySpec {
  readonly name: string;
  readonly type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'fifo' | 'char' | 'raw';
  /** Typeflag character when `type` is `raw`. */
  readonly typeflag?: string;
  readonly body?: Uint8Array | string;
  readonly linkname?: string;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  /** Defaults to a fixed time so output is deterministic. */
  readonly mtime?: number;
  /** Header size when it must differ from the body (hostile archives). */
  readonly size?: number;
}

export interface BuildTarOptions {
  readonly format?: TarFormat;
  /** Number of zero blocks at the end (default 2). */
  readonly endBlocks?: number;
}

export const FIXED_MTIME = 1_700_000_000;

const TYPEFLAGS = { file: '0', dir: '5', symlink: '2', hardlink: '1', fifo: '6', char: '3' } as const;

function writeString(block: Buffer, value: string, offset: number, length: number): void {
  Buffer.from(value, 'utf8').copy(block, offset, 0, length);
}

function writeOctal(block: Buffer, value: number, offset: number, length: number): void {
  const digits = value.toString(8);
  if (digits.length > length - 1) {
    // GNU base-256 for values that do not fit.
    let v = value;
    for (let i = offset + length - 1; i > offset; i--) {
      block[i] = v % 256;
      v = Math.floor(v / 256);
    }
    block[offset] = 0x80;
    return;
  }
  writeString(block, digits.padStart(length - 1, '0'), offset, length - 1);
}

function bodyBytes(body: Uint8Array | string | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
}

function pad(length: number): Buffer {
  const rest = length % 512;
  return Buffer.alloc(rest === 0 ? 0 : 512 - rest);
}

export function headerBlock(fields: {
  name: string;
  typeflag: string;
  size: number;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  format: TarFormat;
  prefix?: string;
}): Buffer {
  const block = Buffer.alloc(512);
  writeString(block, fields.name, 0, 100);
  writeOctal(block, fields.mode ?? 0o644, 100, 8);
  writeOctal(block, fields.uid ?? 0, 108, 8);
  writeOctal(block, fields.gid ?? 0, 116, 8);
  writeOctal(block, fields.size, 124, 12);
  writeOctal(block, fields.mtime ?? FIXED_MTIME, 136, 12);
  block.write(fields.typeflag, 156, 'latin1');
  writeString(block, fields.linkname ?? '', 157, 100);
  if (fields.format === 'gnu') block.write('ustar  \0', 257, 'latin1');
  else block.write('ustar\x0000', 257, 'latin1');
  writeString(block, 'root', 265, 32);
  writeString(block, 'root', 297, 32);
  if (fields.prefix !== undefined) writeString(block, fields.prefix, 345, 155);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body);
  let total = length + String(length).length;
  if (String(total).length !== String(length).length) total = length + String(total).length;
  length = total;
  return `${length}${body}`;
}

/** Header blocks (including pax/GNU long-name records) for one entry. */
export function entryHeaders(spec: TarEntrySpec, format: TarFormat, bodyLength: number): Buffer[] {
  const typeflag = spec.type === 'raw' ? (spec.typeflag ?? '0') : TYPEFLAGS[spec.type ?? 'file'];
  const size = spec.size ?? bodyLength;
  const linkname = spec.linkname ?? '';
  const blocks: Buffer[] = [];
  let name = spec.name;
  let link = linkname;
  let prefix: string | undefined;
  const nameLong = Buffer.byteLength(name) > 100;
  const linkLong = Buffer.byteLength(link) > 100;
  if (format === 'gnu') {
    for (const [long, flag, value] of [
      [linkLong, 'K', link],
      [nameLong, 'L', name],
    ] as const) {
      if (!long) continue;
      const data = Buffer.from(`${value}\0`, 'utf8');
      blocks.push(
        headerBlock({ name: '././@LongLink', typeflag: flag, size: data.length, format }),
        data,
        pad(data.length),
      );
    }
    if (nameLong) name = name.slice(0, 100);
    if (linkLong) link = link.slice(0, 100);
  } else if (format === 'pax') {
    let records = '';
    if (nameLong) records += paxRecord('path', name);
    if (linkLong) records += paxRecord('linkpath', link);
    if (records !== '') {
      const data = Buffer.from(records, 'utf8');
      blocks.push(
        headerBlock({ name: 'PaxHeaders/entry', typeflag: 'x', size: data.length, format }),
        data,
        pad(data.length),
      );
      name = name.slice(0, 100);
      link = link.slice(0, 100);
    }
  } else if (nameLong) {
    const slash = name.lastIndexOf('/', name.length - 2);
    if (slash < 0 || slash > 155 || name.length - slash - 1 > 100)
      throw new Error(`ustar cannot hold ${name}`);
    prefix = name.slice(0, slash);
    name = name.slice(slash + 1);
  }
  blocks.push(
    headerBlock({
      name,
      typeflag,
      size,
      linkname: link,
      format,
      mode: spec.mode ?? (spec.type === 'dir' ? 0o755 : 0o644),
      uid: spec.uid ?? 0,
      gid: spec.gid ?? 0,
      mtime: spec.mtime ?? FIXED_MTIME,
      ...(prefix === undefined ? {} : { prefix }),
    }),
  );
  return blocks;
}

/** A whole tar archive in memory. */
export function buildTar(entries: readonly TarEntrySpec[], options: BuildTarOptions = {}): Buffer {
  const format = options.format ?? 'pax';
  const parts: Buffer[] = [];
  for (const spec of entries) {
    const body = bodyBytes(spec.body);
    parts.push(...entryHeaders(spec, format, body.length), body, pad(body.length));
  }
  parts.push(Buffer.alloc(512 * (options.endBlocks ?? 2)));
  return Buffer.concat(parts);
}

/**
 * A tar with one file of `size` zero bytes, produced lazily in 1 MiB chunks: for decompression
 * bomb tests without holding the bytes in memory.
 */
export function zeroFileTarStream(name: string, size: number): Readable {
  const zeros = Buffer.alloc(1024 * 1024);
  function* chunks(): Generator<Buffer> {
    yield* entryHeaders({ name, size }, 'pax', size);
    let left = size;
    while (left > 0) {
      const n = Math.min(left, zeros.length);
      yield n === zeros.length ? zeros : zeros.subarray(0, n);
      left -= n;
    }
    yield pad(size);
    yield Buffer.alloc(1024);
  }
  return Readable.from(chunks(), { objectMode: false });
}
