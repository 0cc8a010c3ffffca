/**
 * Image mode: every layer is walked once (or read back from the layer cache), then the layers are
 * merged into the final filesystem's inventory.
 */
import { resolveLayerLimits, type Descriptor, type ResolvedImage } from '../../image/index.ts';
import { BosunError } from '../../util/errors.ts';
import { analyzers as registeredAnalyzers } from '../registry.ts';
import type { Analyzer } from '../analyzer.ts';
import type { Inventory } from '../types.ts';
import { collectLayer } from './collect-layer.ts';
import { imageCacheKey, readCachedImage, writeCachedImage } from './image-cache.ts';
import { imageMetadata } from './image-metadata.ts';
import {
  layerCacheKey,
  openLayerCache,
  pruneLayerCache,
  readCachedLayer,
  writeCachedLayer,
  type LayerCache,
} from './layer-cache.ts';
import type { LayerRecord } from './layer-record.ts';
import { mergeLayers } from './merge.ts';
import type { InventoryImageOptions } from './options.ts';

const DEFAULT_CONCURRENCY = 2;
const MAX_CONCURRENCY = 16;

interface LayerJob {
  readonly index: number;
  readonly descriptor: Descriptor;
  readonly diffId: string | undefined;
}

/** Runs `work` over `items` with at most `limit` in flight; the first failure aborts the rest. */
async function runPool<T, R>(
  items: readonly T[],
  limit: number,
  controller: AbortController,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !controller.signal.aborted) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  const workers = Array.from({ length: Math.min(limit, items.length) }, () =>
    worker().catch((error: unknown) => {
      controller.abort(error);
      throw error;
    }),
  );
  const settled = await Promise.allSettled(workers);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  // The first error is what aborted the others: report it, not their ABORTED.
  if (failed !== undefined || controller.signal.aborted)
    throw controller.signal.reason ?? (failed as PromiseRejectedResult).reason;
  return results;
}

/**
 * Inventories one resolved image: OS, packages (each naming the layer that introduced it),
 * model files and per-file issues of the final filesystem, plus image metadata. Layer bytes are
 * verified (blob digest by the source, diff-id by the walker). Errors: the source's transport
 * and integrity errors, LAYER_* limits and corruption, ABORTED.
 */
export async function inventoryImage(
  image: ResolvedImage,
  options: InventoryImageOptions = {},
): Promise<Inventory> {
  const analyzers: readonly Analyzer[] = options.analyzers ?? registeredAnalyzers;
  const limits = resolveLayerLimits(options.limits);
  const cache: LayerCache | undefined =
    options.cacheDir === undefined ? undefined : openLayerCache(options.cacheDir, options.cacheLimits);
  const concurrency = Math.max(1, Math.min(MAX_CONCURRENCY, options.concurrency ?? DEFAULT_CONCURRENCY));
  const controller = new AbortController();
  const onAbort = (): void =>
    controller.abort(
      new BosunError('ABORTED', `${image.source.name}: aborted`, { cause: options.signal?.reason }),
    );
  if (options.signal?.aborted === true) onAbort();
  options.signal?.addEventListener('abort', onAbort);
  const total = image.layers.length;
  const inFlight = new Map<string, Promise<LayerRecord>>();
  let wrote = false;

  const cacheError = (index: number, digest: string, error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error);
    options.onProgress?.({ kind: 'cache-error', index, digest, message });
  };

  const walk = async (job: LayerJob): Promise<LayerRecord> => {
    const { index, descriptor, diffId } = job;
    options.onProgress?.({
      kind: 'layer-start',
      index,
      total,
      digest: descriptor.digest,
      size: descriptor.size,
    });
    const stream = await image.source.blobStream(descriptor, controller.signal);
    const record = await collectLayer(stream, {
      name: `${image.source.name} layer ${index} (${descriptor.digest})`,
      analyzers,
      layerDigest: descriptor.digest,
      ...(diffId === undefined ? {} : { diffId }),
      limits,
      signal: controller.signal,
    });
    options.onProgress?.({
      kind: 'layer-done',
      index,
      total,
      digest: descriptor.digest,
      entries: record.entries.length,
      uncompressedBytes: record.uncompressedBytes,
    });
    return record;
  };

  const load = async (job: LayerJob): Promise<LayerRecord> => {
    const { index, descriptor, diffId } = job;
    if (cache === undefined || diffId === undefined) return walk(job);
    const key = layerCacheKey(diffId, analyzers, limits.maxBufferedEntryBytes);
    const cached = await readCachedLayer(cache, key, diffId);
    if (cached !== undefined) {
      options.onProgress?.({ kind: 'layer-cached', index, total, digest: descriptor.digest });
      return cached;
    }
    const record = await walk(job);
    try {
      wrote = (await writeCachedLayer(cache, key, diffId, record, analyzers)) || wrote;
    } catch (error) {
      cacheError(index, descriptor.digest, error);
    }
    return record;
  };

  try {
    if (controller.signal.aborted) throw controller.signal.reason;
    // The whole image seen before: one small file, no layer replayed.
    const diffIds = image.layers.map((layer) => layer.diffId);
    const imageKey =
      cache === undefined || !diffIds.every((id): id is string => id !== undefined)
        ? undefined
        : imageCacheKey(image.manifest.digest, diffIds, analyzers, limits.maxBufferedEntryBytes);
    if (cache !== undefined && imageKey !== undefined) {
      const cached = await readCachedImage(cache, imageKey);
      if (cached !== undefined) {
        options.onProgress?.({ kind: 'image-cached', digest: image.manifest.digest });
        return { target: { kind: 'image', image: imageMetadata(image, diffIds) }, ...cached };
      }
    }

    const jobs: LayerJob[] = image.layers.map(({ descriptor, diffId }, index) => ({
      index,
      descriptor,
      diffId,
    }));
    const records = await runPool(jobs, concurrency, controller, (job) => {
      // The same blob twice in one image (it happens) is read once.
      const id = `${job.descriptor.digest} ${job.diffId ?? ''}`;
      let pending = inFlight.get(id);
      if (pending === undefined) inFlight.set(id, (pending = load(job)));
      return pending;
    });
    const merged = mergeLayers(
      records.map((record, index) => ({
        digest: image.layers[index]?.descriptor.digest as string,
        ...(record.diffId === undefined ? {} : { diffId: record.diffId }),
        record,
      })),
      { mode: 'image' },
    );
    if (cache !== undefined && imageKey !== undefined) {
      try {
        wrote = (await writeCachedImage(cache, imageKey, merged)) || wrote;
      } catch (error) {
        cacheError(-1, image.manifest.digest, error);
      }
    }
    if (cache !== undefined && wrote) await pruneLayerCache(cache);
    return {
      target: {
        kind: 'image',
        image: imageMetadata(
          image,
          records.map((record) => record.diffId),
        ),
      },
      ...merged,
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
