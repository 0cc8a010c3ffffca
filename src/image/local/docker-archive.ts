/**
 * `docker save` archives (`docker-archive:FILE[:repo:tag]`).
 * - Docker 25+ writes an OCI layout plus `manifest.json`: the image's real manifest is found in the
 *   layout by its config digest, so digests match the registry's.
 * - Older archives (and skopeo's docker-archive) have no registry manifest: Bosun synthesises a
 *   Docker schema2 manifest from the config and the layer files. It is deterministic (same
 *   archive → same bytes → same digest). Layers there are usually uncompressed tars, whose digest
 *   is the config's diff_id: that claim is used without a read pass and is verified when the
 *   layer streams (IMAGE_DIGEST_MISMATCH). Compressed layers under non-digest names are hashed
 *   when the manifest is first built.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BosunError } from '../../util/errors.ts';
import { digestOf, isDigest, verifyBytes } from '../../util/digest.ts';
import { BLOCK } from '../layers/tar-header.ts';
import { detectCompression } from '../layers/decompress.ts';
import { MEDIA_TYPES, type Descriptor, type FetchedManifest, type ImageSource } from '../types.ts';
import {
  parseDockerManifestJson,
  selectDockerImage,
  type DockerArchiveImage,
} from './docker-manifest-json.ts';
import { tooLarge } from './layout-files.ts';
import { DEFAULT_LOCAL_LIMITS, type LocalSourceLimits, type LocalSourceOptions } from './limits.ts';
import { LayoutSource, isIndexDescriptor, readLayoutIndex, verifiedStream } from './layout-source.ts';
import { parseJson, parseManifestBytes } from './parse-manifest.ts';
import { TarArchiveFiles } from './tar-files.ts';

const DOCKER_LAYER_TAR = 'application/vnd.docker.image.rootfs.diff.tar';

interface Synthesised {
  readonly manifest: FetchedManifest;
  /** digest → archive path, for the config and every layer. */
  readonly paths: ReadonlyMap<string, string>;
}

function digestFromBlobPath(path: string): string | undefined {
  const m = /^blobs\/(sha256|sha512)\/([0-9a-f]+)$/.exec(path);
  const digest = m === null ? undefined : `${m[1]}:${m[2]}`;
  return digest !== undefined && isDigest(digest) ? digest : undefined;
}

class DockerArchiveSource implements ImageSource {
  readonly kind = 'docker-archive' as const;
  readonly name: string;
  private readonly files: TarArchiveFiles;
  private readonly image: DockerArchiveImage;
  private readonly limits: LocalSourceLimits;
  private readonly layout: LayoutSource | undefined;
  private readonly layoutManifest: FetchedManifest | undefined;
  private synthesised: Promise<Synthesised> | undefined;

  constructor(
    files: TarArchiveFiles,
    image: DockerArchiveImage,
    limits: LocalSourceLimits,
    tag: string | undefined,
    layout: { source: LayoutSource; manifest: FetchedManifest } | undefined,
  ) {
    this.files = files;
    this.image = image;
    this.limits = limits;
    this.name = tag === undefined ? files.name : `${files.name}:${tag}`;
    this.layout = layout?.source;
    this.layoutManifest = layout?.manifest;
  }

  async root(signal?: AbortSignal): Promise<FetchedManifest> {
    signal?.throwIfAborted();
    return this.layoutManifest ?? (await this.synthesise()).manifest;
  }

  async manifest(digest: string, signal?: AbortSignal): Promise<FetchedManifest> {
    if (this.layout !== undefined) return this.layout.manifest(digest, signal);
    const { manifest } = await this.synthesise();
    if (manifest.digest === digest) return manifest;
    throw new BosunError('IMAGE_NOT_FOUND', `${this.files.name}: manifest ${digest} is not in the archive`, {
      details: { input: this.files.name, digest },
    });
  }

  async blobBytes(descriptor: Descriptor, signal?: AbortSignal): Promise<Uint8Array> {
    if (this.layout !== undefined) return this.layout.blobBytes(descriptor, signal);
    const path = await this.pathOf(descriptor);
    const input = `${this.files.name}:${path}`;
    if (descriptor.size > this.limits.maxBlobBytes)
      throw tooLarge(input, path, descriptor.size, this.limits.maxBlobBytes);
    const bytes = await this.files.read(path, this.limits.maxBlobBytes);
    verifyBytes(bytes, descriptor.digest, input, descriptor.size);
    return bytes;
  }

  async blobStream(descriptor: Descriptor, signal?: AbortSignal): Promise<Readable> {
    if (this.layout !== undefined) return this.layout.blobStream(descriptor, signal);
    signal?.throwIfAborted();
    const path = await this.pathOf(descriptor);
    return verifiedStream(
      await this.files.stream(path),
      descriptor.digest,
      `${this.files.name}:${path}`,
      descriptor.size,
    );
  }

  async close(): Promise<void> {
    await this.files.close();
  }

  private async pathOf(descriptor: Descriptor): Promise<string> {
    const path = (await this.synthesise()).paths.get(descriptor.digest);
    if (path === undefined) {
      throw new BosunError(
        'IMAGE_NOT_FOUND',
        `${this.files.name}: blob ${descriptor.digest} is not in the archive`,
        {
          details: { input: this.files.name, digest: descriptor.digest },
        },
      );
    }
    return path;
  }

  private synthesise(): Promise<Synthesised> {
    this.synthesised ??= this.build();
    return this.synthesised;
  }

  private async build(): Promise<Synthesised> {
    const input = this.files.name;
    const configBytes = await this.files.read(this.image.config, this.limits.maxBlobBytes);
    const configDigest = digestOf(configBytes);
    const config = parseJson(configBytes, `${input}:${this.image.config}`, 'IMAGE_ARCHIVE_INVALID') as {
      rootfs?: { diff_ids?: unknown };
    } | null;
    const diffIds = Array.isArray(config?.rootfs?.diff_ids) ? (config.rootfs.diff_ids as unknown[]) : [];
    const paths = new Map<string, string>([[configDigest, this.image.config]]);
    const layers: Descriptor[] = [];
    for (const [i, path] of this.image.layers.entries()) {
      const size = await this.files.size(path);
      if (size === undefined) {
        throw new BosunError('IMAGE_ARCHIVE_INVALID', `${input}: layer ${path} is missing`, {
          details: { input, path },
        });
      }
      let compression: 'gzip' | 'zstd' | 'none';
      try {
        compression = detectCompression(await this.files.head(path, BLOCK), `${input}:${path}`);
      } catch {
        compression = 'none'; // the walker reports the real problem when the layer is read
      }
      const diffId = diffIds[i];
      const digest =
        digestFromBlobPath(path) ??
        (compression === 'none' && typeof diffId === 'string' && isDigest(diffId)
          ? diffId
          : await this.hash(path));
      paths.set(digest, path);
      layers.push({
        mediaType:
          compression === 'gzip'
            ? MEDIA_TYPES.dockerLayerGzip
            : compression === 'zstd'
              ? MEDIA_TYPES.ociLayerZstd
              : DOCKER_LAYER_TAR,
        size,
        digest,
      });
    }
    const manifest = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.dockerManifest,
      config: { mediaType: MEDIA_TYPES.dockerConfig, size: configBytes.length, digest: configDigest },
      layers,
    };
    const bytes = Buffer.from(JSON.stringify(manifest), 'utf8');
    return { manifest: parseManifestBytes(bytes, digestOf(bytes), `${input} (synthesised manifest)`), paths };
  }

  private async hash(path: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of (await this.files.stream(path)) as AsyncIterable<Buffer>) hash.update(chunk);
    return `sha256:${hash.digest('hex')}`;
  }
}

/** Finds, in an OCI layout, the image manifest whose config has the given digest. */
async function findByConfig(
  layout: LayoutSource,
  configDigest: string,
  maxDepth: number,
): Promise<FetchedManifest | undefined> {
  const visit = async (
    descriptors: readonly Descriptor[],
    depth: number,
  ): Promise<FetchedManifest | undefined> => {
    for (const descriptor of descriptors) {
      const isIndex = isIndexDescriptor(descriptor);
      if (isIndex && depth >= maxDepth) continue;
      let fetched: FetchedManifest;
      try {
        fetched = await layout.manifest(descriptor.digest);
      } catch (error) {
        if (error instanceof BosunError && error.code === 'IMAGE_NOT_FOUND') continue; // attestations may be absent
        throw error;
      }
      if (fetched.kind === 'manifest' && fetched.manifest.config.digest === configDigest) return fetched;
      if (fetched.kind === 'index') {
        const found = await visit(fetched.index.manifests, depth + 1);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  return visit(layout.index.manifests, 0);
}

/** Opens a `docker save` archive; `tag` is a RepoTag (`repo:tag`, familiar or full) or `@N`. */
export async function openDockerArchive(
  file: string,
  options: LocalSourceOptions = {},
  files?: TarArchiveFiles,
): Promise<ImageSource> {
  options.signal?.throwIfAborted();
  const limits = { ...DEFAULT_LOCAL_LIMITS, ...options.limits };
  const archive = files ?? (await TarArchiveFiles.open(file, { maxEntries: limits.maxArchiveEntries }));
  try {
    if ((await archive.size('manifest.json')) === undefined) {
      throw new BosunError('IMAGE_ARCHIVE_INVALID', `${file}: no manifest.json (not a docker-archive)`, {
        details: { input: file },
      });
    }
    const input = `${file}:manifest.json`;
    const images = parseDockerManifestJson(
      await archive.read('manifest.json', limits.maxManifestBytes),
      input,
    );
    const image = selectDockerImage(images, options.tag, file);
    let layout: { source: LayoutSource; manifest: FetchedManifest } | undefined;
    const configDigest = digestFromBlobPath(image.config);
    if (configDigest !== undefined && (await archive.size('oci-layout')) !== undefined) {
      const source = new LayoutSource('docker-archive', archive, await readLayoutIndex(archive, limits), {
        ...options,
        tag: undefined,
      });
      const manifest = await findByConfig(source, configDigest, limits.maxIndexDepth);
      if (manifest !== undefined) layout = { source, manifest };
    }
    return new DockerArchiveSource(archive, image, limits, options.tag, layout);
  } catch (error) {
    await archive.close();
    throw error;
  }
}
