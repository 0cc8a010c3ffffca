/**
 * Sigstore bundles as OCI 1.1 referrers, as cosign v3 writes them (`WriteAttestationNewBundleFormat`
 * → `WriteReferrer`): an artifact manifest with `subject` = the image, `artifactType` = the bundle
 * media type, the empty config, one layer holding the bundle JSON, and the `dev.sigstore.bundle.*`
 * annotations. It is pushed by digest; the registry client maintains the `sha256-<hex>` fallback
 * index when the registry lacks the referrers API.
 */
import type { Descriptor, FetchedManifest } from '../../image/index.ts';
import { digestOf } from '../../util/digest.ts';
import { isBosunError, limitError } from '../../util/errors.ts';
import { encodeString, marshalGoJson } from '../json/go-json.ts';
import { BUNDLE_V03_MEDIA_TYPE } from '../bundle.ts';
import {
  BUNDLE_CONTENT_ANNOTATION,
  BUNDLE_PREDICATE_TYPE_ANNOTATION,
  EMPTY_JSON,
  OCI_CREATED_ANNOTATION,
  OCI_EMPTY_MEDIA_TYPE,
  OCI_MANIFEST_MEDIA_TYPE,
  OCI_TITLE_ANNOTATION,
  DOCKER_MANIFEST_MEDIA_TYPE,
} from './constants.ts';
import type { StorageLocation } from './location.ts';

export interface AttachBundleOptions {
  /** RFC 3339 (seconds) for `org.opencontainers.image.created`, as cosign stamps it. */
  readonly created: string;
  readonly signal?: AbortSignal;
}

export interface AttachBundleResult {
  readonly manifestDigest: string;
  /** The registry indexed the subject itself (referrers API) rather than the fallback tag. */
  readonly referrersApi: boolean;
}

/** Pushes `bundle` as a referrer of `subject` (the image's manifest descriptor). */
export async function attachBundle(
  location: StorageLocation,
  subject: Descriptor,
  bundle: Uint8Array,
  predicateType: string,
  options: AttachBundleOptions,
): Promise<AttachBundleResult> {
  const { signal } = options;
  const push = signal === undefined ? {} : { signal };
  const emptyDigest = digestOf(EMPTY_JSON);
  const bundleDigest = digestOf(bundle);
  await location.client.pushBlob(
    location.repository,
    { digest: emptyDigest, size: EMPTY_JSON.byteLength, bytes: EMPTY_JSON },
    push,
  );
  await location.client.pushBlob(
    location.repository,
    { digest: bundleDigest, size: bundle.byteLength, bytes: bundle },
    push,
  );
  const manifest = buildBundleManifest(
    subject,
    bundleDigest,
    bundle.byteLength,
    predicateType,
    options.created,
  );
  const put = await location.client.putManifest(
    location.repository,
    digestOf(manifest),
    manifest,
    OCI_MANIFEST_MEDIA_TYPE,
    push,
  );
  return { manifestDigest: put.digest, referrersApi: put.subjectHandled };
}

/**
 * The referrer manifest, in go-containerregistry's field order (`v1.Manifest` then cosign's
 * `artifactType`). The layer title `sha256-<hex>.sigstore.json` is cosign's.
 */
export function buildBundleManifest(
  subject: Descriptor,
  bundleDigest: string,
  bundleSize: number,
  predicateType: string,
  created: string,
): Buffer {
  const title = `${bundleDigest.replace(':', '-')}.sigstore.json`;
  const annotations = {
    [BUNDLE_CONTENT_ANNOTATION]: 'dsse-envelope',
    [BUNDLE_PREDICATE_TYPE_ANNOTATION]: predicateType,
    [OCI_CREATED_ANNOTATION]: created,
  };
  const text =
    `{"schemaVersion":2,"mediaType":${encodeString(OCI_MANIFEST_MEDIA_TYPE)},` +
    `"config":{"mediaType":${encodeString(OCI_EMPTY_MEDIA_TYPE)},"size":${EMPTY_JSON.byteLength},"digest":${encodeString(digestOf(EMPTY_JSON))}},` +
    `"layers":[{"mediaType":${encodeString(BUNDLE_V03_MEDIA_TYPE)},"size":${bundleSize},"digest":${encodeString(bundleDigest)},` +
    `"annotations":${marshalGoJson({ [OCI_TITLE_ANNOTATION]: title })}}],` +
    `"annotations":${marshalGoJson(annotations)},` +
    `"subject":{"mediaType":${encodeString(subject.mediaType)},"size":${subject.size},"digest":${encodeString(subject.digest)}},` +
    `"artifactType":${encodeString(BUNDLE_V03_MEDIA_TYPE)}}`;
  return Buffer.from(text, 'utf8');
}

/** True for the media types Sigstore bundles are published under (v0.1-v0.3, both spellings). */
export function isBundleMediaType(mediaType: string | undefined): boolean {
  if (mediaType === undefined) return false;
  return /^application\/vnd\.dev\.sigstore\.bundle(?:\.v0\.[1-9]\+json|\+json(?:\s*;\s*version=0\.[1-9])?)$/.test(
    mediaType.trim(),
  );
}

/**
 * Whether a referrers-list entry may be a bundle and must be fetched to know: its artifactType is
 * a bundle type, or says nothing useful. go-containerregistry writes the fallback index with
 * `artifactType` = the config media type (`application/vnd.oci.empty.v1+json`) or none, and
 * drops annotations (cosign#4422, cosign#4641), so those entries cannot be filtered out.
 */
export function mayBeBundleReferrer(descriptor: Descriptor): boolean {
  if (descriptor.mediaType !== OCI_MANIFEST_MEDIA_TYPE && descriptor.mediaType !== DOCKER_MANIFEST_MEDIA_TYPE)
    return false;
  const type = descriptor.artifactType;
  return type === undefined || type === '' || type === OCI_EMPTY_MEDIA_TYPE || isBundleMediaType(type);
}

export interface ListBundleOptions {
  /** Most candidate referrers examined; 256 unless told (LIMIT_EXCEEDED beyond). */
  readonly maxReferrers?: number;
  readonly signal?: AbortSignal;
}

/** Referrers of `digest` that may carry a bundle (see {@link mayBeBundleReferrer}). */
export async function listBundleReferrers(
  location: StorageLocation,
  digest: string,
  options: ListBundleOptions = {},
): Promise<{ readonly candidates: readonly Descriptor[]; readonly source: 'api' | 'tag' }> {
  const result = await location.client.getReferrers(
    location.repository,
    digest,
    options.signal === undefined ? {} : { signal: options.signal },
  );
  const seen = new Set<string>();
  const candidates = result.referrers.filter((d) => {
    if (!mayBeBundleReferrer(d) || seen.has(d.digest)) return false;
    seen.add(d.digest);
    return true;
  });
  const max = options.maxReferrers ?? 256;
  if (candidates.length > max) {
    throw limitError(
      'LIMIT_EXCEEDED',
      `${location.registry}/${location.repository} referrers of ${digest}`,
      'referrers',
      candidates.length,
      max,
    );
  }
  return { candidates, source: result.source };
}

/** A bundle found in a referrer manifest: where it is and what the manifest claims (unsigned). */
export interface StoredBundle {
  readonly manifestDigest: string;
  readonly layer: Descriptor;
  readonly predicateType: string | undefined;
  readonly subjectDigest: string | undefined;
}

export type ReferrerInspection =
  | { readonly kind: 'bundle'; readonly bundle: StoredBundle }
  | { readonly kind: 'other' }
  | { readonly kind: 'invalid'; readonly detail: string };

/**
 * Fetches a candidate referrer manifest (by digest, verified) and finds its bundle layer. A
 * manifest that is not a bundle artifact is `other`; an unreadable one is `invalid` (anyone who
 * can push to the repository can write one: it must not stop verification of the others).
 */
export async function inspectReferrer(
  location: StorageLocation,
  descriptor: Descriptor,
  signal?: AbortSignal,
): Promise<ReferrerInspection> {
  let fetched: FetchedManifest;
  try {
    fetched = await location.client.getManifest(location.repository, descriptor.digest, signal);
  } catch (error) {
    if (isUnreadable(error)) return { kind: 'invalid', detail: errorCode(error) };
    throw error;
  }
  if (fetched.kind !== 'manifest') return { kind: 'other' };
  const manifest = fetched.manifest;
  const layer = manifest.layers.find((l) => isBundleMediaType(l.mediaType));
  const typed = isBundleMediaType(manifest.artifactType) || isBundleMediaType(manifest.config.mediaType);
  if (layer === undefined) return typed ? { kind: 'invalid', detail: 'no bundle layer' } : { kind: 'other' };
  return {
    kind: 'bundle',
    bundle: {
      manifestDigest: fetched.digest,
      layer,
      predicateType: manifest.annotations?.[BUNDLE_PREDICATE_TYPE_ANNOTATION],
      subjectDigest: manifest.subject?.digest,
    },
  };
}

/** Errors that mean "this stored object is broken", not "could not reach the registry". */
export function isUnreadable(error: unknown): boolean {
  return (
    isBosunError(error) &&
    [
      'IMAGE_MANIFEST_INVALID',
      'IMAGE_MEDIA_TYPE_UNSUPPORTED',
      'IMAGE_DIGEST_MISMATCH',
      'IMAGE_SIZE_MISMATCH',
      'IMAGE_DIGEST_INVALID',
      'IMAGE_NOT_FOUND',
      'REGISTRY_NOT_FOUND',
      'IMAGE_LIMIT',
      'LIMIT_EXCEEDED',
      'SIGN_STORAGE_INVALID',
    ].includes(error.code)
  );
}

export function errorCode(error: unknown): string {
  return isBosunError(error) ? error.code : 'unknown';
}
