/**
 * OCI images for fixtures: blobs, configs, manifests, indexes, written as an OCI image layout
 * directory, an oci-archive tar, or a docker-archive tar (legacy `docker save` or the OCI form of
 * Docker 25+). JSON is serialised deterministically so digests are stable.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuiltLayer } from './layer.ts';
import { sha256 } from './layer.ts';
import { buildTar, type TarEntrySpec } from './tar.ts';

export interface BuiltDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface BuiltImage {
  readonly manifest: BuiltDescriptor;
  readonly config: BuiltDescriptor;
  readonly configBytes: Buffer;
  readonly layers: readonly BuiltLayer[];
}

export const MT = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
} as const;

export class OciBlobs {
  readonly blobs = new Map<string, Buffer>();

  add(bytes: Uint8Array | string, mediaType: string): BuiltDescriptor {
    const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
    const digest = sha256(buf);
    this.blobs.set(digest, buf);
    return { mediaType, digest, size: buf.length };
  }

  addJson(value: unknown, mediaType: string): BuiltDescriptor {
    return this.add(JSON.stringify(value), mediaType);
  }

  /** An image: config (with diff_ids), layers and manifest. */
  image(
    layers: readonly BuiltLayer[],
    options: {
      platform?: { os: string; architecture: string; variant?: string };
      config?: Record<string, unknown>;
      manifestMediaType?: string;
    } = {},
  ): BuiltImage {
    const platform = options.platform ?? { os: 'linux', architecture: 'amd64' };
    const configValue = {
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant === undefined ? {} : { variant: platform.variant }),
      config: { Env: ['PATH=/usr/bin'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map(() => ({ created_by: 'test' })),
      ...options.config,
    };
    const configBytes = Buffer.from(JSON.stringify(configValue), 'utf8');
    const config = this.add(configBytes, MT.config);
    for (const layer of layers) this.add(layer.blob, layer.mediaType);
    const manifest = this.addJson(
      {
        schemaVersion: 2,
        mediaType: options.manifestMediaType ?? MT.manifest,
        config,
        layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
      },
      options.manifestMediaType ?? MT.manifest,
    );
    return { manifest: { ...manifest, platform }, config, configBytes, layers };
  }

  index(manifests: readonly BuiltDescriptor[]): BuiltDescriptor {
    return this.addJson({ schemaVersion: 2, mediaType: MT.index, manifests }, MT.index);
  }

  /** index.json for a layout: root descriptors, optionally tagged with `org.opencontainers.image.ref.name`. */
  static indexJson(roots: readonly { descriptor: BuiltDescriptor; refName?: string }[]): string {
    return JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.index,
      manifests: roots.map(({ descriptor, refName }) => {
        const { platform: _platform, ...rest } = descriptor;
        return refName === undefined
          ? rest
          : { ...rest, annotations: { ...rest.annotations, 'org.opencontainers.image.ref.name': refName } };
      }),
    });
  }

  /** The layout's files (path → bytes), for a directory or an archive. */
  layoutFiles(roots: readonly { descriptor: BuiltDescriptor; refName?: string }[]): Map<string, Buffer> {
    const files = new Map<string, Buffer>();
    files.set('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
    files.set('index.json', Buffer.from(OciBlobs.indexJson(roots)));
    for (const [digest, bytes] of [...this.blobs].sort(([a], [b]) => a.localeCompare(b))) {
      files.set(`blobs/${digest.replace(':', '/')}`, bytes);
    }
    return files;
  }
}

export async function writeFiles(dir: string, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  for (const [path, bytes] of files) {
    const full = join(dir, path);
    await mkdir(join(full, '..'), { recursive: true });
    await writeFile(full, bytes);
  }
}

/** A tar of files (directories are implied by the names, as skopeo and docker write them). */
export function tarOfFiles(
  files: ReadonlyMap<string, Uint8Array>,
  extra: readonly TarEntrySpec[] = [],
): Buffer {
  return buildTar([...[...files].map(([name, body]) => ({ name, body })), ...extra], { format: 'pax' });
}

/** Legacy `docker save` archive: `<id>/layer.tar` (uncompressed), `<hex>.json` configs, manifest.json. */
export function dockerArchiveFiles(
  images: readonly { repoTags: readonly string[]; image: BuiltImage; configBytes?: Buffer }[],
): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const manifest = images.map(({ repoTags, image }) => {
    const configName = `${image.config.digest.slice(7)}.json`;
    files.set(configName, image.configBytes);
    const layerNames = image.layers.map((layer) => {
      const name = `${layer.diffId.slice(7)}/layer.tar`;
      files.set(name, layer.tar);
      return name;
    });
    return { Config: configName, RepoTags: repoTags, Layers: layerNames };
  });
  files.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
  return files;
}
