/** Test helper: resolve an ImageSource and walk every layer, verifying diff-ids, collecting paths. */
import { resolveImage, type ResolveOptions } from '../../src/image/resolve.ts';
import { walkLayer } from '../../src/image/layers/walk-layer.ts';
import { readBounded } from '../../src/image/layers/read-bounded.ts';
import type { ImageSource } from '../../src/image/types.ts';

export interface ReadImage {
  readonly manifestDigest: string;
  readonly configDigest: string;
  readonly diffIds: readonly (string | undefined)[];
  readonly platform: string | undefined;
  /** Per layer: sorted `path:type`, and bodies of files named `*.txt`. */
  readonly layers: readonly {
    readonly paths: readonly string[];
    readonly texts: Readonly<Record<string, string>>;
  }[];
}

export async function readImage(source: ImageSource, options: ResolveOptions = {}): Promise<ReadImage> {
  const image = await resolveImage(source, options);
  const layers = [];
  for (const { descriptor, diffId } of image.layers) {
    const paths: string[] = [];
    const texts: Record<string, string> = {};
    await walkLayer(await source.blobStream(descriptor), {
      name: descriptor.digest,
      ...(diffId === undefined ? {} : { diffId }),
      onEntry: (e) => paths.push(`${e.path}:${e.type}`),
      wants: (e) => e.path.endsWith('.txt'),
      onFile: async (e, body) => {
        texts[e.path] = (await readBounded(body, 1 << 20, e.path)).toString('utf8');
      },
    });
    layers.push({ paths: paths.sort(), texts });
  }
  const p = image.platform;
  return {
    manifestDigest: image.manifest.digest,
    configDigest: image.manifest.manifest.config.digest,
    diffIds: image.layers.map((l) => l.diffId),
    platform: p === undefined ? undefined : [p.os, p.architecture, p.variant].filter(Boolean).join('/'),
    layers,
  };
}
