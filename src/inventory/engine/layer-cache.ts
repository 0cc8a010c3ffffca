/**
 * Per-layer inventory cache: one JSON file per (diff-id, analyzer set, engine version) under
 * `<cacheDir>/inventory/cache/` (image-level entries, see image-cache.ts, live beside them). Layers are content-addressed by their diff-id (verified against
 * the config, itself verified by digest), so a hit never needs the layer's bytes: a second scan of
 * the same image, or of one sharing base layers, does not decompress those layers again.
 * Files are written atomically (temp file + rename), bounded in size (per file and in total, the
 * least recently used files are removed first), and validated on read: a corrupt, truncated or
 * foreign file is a miss, never trusted. Cache problems never fail an inventory.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Analyzer } from '../analyzer.ts';
import {
  decodeEntries,
  encodeEntries,
  isPackedPaths,
  packPaths,
  type FileResult,
  type LayerRecord,
} from './layer-record.ts';
import { isFileResult, isIssue } from './validate-record.ts';

/** Bumped whenever the record format or the engine's per-layer output changes. */
export const LAYER_CACHE_FORMAT = 1;
const FORMAT_NAME = 'bosun-inventory-layer';

export interface LayerCacheLimits {
  /** A record bigger than this is not cached (and a file bigger than this is not read). */
  readonly maxFileBytes: number;
  /** The cache directory is pruned (least recently used first) down to this size. */
  readonly maxTotalBytes: number;
}

/** 128 MiB per layer (a 500k-file layer front-codes to ~20 MiB); 2 GiB in all. */
export const DEFAULT_LAYER_CACHE_LIMITS: LayerCacheLimits = Object.freeze({
  maxFileBytes: 128 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
});

export interface LayerCache {
  readonly dir: string;
  readonly limits: LayerCacheLimits;
}

export function openLayerCache(cacheDir: string, limits: Partial<LayerCacheLimits> = {}): LayerCache {
  return { dir: join(cacheDir, 'inventory', 'cache'), limits: { ...DEFAULT_LAYER_CACHE_LIMITS, ...limits } };
}

/** The analyzer set as cached: ids and versions, sorted by id. */
export function analyzerSet(analyzers: readonly Analyzer[]): [string, number][] {
  return analyzers
    .map((analyzer): [string, number] => [analyzer.id, analyzer.version])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The cache key: diff-id + analyzer ids and versions + the settings that change per-file output
 * (the buffered-entry cap decides which files become limit issues) + the engine format.
 */
export function layerCacheKey(
  diffId: string,
  analyzers: readonly Analyzer[],
  maxBufferedEntryBytes: number,
): string {
  const material = JSON.stringify({
    format: LAYER_CACHE_FORMAT,
    diffId,
    analyzers: analyzerSet(analyzers),
    maxBufferedEntryBytes,
  });
  return createHash('sha256').update(material).digest('hex');
}

function fileOf(cache: LayerCache, key: string): string {
  return join(cache.dir, `${key}.json`);
}

/** A cache file's text, or undefined when missing, unreadable or over the size limit. */
export async function readCacheText(cache: LayerCache, key: string): Promise<string | undefined> {
  try {
    const handle = await open(fileOf(cache, key), 'r');
    try {
      const { size } = await handle.stat();
      if (size > cache.limits.maxFileBytes) return undefined;
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

/** Marks a cache file as recently used (pruning removes the least recently used first). */
export async function touchCacheFile(cache: LayerCache, key: string): Promise<void> {
  const now = new Date();
  await utimes(fileOf(cache, key), now, now).catch(() => undefined);
}

/** The cached record for `key`, or undefined on a miss or an invalid file. */
export async function readCachedLayer(
  cache: LayerCache,
  key: string,
  diffId: string,
): Promise<LayerRecord | undefined> {
  const text = await readCacheText(cache, key);
  const record = text === undefined ? undefined : parseCachedLayer(text, key, diffId);
  if (record !== undefined) await touchCacheFile(cache, key);
  return record;
}

/** Parses and validates a cache file's text; undefined unless it is exactly a record for `key`. */
export function parseCachedLayer(text: string, key: string, diffId: string): LayerRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const doc = value as Readonly<Record<string, unknown>>;
  if (doc['format'] !== FORMAT_NAME || doc['version'] !== LAYER_CACHE_FORMAT) return undefined;
  if (doc['key'] !== key || doc['diffId'] !== diffId) return undefined;
  const bytes = doc['uncompressedBytes'];
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) return undefined;
  const { entries: rawEntries, results, issues } = doc;
  if (!Array.isArray(rawEntries) || !Array.isArray(results) || !Array.isArray(issues)) return undefined;
  const entries = decodeEntries(rawEntries);
  if (entries === undefined || !issues.every(isIssue)) return undefined;
  const files: FileResult[] = [];
  for (const item of results) {
    const file = withPackedOwned(item);
    if (file === undefined || !isFileResult(file)) return undefined;
    files.push(file);
  }
  return { diffId, entries, results: files, issues, uncompressedBytes: bytes };
}

/**
 * Owned-file lists are stored packed (see `packPaths`) and stay packed in memory: the merge
 * unpacks only lists that may name a package's file. Checked for form here all the same.
 */
function withPackedOwned(item: unknown): unknown {
  if (typeof item !== 'object' || item === null) return item;
  const result = (item as { result?: unknown }).result;
  if (typeof result !== 'object' || result === null || !('ownedFilesPacked' in result)) return item;
  const { ownedFilesPacked, ...rest } = result as { ownedFilesPacked: unknown };
  if (typeof ownedFilesPacked !== 'string' || 'ownedFiles' in rest || !isPackedPaths(ownedFilesPacked))
    return undefined;
  return { ...item, result: rest, ownedPacked: ownedFilesPacked };
}

function packOwned(file: FileResult): unknown {
  const { ownedPacked, ...plain } = file;
  if (ownedPacked !== undefined)
    return { ...plain, result: { ...file.result, ownedFilesPacked: ownedPacked } };
  const owned = file.result.ownedFiles;
  if (owned === undefined || owned.length === 0 || owned.some((path) => path.includes('\n'))) return file;
  const { ownedFiles: _owned, ...rest } = file.result;
  return { ...file, result: { ...rest, ownedFilesPacked: packPaths(owned) } };
}

/** The file text for a record. */
export function serializeLayer(
  record: LayerRecord,
  key: string,
  diffId: string,
  analyzers: readonly Analyzer[],
): string {
  return JSON.stringify({
    format: FORMAT_NAME,
    version: LAYER_CACHE_FORMAT,
    key,
    diffId,
    analyzers: analyzerSet(analyzers),
    uncompressedBytes: record.uncompressedBytes,
    entries: encodeEntries(record.entries),
    results: record.results.map(packOwned),
    issues: record.issues,
  });
}

/**
 * Writes a record atomically. Returns false when it is over the size limit (not cached);
 * rejects on a file system error (callers report it and go on).
 */
export async function writeCachedLayer(
  cache: LayerCache,
  key: string,
  diffId: string,
  record: LayerRecord,
  analyzers: readonly Analyzer[],
): Promise<boolean> {
  return writeCacheText(cache, key, serializeLayer(record, key, diffId, analyzers));
}

/** Writes a cache file atomically (temp file + rename); false when over the size limit. */
export async function writeCacheText(cache: LayerCache, key: string, text: string): Promise<boolean> {
  if (Buffer.byteLength(text) > cache.limits.maxFileBytes) return false;
  await mkdir(cache.dir, { recursive: true, mode: 0o700 });
  const file = fileOf(cache, key);
  const temp = `${file}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(temp, text, { mode: 0o600, flag: 'wx' });
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  return true;
}

/** Temp files older than this were left by a crashed writer. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** Removes least recently used files until the cache fits `maxTotalBytes`; removes stale temp files. */
export async function pruneLayerCache(cache: LayerCache, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await readdir(cache.dir);
  } catch {
    return 0;
  }
  const files: { path: string; size: number; mtime: number }[] = [];
  let removed = 0;
  for (const name of names) {
    const path = join(cache.dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) continue;
    if (name.includes('.tmp-')) {
      if (
        now - info.mtimeMs > STALE_TEMP_MS &&
        (await unlink(path).then(
          () => true,
          () => false,
        ))
      )
        removed++;
      continue;
    }
    if (name.endsWith('.json')) files.push({ path, size: info.size, mtime: info.mtimeMs });
  }
  let total = files.reduce((sum, file) => sum + file.size, 0);
  files.sort((a, b) => a.mtime - b.mtime || (a.path < b.path ? -1 : 1));
  for (const file of files) {
    if (total <= cache.limits.maxTotalBytes) break;
    if (
      await unlink(file.path).then(
        () => true,
        () => false,
      )
    )
      removed++;
    total -= file.size;
  }
  return removed;
}
