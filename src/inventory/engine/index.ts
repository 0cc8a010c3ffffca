/** The inventory engine: one pass per layer feeding every analyzer, a per-layer cache, the merge. */
export { inventoryImage } from './inventory-image.ts';
export { inventoryDirectory } from './inventory-dir.ts';
export type { InventoryImageOptions, InventoryOptions, InventoryProgress } from './options.ts';
export {
  DEFAULT_LAYER_CACHE_LIMITS,
  openLayerCache,
  pruneLayerCache,
  type LayerCache,
  type LayerCacheLimits,
} from './layer-cache.ts';
export {
  collectLayer,
  collectDirectory,
  LAYER_ISSUE_SOURCE,
  type CollectLayerOptions,
} from './collect-layer.ts';
export { mergeLayers, type MergeOptions, type MergedInventory } from './merge.ts';
export type { FileResult, LayerRecord, RecordEntry } from './layer-record.ts';
