import type { LayerLimits } from '../../image/index.ts';
import type { Analyzer } from '../analyzer.ts';
import type { LayerCacheLimits } from './layer-cache.ts';

/** What an inventory run tells its caller while it works (the CLI draws progress from these). */
export type InventoryProgress =
  | { readonly kind: 'layer-cached'; readonly index: number; readonly total: number; readonly digest: string }
  | {
      readonly kind: 'layer-start';
      readonly index: number;
      readonly total: number;
      readonly digest: string;
      readonly size: number;
    }
  | {
      readonly kind: 'layer-done';
      readonly index: number;
      readonly total: number;
      readonly digest: string;
      readonly entries: number;
      readonly uncompressedBytes: number;
    }
  /** The whole image's inventory came from the cache (no layer was read). */
  | { readonly kind: 'image-cached'; readonly digest: string }
  /** The layer cache could not be written (full disk, permissions): the inventory goes on uncached. */
  | {
      readonly kind: 'cache-error';
      /** The layer, or -1 for the image-level entry. */
      readonly index: number;
      readonly digest: string;
      readonly message: string;
    };

export interface InventoryOptions {
  /** Defaults to every registered analyzer. */
  readonly analyzers?: readonly Analyzer[];
  readonly signal?: AbortSignal;
  /** Layer (or directory) walk limits; `maxBufferedEntryBytes` caps any file an analyzer reads. */
  readonly limits?: Partial<LayerLimits>;
  readonly onProgress?: (event: InventoryProgress) => void;
}

export interface InventoryImageOptions extends InventoryOptions {
  /**
   * The user's cache directory (the CLI passes `$XDG_CACHE_HOME/bosun` or `~/.cache/bosun`);
   * per-layer results are kept under `inventory/layers/`. No cache when absent.
   */
  readonly cacheDir?: string;
  readonly cacheLimits?: Partial<LayerCacheLimits>;
  /** Layers walked at the same time (default 2: inflating one while analysing another). */
  readonly concurrency?: number;
}
