import { openImage, resolveImage, type OpenImageOptions, type Platform } from '../image/index.ts';
import { inventoryImage, type InventoryImageOptions } from '../inventory/index.ts';
import { imageModelStep } from './image-models.ts';
import { runScan, type ModelScanStep } from './run-scan.ts';
import type { ScanOptions, ScanResult } from './types.ts';

export interface ScanImageOptions extends ScanOptions {
  /** Registry and local-archive options. */
  readonly open?: OpenImageOptions;
  readonly platform?: Platform;
  readonly defaultPlatform?: Platform;
  /** The per-layer inventory cache directory (the user's cache dir). */
  readonly cacheDir?: string;
  /** Extra inventory options (analyzers, limits, concurrency). */
  readonly inventory?: Omit<InventoryImageOptions, 'cacheDir' | 'signal' | 'onProgress'>;
}

/**
 * Scans an image (registry reference, `oci:`/`oci-archive:`/`docker-archive:` or an archive path):
 * DB freshness first, then one pass per uncached layer for the inventory, one DB lookup per
 * package, and the model files when the `model` scanner is on. Errors: the image source's
 * transport/integrity errors, VULNDB_MISSING/VULNDB_STALE, LAYER_* limits, ABORTED.
 */
export async function scanImage(spec: string, options: ScanImageOptions): Promise<ScanResult> {
  let opened: Awaited<ReturnType<typeof openImage>> | undefined;
  let modelStep: ModelScanStep | undefined;
  const { signal } = options;
  try {
    return await runScan(options, {
      inventory: async () => {
        options.onProgress?.({ kind: 'phase', phase: 'open' });
        opened = await openImage(spec, options.open ?? {});
        const resolved = await resolveImage(opened.source, {
          ...(options.platform === undefined ? {} : { platform: options.platform }),
          ...(options.defaultPlatform === undefined ? {} : { defaultPlatform: options.defaultPlatform }),
          ...(signal === undefined ? {} : { signal }),
        });
        modelStep = imageModelStep(resolved, {
          ...(options.models === undefined ? {} : { models: options.models }),
          ...(options.tempDir === undefined ? {} : { tempDir: options.tempDir }),
          ...(signal === undefined ? {} : { signal }),
        });
        return inventoryImage(resolved, {
          ...options.inventory,
          ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
          ...(signal === undefined ? {} : { signal }),
          onProgress: (event) => options.onProgress?.({ kind: 'inventory', event }),
        });
      },
      models: (files, onFile) =>
        modelStep === undefined ? Promise.resolve({ results: [], issues: [] }) : modelStep(files, onFile),
    });
  } finally {
    await opened?.source.close();
  }
}
