/** A summary of an image for `bosun inspect`: what a person or a script wants to know first. */
import { formatPlatform } from './platform.ts';
import type { FetchedManifest, ResolvedImage } from './types.ts';

export interface ImageSummary {
  readonly name: string;
  /** Digest and media type of what the name points at (an index or a manifest). */
  readonly digest: string;
  readonly mediaType: string;
  /** Platforms listed by the index, when the name points at one. */
  readonly platforms?: readonly { readonly platform: string; readonly digest: string }[];
  readonly image: {
    readonly digest: string;
    readonly mediaType: string;
    readonly platform?: string;
    readonly configDigest: string;
    readonly size: number;
    readonly layers: readonly {
      readonly digest: string;
      readonly diffId?: string;
      readonly mediaType: string;
      readonly size: number;
    }[];
  };
  readonly config: {
    readonly created?: string;
    readonly user?: string;
    readonly entrypoint?: readonly string[];
    readonly cmd?: readonly string[];
    readonly workingDir?: string;
    /** Names only: values may hold secrets. */
    readonly env: readonly string[];
    readonly labels: Readonly<Record<string, string>>;
    readonly exposedPorts: readonly string[];
    readonly historyCount: number;
  };
}

export function summarizeImage(root: FetchedManifest, image: ResolvedImage): ImageSummary {
  const config = image.config.config ?? {};
  const manifest = image.manifest.manifest;
  const layersSize = manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
  return {
    name: image.source.name,
    digest: root.digest,
    mediaType: root.mediaType,
    ...(root.kind === 'index'
      ? {
          platforms: root.index.manifests.map((m) => ({
            platform: m.platform === undefined ? 'unknown' : formatPlatform(m.platform),
            digest: m.digest,
          })),
        }
      : {}),
    image: {
      digest: image.manifest.digest,
      mediaType: image.manifest.mediaType,
      ...(image.platform === undefined ? {} : { platform: formatPlatform(image.platform) }),
      configDigest: manifest.config.digest,
      size: image.manifest.bytes.byteLength + manifest.config.size + layersSize,
      layers: image.layers.map(({ descriptor, diffId }) => ({
        digest: descriptor.digest,
        ...(diffId === undefined ? {} : { diffId }),
        mediaType: descriptor.mediaType,
        size: descriptor.size,
      })),
    },
    config: {
      ...(image.config.created === undefined ? {} : { created: image.config.created }),
      ...(config.User ? { user: config.User } : {}),
      ...(config.Entrypoint ? { entrypoint: config.Entrypoint } : {}),
      ...(config.Cmd ? { cmd: config.Cmd } : {}),
      ...(config.WorkingDir ? { workingDir: config.WorkingDir } : {}),
      env: (config.Env ?? []).map((entry) => entry.split('=', 1)[0] ?? '').filter((name) => name !== ''),
      labels: { ...(config.Labels ?? {}) },
      exposedPorts: Object.keys(config.ExposedPorts ?? {}).sort(),
      historyCount: image.config.history?.length ?? 0,
    },
  };
}
