/**
 * LayoutFiles over a tar archive (oci-archive, docker-archive), read in place.
 *
 * Why an index of offsets rather than extracting to a temp dir: opening reads only the 512-byte
 * headers (positioned reads, skipping bodies), so a multi-GB archive opens in milliseconds with
 * no disk copy and nothing from the archive is ever written anywhere; blobs are then streamed
 * straight from their offsets. The cost is that the archive must be a seekable, uncompressed
 * file, which is what skopeo, docker save and podman write.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { BosunError, limitError } from '../../util/errors.ts';
import { normaliseEntryPath, parentPath } from '../layers/paths.ts';
import {
  BLOCK,
  applyPax,
  decodeLongName,
  decodePax,
  decodeTarHeader,
  isZeroBlock,
  paddingFor,
} from '../layers/tar-header.ts';
import { fileNotFound, tooLarge, type LayoutFiles } from './layout-files.ts';

export interface ArchiveLimits {
  readonly maxEntries: number;
  readonly maxHeaderBytes: number;
  readonly maxPathLength: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = Object.freeze({
  maxEntries: 200_000,
  maxHeaderBytes: 1024 * 1024,
  maxPathLength: 4096,
});

interface IndexedEntry {
  readonly kind: 'file' | 'symlink' | 'hardlink' | 'other';
  readonly offset: number;
  readonly size: number;
  readonly link?: string;
}

const READ_CHUNK = 1024 * 1024;
const MAX_LINK_HOPS = 8;

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buf.subarray(0, done);
}

function archiveInvalid(input: string, what: string, cause?: unknown): BosunError {
  return new BosunError('IMAGE_ARCHIVE_INVALID', `${input}: ${what}`, { cause, details: { input } });
}

/** Reads every header of a tar file, skipping bodies; returns normalised name → entry (last wins). */
async function indexTar(
  handle: FileHandle,
  fileSize: number,
  input: string,
  limits: ArchiveLimits,
): Promise<Map<string, IndexedEntry>> {
  const entries = new Map<string, IndexedEntry>();
  let position = 0;
  let headers = 0;
  let pax: Map<string, string> | undefined;
  let paxGlobal: Map<string, string> | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  while (position + BLOCK <= fileSize) {
    const block = await readAt(handle, position, BLOCK);
    if (block.length < BLOCK || isZeroBlock(block)) break;
    if (++headers > limits.maxEntries)
      throw limitError('IMAGE_LIMIT', input, 'archive entries', headers, limits.maxEntries);
    let header;
    try {
      header = decodeTarHeader(block, input, position);
    } catch (error) {
      throw archiveInvalid(input, `not a tar archive (bad header at byte ${position})`, error);
    }
    const dataStart = position + BLOCK;
    const headerOnly = ['1', '2', '3', '4', '5', '6'].includes(header.typeflag);
    const size = headerOnly ? 0 : header.size;
    if (dataStart + size > fileSize) throw archiveInvalid(input, 'archive is truncated');
    position = dataStart + size + paddingFor(size);
    if (['x', 'X', 'g', 'L', 'K'].includes(header.typeflag)) {
      if (size > limits.maxHeaderBytes)
        throw limitError('IMAGE_LIMIT', input, 'extended header size', size, limits.maxHeaderBytes);
      const data = await readAt(handle, dataStart, size);
      try {
        if (header.typeflag === 'L') longName = decodeLongName(data);
        else if (header.typeflag === 'K') longLink = decodeLongName(data);
        else if (header.typeflag === 'g') paxGlobal = decodePax(data, input, dataStart);
        else pax = decodePax(data, input, dataStart);
      } catch (error) {
        throw archiveInvalid(input, 'bad extended header', error);
      }
      continue;
    }
    try {
      if (paxGlobal !== undefined) applyPax(header, paxGlobal, input, position);
      if (longName !== undefined) header.name = longName;
      if (longLink !== undefined) header.linkname = longLink;
      if (pax !== undefined) applyPax(header, pax, input, position);
    } catch (error) {
      throw archiveInvalid(input, 'bad extended header', error);
    }
    pax = longName = longLink = undefined;
    if (header.name.length > limits.maxPathLength)
      throw limitError('IMAGE_LIMIT', input, 'path length', header.name.length, limits.maxPathLength);
    // pax may have changed the size: recompute where the next header is.
    if (!headerOnly && header.size !== size) {
      if (dataStart + header.size > fileSize) throw archiveInvalid(input, 'archive is truncated');
      position = dataStart + header.size + paddingFor(header.size);
    }
    const name = normaliseEntryPath(header.name);
    if (name === undefined || name === '') continue; // never addressable: nothing can refer to it
    const kind =
      header.typeflag === '0' || header.typeflag === '7'
        ? 'file'
        : header.typeflag === '2'
          ? 'symlink'
          : header.typeflag === '1'
            ? 'hardlink'
            : 'other';
    entries.set(name, {
      kind,
      offset: dataStart,
      size: kind === 'file' ? header.size : 0,
      ...(kind === 'symlink' || kind === 'hardlink' ? { link: header.linkname } : {}),
    });
  }
  return entries;
}

export class TarArchiveFiles implements LayoutFiles {
  readonly name: string;
  private readonly handle: FileHandle;
  private readonly entries: Map<string, IndexedEntry>;

  private constructor(name: string, handle: FileHandle, entries: Map<string, IndexedEntry>) {
    this.name = name;
    this.handle = handle;
    this.entries = entries;
  }

  static async open(file: string, limits: Partial<ArchiveLimits> = {}): Promise<TarArchiveFiles> {
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      throw new BosunError('IMAGE_NOT_FOUND', `${file}: cannot open archive`, {
        cause: error,
        details: { input: file },
      });
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw archiveInvalid(file, 'not a regular file');
      const entries = await indexTar(handle, info.size, file, { ...DEFAULT_ARCHIVE_LIMITS, ...limits });
      return new TarArchiveFiles(file, handle, entries);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Normalised names of the regular files (sorted), e.g. to detect the archive's format. */
  names(): string[] {
    return [...this.entries]
      .filter(([, e]) => e.kind === 'file')
      .map(([n]) => n)
      .sort();
  }

  /** Follows archive symlinks and hard links (docker save links duplicate layers) within the archive. */
  private lookup(path: string): IndexedEntry | undefined {
    let name = path;
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      const entry = this.entries.get(name);
      if (entry === undefined || entry.kind === 'file') return entry;
      if (entry.kind === 'other' || entry.link === undefined) return undefined;
      const next = normaliseEntryPath(
        entry.kind === 'symlink' && !entry.link.startsWith('/')
          ? `${parentPath(name)}/${entry.link}`
          : entry.link,
      );
      if (next === undefined || next === '') return undefined;
      name = next;
    }
    return undefined;
  }

  async size(path: string): Promise<number | undefined> {
    return this.lookup(path)?.size;
  }

  async head(path: string, n: number): Promise<Buffer> {
    const entry = this.lookup(path);
    if (entry === undefined) throw fileNotFound(this, path);
    return readAt(this.handle, entry.offset, Math.min(n, entry.size));
  }

  async read(path: string, max: number): Promise<Buffer> {
    const entry = this.lookup(path);
    if (entry === undefined) throw fileNotFound(this, path);
    if (entry.size > max) throw tooLarge(this.name, path, entry.size, max);
    const bytes = await readAt(this.handle, entry.offset, entry.size);
    if (bytes.length !== entry.size) throw archiveInvalid(this.name, `${path} is truncated`);
    return bytes;
  }

  async stream(path: string): Promise<Readable> {
    const entry = this.lookup(path);
    if (entry === undefined) throw fileNotFound(this, path);
    if (entry.size === 0) return Readable.from([], { objectMode: false });
    // A stream of its own (FileHandle.createReadStream leaks a listener per stream on the shared
    // handle); the bytes are verified against their digest downstream anyway.
    return createReadStream(this.name, {
      start: entry.offset,
      end: entry.offset + entry.size - 1,
      highWaterMark: READ_CHUNK,
    });
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
