import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { BosunError, limitError } from '../../util/errors.ts';
import { DEFAULT_ZIP_LIMITS, openZip, type ZipLimits } from '../archive/zip-reader.ts';

/** Where OSV records come from: a directory tree of `*.json`, an OSV `all.zip`, or records in memory. */
export type OsvSource =
  | { readonly kind: 'dir'; readonly path: string }
  | { readonly kind: 'zip'; readonly path: string }
  | {
      readonly kind: 'files';
      readonly label: string;
      readonly files: Iterable<OsvFile> | AsyncIterable<OsvFile>;
    };

export interface OsvFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface SourceLimits {
  readonly zip: ZipLimits;
  /** Largest record file read from a directory (zip entries are bounded by `zip.maxEntryBytes`). */
  readonly maxFileBytes: number;
  readonly maxFiles: number;
  readonly maxDirectoryDepth: number;
}

export const DEFAULT_SOURCE_LIMITS: SourceLimits = {
  zip: DEFAULT_ZIP_LIMITS,
  maxFileBytes: 16 * 1024 * 1024,
  maxFiles: 2_000_000,
  maxDirectoryDepth: 8,
};

export function sourceLabel(source: OsvSource): string {
  return source.kind === 'files' ? source.label : source.path;
}

/** A record file too large to read is yielded as an error value so the importer can report it and go on. */
export type SourceItem = OsvFile | { readonly name: string; readonly error: BosunError };

/** The record files of a source, one at a time (memory stays bounded by one record). */
export async function* readOsvSource(
  source: OsvSource,
  limits: SourceLimits = DEFAULT_SOURCE_LIMITS,
): AsyncGenerator<SourceItem> {
  switch (source.kind) {
    case 'files':
      yield* source.files;
      return;
    case 'zip': {
      const zip = await openZip(source.path, limits.zip);
      try {
        for (const entry of zip.entries) {
          if (!entry.name.endsWith('.json')) continue;
          yield { name: entry.name, bytes: await zip.read(entry) };
        }
      } finally {
        await zip.close();
      }
      return;
    }
    case 'dir': {
      let count = 0;
      for await (const path of walkJson(source.path, 0, limits.maxDirectoryDepth)) {
        count++;
        if (count > limits.maxFiles)
          throw limitError('LIMIT_EXCEEDED', source.path, 'record files', count, limits.maxFiles);
        const name = relative(source.path, path);
        yield readBoundedFile(path, name, limits.maxFileBytes);
      }
      return;
    }
  }
}

/**
 * One record file, read with synchronous calls: the import does synchronous SQLite work between
 * files anyway, and four thread-pool round trips per small file made reading a directory of
 * real OSV records about ten times slower than reading it this way.
 */
function readBoundedFile(path: string, name: string, max: number): SourceItem {
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > max) return { name, error: limitError('LIMIT_EXCEEDED', name, 'record bytes', size, max) };
    const bytes = Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const bytesRead = readSync(fd, bytes, done, size - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return { name, bytes: bytes.subarray(0, done) };
  } finally {
    closeSync(fd);
  }
}

/** `*.json` files under `dir` in name order (deterministic imports), symlinks not followed. */
async function* walkJson(dir: string, depth: number, maxDepth: number): AsyncGenerator<string> {
  if (depth > maxDepth) throw limitError('LIMIT_EXCEEDED', dir, 'directory depth', depth, maxDepth);
  const entries: { name: string; dir: boolean }[] = [];
  let handle;
  try {
    handle = await opendir(dir);
  } catch (cause) {
    throw new BosunError('VULNDB_INVALID', `${dir}: cannot read OSV directory`, {
      cause,
      details: { input: dir },
    });
  }
  for await (const entry of handle) {
    if (entry.isDirectory()) entries.push({ name: entry.name, dir: true });
    else if (entry.isFile() && entry.name.endsWith('.json')) entries.push({ name: entry.name, dir: false });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.dir) yield* walkJson(path, depth + 1, maxDepth);
    else yield path;
  }
}
