/**
 * Bounds for reading one layer. The defaults fit real images (the largest public images have
 * ~500k files and tens of GiB) while stopping bombs:
 * - maxEntries 1,000,000 tar headers (pax and GNU long-name headers count too);
 * - maxTotalBytes 64 GiB uncompressed;
 * - maxRatio 1000: deflate cannot exceed ~1032:1, so this mostly stops zstd bombs (zstd reaches
 *   10^4+ on zeros); only enforced once `ratioGraceBytes` (64 MiB) have been inflated, so small
 *   layers full of zeros (sparse files, empty disks) are fine;
 * - maxPathLength 4096 bytes (Linux PATH_MAX);
 * - maxHeaderBytes 1 MiB for a pax or GNU long-name record (they are buffered);
 * - maxBufferedEntryBytes 256 MiB: the suggested cap for callers that buffer one file's body.
 */
export interface LayerLimits {
  readonly maxEntries: number;
  readonly maxTotalBytes: number;
  readonly maxRatio: number;
  readonly ratioGraceBytes: number;
  readonly maxPathLength: number;
  readonly maxHeaderBytes: number;
  readonly maxBufferedEntryBytes: number;
}

export const DEFAULT_LAYER_LIMITS: LayerLimits = Object.freeze({
  maxEntries: 1_000_000,
  maxTotalBytes: 64 * 1024 ** 3,
  maxRatio: 1000,
  ratioGraceBytes: 64 * 1024 ** 2,
  maxPathLength: 4096,
  maxHeaderBytes: 1024 ** 2,
  maxBufferedEntryBytes: 256 * 1024 ** 2,
});

export function resolveLayerLimits(limits: Partial<LayerLimits> | undefined): LayerLimits {
  return limits === undefined ? DEFAULT_LAYER_LIMITS : { ...DEFAULT_LAYER_LIMITS, ...limits };
}
