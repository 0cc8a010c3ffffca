/**
 * Reading and appending to cosign's tag-scheme signature images (`sha256-<hex>.sig` / `.att`).
 * New signatures are appended to what the tag holds; an identical layer is not added twice.
 */
import type { FetchedManifest } from '../../image/index.ts';
import { digestOf } from '../../util/digest.ts';
import { BosunError, isBosunError } from '../../util/errors.ts';
import { OCI_MANIFEST_MEDIA_TYPE } from './constants.ts';
import type { StorageLocation } from './location.ts';
import {
  buildSignatureImage,
  sameLayer,
  signatureLayers,
  type SignatureLayerDescriptor,
} from './signature-image.ts';

/** The manifest a tag holds, or undefined when the tag does not exist. */
export async function fetchTag(
  location: StorageLocation,
  tag: string,
  signal?: AbortSignal,
): Promise<FetchedManifest | undefined> {
  try {
    return await location.client.getManifest(location.repository, tag, signal);
  } catch (error) {
    if (isBosunError(error, 'IMAGE_NOT_FOUND') || isBosunError(error, 'REGISTRY_NOT_FOUND')) return undefined;
    throw error;
  }
}

/** A new signature layer: its bytes (the payload or envelope) and annotations. */
export interface NewSignatureLayer {
  readonly mediaType: string;
  readonly bytes: Uint8Array;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface AppendLayerOptions {
  /** RFC 3339 creation time for the config (cosign ≥ 2 writes the signing time). */
  readonly created?: string;
  /** Existing layers to drop (cosign `attest --replace` drops same-predicate attestations). */
  readonly replace?: (layer: SignatureLayerDescriptor) => boolean;
  readonly maxLayers?: number;
  readonly signal?: AbortSignal;
}

export interface AppendLayerResult {
  /** Digest of the signature image the tag now points at. */
  readonly manifestDigest: string;
  /** False when an identical layer was already there (nothing was pushed). */
  readonly appended: boolean;
  readonly layerCount: number;
}

/**
 * Appends a layer to the signature image under `tag` (creating it), pushing the layer blob, the
 * config and the manifest. Not atomic: two writers appending at once can lose one layer, as with
 * cosign. An existing tag that is not a signature image is SIGN_STORAGE_INVALID.
 */
export async function appendSignatureLayer(
  location: StorageLocation,
  tag: string,
  layer: NewSignatureLayer,
  options: AppendLayerOptions = {},
): Promise<AppendLayerResult> {
  const { signal } = options;
  const input = `${location.registry}/${location.repository}:${tag}`;
  const { layers: existing, digest: currentDigest } = await fetchExisting(
    location,
    tag,
    input,
    options.maxLayers,
    signal,
  );
  const descriptor: SignatureLayerDescriptor = {
    mediaType: layer.mediaType,
    digest: digestOf(layer.bytes),
    size: layer.bytes.byteLength,
    annotations: { ...layer.annotations },
  };
  const kept = existing.filter((l) => !(options.replace?.(l) ?? false));
  if (
    currentDigest !== undefined &&
    kept.length === existing.length &&
    kept.some((l) => sameLayer(l, descriptor))
  ) {
    return { manifestDigest: currentDigest, appended: false, layerCount: existing.length };
  }
  const layers = [...kept.filter((l) => !sameLayer(l, descriptor)), descriptor];
  const image = buildSignatureImage(layers, options.created);
  const push = signal === undefined ? {} : { signal };
  await location.client.pushBlob(
    location.repository,
    { digest: descriptor.digest, size: descriptor.size, bytes: layer.bytes },
    push,
  );
  await location.client.pushBlob(
    location.repository,
    { digest: image.configDigest, size: image.config.byteLength, bytes: image.config },
    push,
  );
  const put = await location.client.putManifest(
    location.repository,
    tag,
    image.manifest,
    OCI_MANIFEST_MEDIA_TYPE,
    push,
  );
  return { manifestDigest: put.digest, appended: true, layerCount: layers.length };
}

async function fetchExisting(
  location: StorageLocation,
  tag: string,
  input: string,
  maxLayers: number | undefined,
  signal: AbortSignal | undefined,
): Promise<{ layers: SignatureLayerDescriptor[]; digest: string | undefined }> {
  let fetched: FetchedManifest | undefined;
  try {
    fetched = await fetchTag(location, tag, signal);
  } catch (error) {
    if (
      isBosunError(error, 'IMAGE_MANIFEST_INVALID') ||
      isBosunError(error, 'IMAGE_MEDIA_TYPE_UNSUPPORTED')
    ) {
      throw new BosunError(
        'SIGN_STORAGE_INVALID',
        `${input}: holds something that is not a signature image`,
        {
          cause: error,
          details: { input },
        },
      );
    }
    throw error;
  }
  if (fetched === undefined) return { layers: [], digest: undefined };
  return {
    layers: signatureLayers(fetched, input, maxLayers === undefined ? {} : { maxLayers }),
    digest: fetched.digest,
  };
}
