/**
 * The image cosign ≤ v2 stores under `sha256-<hex>.sig` / `.att`: go-containerregistry's
 * `empty.Image` turned OCI (`mutate.MediaType` + `mutate.ConfigMediaType`), one layer per signature
 * appended with `mutate.Append` (cosign `pkg/oci/empty`, `pkg/oci/mutate`). The config is the Go
 * `v1.ConfigFile` such an image marshals: empty architecture/os, one zero-time history entry and
 * one diff_id per layer (a static layer's diff_id is its digest), `"config":{}`.
 */
import type { Descriptor, FetchedManifest } from '../../image/index.ts';
import { digestOf } from '../../util/digest.ts';
import { BosunError, limitError } from '../../util/errors.ts';
import { encodeString, marshalGoJson } from '../json/go-json.ts';
import { OCI_CONFIG_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE } from './constants.ts';

/** Go's zero `time.Time` as RFC 3339, which go-containerregistry writes for unset times. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** One layer of a signature image: what the manifest says about it. */
export interface SignatureLayerDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface BuiltSignatureImage {
  readonly config: Uint8Array;
  readonly configDigest: string;
  readonly manifest: Uint8Array;
  readonly manifestDigest: string;
}

/**
 * Serialises the config and manifest of a signature image holding `layers`, in the field order
 * go-containerregistry marshals (`v1.ConfigFile`, `v1.Manifest`, `v1.Descriptor`), annotation
 * keys sorted as Go sorts a map. `created` is RFC 3339 (cosign ≥ 2 stamps the signing time).
 */
export function buildSignatureImage(
  layers: readonly SignatureLayerDescriptor[],
  created: string = GO_ZERO_TIME,
): BuiltSignatureImage {
  const history = layers.map(() => `{"created":${encodeString(GO_ZERO_TIME)}}`).join(',');
  const diffIds = layers.map((l) => encodeString(l.digest)).join(',');
  const config = Buffer.from(
    `{"architecture":"","created":${encodeString(created)},"history":[${history}],"os":"",` +
      `"rootfs":{"type":"layers","diff_ids":[${diffIds}]},"config":{}}`,
    'utf8',
  );
  const configDigest = digestOf(config);
  const layerJson = layers.map(
    (l) =>
      `{"mediaType":${encodeString(l.mediaType)},"size":${l.size},"digest":${encodeString(l.digest)}` +
      `${Object.keys(l.annotations).length === 0 ? '' : `,"annotations":${marshalGoJson(l.annotations)}`}}`,
  );
  const manifest = Buffer.from(
    `{"schemaVersion":2,"mediaType":${encodeString(OCI_MANIFEST_MEDIA_TYPE)},` +
      `"config":{"mediaType":${encodeString(OCI_CONFIG_MEDIA_TYPE)},"size":${config.length},"digest":${encodeString(configDigest)}},` +
      `"layers":[${layerJson.join(',')}]}`,
    'utf8',
  );
  return { config, configDigest, manifest, manifestDigest: digestOf(manifest) };
}

export interface ReadSignatureLayersOptions {
  /** Most layers accepted (each is one signature); 1,000 unless told. */
  readonly maxLayers?: number;
}

/**
 * The signature layers of a fetched `.sig` / `.att` manifest. An index, or layers without a
 * digest, are SIGN_STORAGE_INVALID; more layers than `maxLayers` is LIMIT_EXCEEDED.
 */
export function signatureLayers(
  fetched: FetchedManifest,
  input: string,
  options: ReadSignatureLayersOptions = {},
): SignatureLayerDescriptor[] {
  if (fetched.kind !== 'manifest') {
    throw new BosunError('SIGN_STORAGE_INVALID', `${input}: an index where a signature image was expected`, {
      details: { input },
    });
  }
  const max = options.maxLayers ?? 1000;
  const layers = fetched.manifest.layers;
  if (layers.length > max) throw limitError('LIMIT_EXCEEDED', input, 'layers', layers.length, max);
  return layers.map((layer: Descriptor) => ({
    mediaType: layer.mediaType,
    digest: layer.digest,
    size: layer.size,
    annotations: { ...layer.annotations },
  }));
}

/** Same layer: same content and the same annotations (cosign's duplicate detection). */
export function sameLayer(a: SignatureLayerDescriptor, b: SignatureLayerDescriptor): boolean {
  if (a.digest !== b.digest || a.mediaType !== b.mediaType) return false;
  const keys = Object.keys(a.annotations);
  return (
    keys.length === Object.keys(b.annotations).length &&
    keys.every((k) => a.annotations[k] === b.annotations[k])
  );
}
