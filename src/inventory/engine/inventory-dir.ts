/**
 * Directory mode: a root filesystem or a source tree walked as one layer (symlinks reported, never
 * followed; nothing outside the directory is read). Lockfiles count as much as installed
 * metadata here. No cache: a directory has no content address.
 */
import { resolveLayerLimits } from '../../image/index.ts';
import { BosunError, isBosunError } from '../../util/errors.ts';
import { analyzers as registeredAnalyzers } from '../registry.ts';
import type { Inventory } from '../types.ts';
import { collectDirectory } from './collect-layer.ts';
import { mergeLayers } from './merge.ts';
import type { InventoryOptions } from './options.ts';

/**
 * Inventories a directory. Errors: IMAGE_NOT_FOUND (not a readable directory), LAYER_LIMIT
 * (entries, path length, total size), ABORTED; unreadable files become issues.
 */
export async function inventoryDirectory(dir: string, options: InventoryOptions = {}): Promise<Inventory> {
  const limits = resolveLayerLimits(options.limits);
  options.onProgress?.({ kind: 'layer-start', index: 0, total: 1, digest: '', size: 0 });
  const { signal } = options;
  let record;
  try {
    record = await collectDirectory(dir, {
      name: dir,
      analyzers: options.analyzers ?? registeredAnalyzers,
      limits,
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (error) {
    if (signal?.aborted === true && !isBosunError(error, 'ABORTED'))
      throw new BosunError('ABORTED', `${dir}: aborted`, { cause: error, details: { input: dir } });
    throw error;
  }
  options.onProgress?.({
    kind: 'layer-done',
    index: 0,
    total: 1,
    digest: '',
    entries: record.entries.length,
    uncompressedBytes: record.uncompressedBytes,
  });
  const merged = mergeLayers([{ record }], { mode: 'directory' });
  return { target: { kind: 'directory', path: dir }, ...merged };
}
