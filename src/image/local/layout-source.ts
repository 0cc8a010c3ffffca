/**
 * ImageSource over an OCI image layout (image-layout.md), whatever holds its files: a directory
 * (`oci:`), a tar (`oci-archive:`) or the OCI half of a Docker 25+ `docker save` archive.
 */
import { pipeline, type Readable } from 'node:stream';
import { BosunError } from '../../util/errors.ts';
import { createVerifyingStream, digestOf, parseDigest, verifyBytes } from '../../util/digest.ts';
import type { Descriptor, FetchedManifest, ImageIndex, ImageSource } from '../types.ts';
import type { LayoutFiles } from './layout-files.ts';
import { tooLarge } from './layout-files.ts';
import { DEFAULT_LOCAL_LIMITS, type LocalSourceLimits, type LocalSourceOptions } from './limits.ts';
import { isIndexMediaType, parseIndex, parseJson, parseManifestBytes } from './parse-manifest.ts';

export const REF_NAME = 'org.opencontainers.image.ref.name';
const CONTAINERD_NAME = 'io.containerd.image.name';

export function blobPath(digest: string, input: string): string {
  const { algorithm, hex } = parseDigest(digest, input);
  return `blobs/${algorithm}/${hex}`;
}

function layoutInvalid(input: string, what: string, cause?: unknown): BosunError {
  return new BosunError('IMAGE_LAYOUT_INVALID', `${input}: ${what}`, { cause, details: { input } });
}

/** The layout's index.json, checked; with the `oci-layout` marker file verified first. */
export async function readLayoutIndex(
  files: LayoutFiles,
  limits: LocalSourceLimits,
): Promise<{ bytes: Buffer; index: ImageIndex }> {
  if ((await files.size('oci-layout')) === undefined) throw layoutInvalid(files.name, 'no oci-layout file');
  const marker = parseJson(
    await files.read('oci-layout', 64 * 1024),
    `${files.name}/oci-layout`,
    'IMAGE_LAYOUT_INVALID',
  );
  const version = (marker as { imageLayoutVersion?: unknown } | null)?.imageLayoutVersion;
  if (typeof version !== 'string' || !version.startsWith('1.')) {
    throw layoutInvalid(
      files.name,
      `unsupported imageLayoutVersion ${JSON.stringify(version)?.slice(0, 40)}`,
    );
  }
  if ((await files.size('index.json')) === undefined) throw layoutInvalid(files.name, 'no index.json');
  const bytes = await files.read('index.json', limits.maxManifestBytes);
  const input = `${files.name}/index.json`;
  try {
    return { bytes, index: parseIndex(parseJson(bytes, input, 'IMAGE_LAYOUT_INVALID'), input) };
  } catch (error) {
    if (error instanceof BosunError && error.code === 'IMAGE_MANIFEST_INVALID')
      throw layoutInvalid(files.name, error.message, error);
    throw error;
  }
}

function refNames(index: ImageIndex): string[] {
  return index.manifests
    .map((d) => d.annotations?.[REF_NAME] ?? d.annotations?.[CONTAINERD_NAME])
    .filter((n): n is string => n !== undefined);
}

export class LayoutSource implements ImageSource {
  readonly kind: ImageSource['kind'];
  readonly name: string;
  readonly files: LayoutFiles;
  private readonly limits: LocalSourceLimits;
  private readonly tag: string | undefined;
  private readonly indexBytes: Buffer;
  private readonly layoutIndex: ImageIndex;
  private readonly indexDigest: string;
  private readonly hints = new Map<string, string>();

  constructor(
    kind: ImageSource['kind'],
    files: LayoutFiles,
    layout: { bytes: Buffer; index: ImageIndex },
    options: LocalSourceOptions,
  ) {
    this.kind = kind;
    this.files = files;
    this.name = options.tag === undefined ? files.name : `${files.name}:${options.tag}`;
    this.limits = { ...DEFAULT_LOCAL_LIMITS, ...options.limits };
    this.tag = options.tag;
    this.indexBytes = layout.bytes;
    this.layoutIndex = layout.index;
    this.indexDigest = digestOf(layout.bytes);
    for (const d of layout.index.manifests) this.hints.set(d.digest, d.mediaType);
  }

  /** index.json as the layout names it (not a blob). */
  get index(): ImageIndex {
    return this.layoutIndex;
  }

  /** The descriptor in index.json this source selects (by tag, or the only one), if any. */
  selectDescriptor(): Descriptor | undefined {
    const manifests = this.layoutIndex.manifests;
    if (this.tag !== undefined) {
      const tag = this.tag;
      const found =
        manifests.find((d) => d.annotations?.[REF_NAME] === tag) ??
        manifests.find((d) => d.annotations?.[CONTAINERD_NAME] === tag);
      if (found === undefined) {
        throw new BosunError(
          'IMAGE_NOT_FOUND',
          `${this.files.name}: no image tagged ${tag}; available: ${refNames(this.layoutIndex).join(', ') || 'none'}`,
          {
            details: { input: this.files.name, tag },
          },
        );
      }
      return found;
    }
    if (manifests.length === 0) {
      throw new BosunError('IMAGE_NOT_FOUND', `${this.files.name}: the layout holds no image`, {
        details: { input: this.files.name },
      });
    }
    if (manifests.length === 1) return manifests[0];
    // Several entries that all name a platform form a multi-platform set: resolve picks one.
    if (manifests.every((d) => d.platform !== undefined)) return undefined;
    throw new BosunError(
      'IMAGE_NOT_FOUND',
      `${this.files.name}: ${manifests.length} images in the layout, choose one by tag: ${refNames(this.layoutIndex).join(', ') || '(untagged)'}`,
      { details: { input: this.files.name } },
    );
  }

  private layoutAsIndex(): FetchedManifest {
    return parseManifestBytes(
      this.indexBytes,
      this.indexDigest,
      `${this.files.name}/index.json`,
      'application/vnd.oci.image.index.v1+json',
    );
  }

  async root(signal?: AbortSignal): Promise<FetchedManifest> {
    const selected = this.selectDescriptor();
    return selected === undefined
      ? this.layoutAsIndex()
      : this.manifest(selected.digest, signal, selected.mediaType);
  }

  async manifest(digest: string, signal?: AbortSignal, hint?: string): Promise<FetchedManifest> {
    signal?.throwIfAborted();
    if (digest === this.indexDigest) return this.layoutAsIndex();
    const input = `${this.files.name}@${digest}`;
    const path = blobPath(digest, input);
    if ((await this.files.size(path)) === undefined) {
      throw new BosunError('IMAGE_NOT_FOUND', `${this.files.name}: manifest ${digest} is not in the layout`, {
        details: { input: this.files.name, digest },
      });
    }
    const bytes = await this.files.read(path, this.limits.maxManifestBytes);
    verifyBytes(bytes, digest, input);
    return parseManifestBytes(bytes, digest, input, hint ?? this.hints.get(digest));
  }

  async blobBytes(descriptor: Descriptor, signal?: AbortSignal): Promise<Uint8Array> {
    signal?.throwIfAborted();
    const input = `${this.files.name}@${descriptor.digest}`;
    const path = blobPath(descriptor.digest, input);
    if (descriptor.size > this.limits.maxBlobBytes)
      throw tooLarge(input, path, descriptor.size, this.limits.maxBlobBytes);
    const size = await this.files.size(path);
    if (size === undefined) throw this.missing(descriptor);
    const bytes = await this.files.read(path, this.limits.maxBlobBytes);
    verifyBytes(bytes, descriptor.digest, input, descriptor.size);
    return bytes;
  }

  async blobStream(descriptor: Descriptor, signal?: AbortSignal): Promise<Readable> {
    signal?.throwIfAborted();
    const input = `${this.files.name}@${descriptor.digest}`;
    const path = blobPath(descriptor.digest, input);
    const size = await this.files.size(path);
    if (size === undefined) throw this.missing(descriptor);
    if (size !== descriptor.size) {
      throw new BosunError(
        'IMAGE_SIZE_MISMATCH',
        `${input}: blob is ${size} bytes, descriptor says ${descriptor.size}`,
        {
          details: { input, expected: descriptor.size, actual: size },
        },
      );
    }
    return verifiedStream(await this.files.stream(path), descriptor.digest, input, descriptor.size);
  }

  private missing(descriptor: Descriptor): BosunError {
    return new BosunError(
      'IMAGE_NOT_FOUND',
      `${this.files.name}: blob ${descriptor.digest} is not in the layout`,
      {
        details: { input: this.files.name, digest: descriptor.digest },
      },
    );
  }

  async close(): Promise<void> {
    await this.files.close();
  }
}

/** A file stream piped through digest verification; errors travel to the returned stream. */
export function verifiedStream(source: Readable, digest: string, input: string, size?: number): Readable {
  return pipeline(source, createVerifyingStream(digest, input, size), () => undefined);
}

/** Whether a descriptor points at an index (by media type). */
export function isIndexDescriptor(descriptor: Descriptor): boolean {
  return isIndexMediaType(descriptor.mediaType);
}
