/**
 * Image-level entries of the inventory cache: the merged result for one manifest, so scanning the
 * same image again reads one small file instead of replaying every layer. Keyed by manifest
 * digest + the config's diff-ids + analyzer set + engine format; validated like layer records
 * (a bad entry is a miss, and the per-layer entries still spare the decompression).
 */
import { createHash } from 'node:crypto';
import type { Analyzer } from '../analyzer.ts';
import {
  analyzerSet,
  LAYER_CACHE_FORMAT,
  readCacheText,
  touchCacheFile,
  writeCacheText,
} from './layer-cache.ts';
import type { LayerCache } from './layer-cache.ts';
import type { MergedInventory } from './merge.ts';
import { isIssue, isModelFile, isOs, isPackage } from './validate-record.ts';

const FORMAT_NAME = 'bosun-inventory-image';

export function imageCacheKey(
  manifestDigest: string,
  diffIds: readonly string[],
  analyzers: readonly Analyzer[],
  maxBufferedEntryBytes: number,
): string {
  const material = JSON.stringify({
    format: LAYER_CACHE_FORMAT,
    kind: 'image',
    manifestDigest,
    diffIds,
    analyzers: analyzerSet(analyzers),
    maxBufferedEntryBytes,
  });
  return createHash('sha256').update(material).digest('hex');
}

export function parseCachedImage(text: string, key: string): MergedInventory | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const doc = value as Readonly<Record<string, unknown>>;
  if (doc['format'] !== FORMAT_NAME || doc['version'] !== LAYER_CACHE_FORMAT || doc['key'] !== key)
    return undefined;
  const { os, packages, modelFiles, issues } = doc;
  if (
    !isOs(os) ||
    !Array.isArray(packages) ||
    !packages.every(isPackage) ||
    !Array.isArray(modelFiles) ||
    !modelFiles.every(isModelFile) ||
    !Array.isArray(issues) ||
    !issues.every(isIssue)
  )
    return undefined;
  return { os, packages, modelFiles, issues };
}

export async function readCachedImage(cache: LayerCache, key: string): Promise<MergedInventory | undefined> {
  const text = await readCacheText(cache, key);
  const merged = text === undefined ? undefined : parseCachedImage(text, key);
  if (merged !== undefined) await touchCacheFile(cache, key);
  return merged;
}

/** Writes the entry atomically; false when over the size limit. Rejects on a file system error. */
export async function writeCachedImage(
  cache: LayerCache,
  key: string,
  merged: MergedInventory,
): Promise<boolean> {
  return writeCacheText(
    cache,
    key,
    JSON.stringify({ format: FORMAT_NAME, version: LAYER_CACHE_FORMAT, key, ...merged }),
  );
}
