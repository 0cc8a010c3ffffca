export type {
  LayerEntry,
  LayerEntryType,
  LayerIssue,
  LayerVisitor,
  LayerWalkResult,
  LayerCompression,
} from './types.ts';
export { DEFAULT_LAYER_LIMITS, resolveLayerLimits, type LayerLimits } from './limits.ts';
export { walkLayer, type WalkLayerOptions } from './walk-layer.ts';
export { readBounded } from './read-bounded.ts';
export { detectCompression } from './decompress.ts';
export { normaliseEntryPath } from './paths.ts';
export {
  MergedFilesystem,
  type MergedEntry,
  type ContentRef,
  type LayerRef,
  type MergeIssue,
} from './merged-fs.ts';
