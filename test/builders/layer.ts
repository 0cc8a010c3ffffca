/** Layer blobs for fixtures: a tar of entries, compressed, with digests and diff-id. */
import { createHash } from 'node:crypto';
import { buildTar, type BuildTarOptions, type TarEntrySpec } from './tar.ts';
import { gzip, zstd } from './gzip.ts';

export type LayerCompressionSpec = 'gzip' | 'zstd' | 'none';

export interface BuiltLayer {
  readonly tar: Buffer;
  readonly blob: Buffer;
  readonly digest: string;
  readonly diffId: string;
  readonly size: number;
  readonly mediaType: string;
}

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

const MEDIA: Record<LayerCompressionSpec, string> = {
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  none: 'application/vnd.oci.image.layer.v1.tar',
};

export function layerFromTar(tar: Buffer, compression: LayerCompressionSpec = 'gzip'): BuiltLayer {
  const blob = compression === 'gzip' ? gzip(tar) : compression === 'zstd' ? zstd(tar) : tar;
  return {
    tar,
    blob,
    digest: sha256(blob),
    diffId: sha256(tar),
    size: blob.length,
    mediaType: MEDIA[compression],
  };
}

export function buildLayer(
  entries: readonly TarEntrySpec[],
  options: BuildTarOptions & { readonly compression?: LayerCompressionSpec } = {},
): BuiltLayer {
  return layerFromTar(buildTar(entries, options), options.compression ?? 'gzip');
}
