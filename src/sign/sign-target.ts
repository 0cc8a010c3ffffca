/**
 * The steps every image signer shares (`cosign sign` / `cosign attest`, with a key or keyless):
 * resolve the reference to a digest, find where signatures are stored, stamp the time, and build
 * the payloads that name the image.
 */
import type { Descriptor, ImageReference, RegistryClient } from '../image/index.ts';
import { BosunError } from '../util/errors.ts';
import { buildCosignAttestation, type Statement } from './in-toto.ts';
import type { SignatureFormat } from './sign-image.ts';
import { buildSimpleSigningPayload } from './simple-signing.ts';
import {
  appendSignatureLayer,
  attachBundle,
  cosignRepositoryName,
  cosignTag,
  resolveTarget,
  storageLocation,
  type AppendLayerOptions,
  type NewSignatureLayer,
  type ResolvedTarget,
  type StorageLocation,
  type StorageOptions,
} from './storage/index.ts';

export interface SignTargetOptions extends StorageOptions {
  readonly reference: string | ImageReference;
  /** `bundle` (cosign v3 default) unless told. */
  readonly format?: SignatureFormat;
  readonly client: RegistryClient;
  /** Clock for creation timestamps (defaults to the system clock). */
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
}

export interface SignTarget {
  readonly format: SignatureFormat;
  readonly target: ResolvedTarget;
  /** The image manifest's descriptor: the `subject` of a bundle referrer. */
  readonly subject: Descriptor;
  readonly location: StorageLocation;
  /** `registry/repository` where the signature is stored. */
  readonly repository: string;
  readonly now: Date;
  /** `now` as cosign's `created` stamp. */
  readonly created: string;
  readonly withSignal: { readonly signal?: AbortSignal };
  /** The fields every sign/attest result starts with. */
  readonly base: {
    readonly format: SignatureFormat;
    readonly reference: string;
    readonly digest: string;
    readonly resolvedFromTag: boolean;
  };
}

/** Resolves the image to sign and where its signature goes; reads the clock once. */
export async function prepareSignTarget(options: SignTargetOptions): Promise<SignTarget> {
  const { client, signal } = options;
  const format = options.format ?? 'bundle';
  const withSignal = signal === undefined ? {} : { signal };
  const target = await resolveTarget(options.reference, client, withSignal);
  const subject = target.descriptor;
  if (subject === undefined) throw new BosunError('INTERNAL', 'resolveTarget returned no descriptor');
  const location = storageLocation(target.image, client, options);
  const now = (options.now ?? (() => new Date()))();
  return {
    format,
    target,
    subject,
    location,
    repository: `${location.registry}/${location.repository}`,
    now,
    created: rfc3339(now),
    withSignal,
    base: {
      format,
      reference: target.pinned,
      digest: target.digest,
      resolvedFromTag: target.resolvedFromTag,
    },
  };
}

/** Where a signature went: the `.sig`/`.att` tag (legacy) or the referrer's digest (bundle). */
export interface StoredSignature {
  readonly stored: { readonly repository: string; readonly tag?: string; readonly manifestDigest: string };
  /** Legacy: false when the identical layer was already there. */
  readonly appended: boolean;
}

/** Legacy format: appends the layer to the image's `.sig` or `.att` tag image. */
export async function storeLegacyLayer(
  prepared: SignTarget,
  suffix: 'sig' | 'att',
  layer: NewSignatureLayer,
  replace?: AppendLayerOptions['replace'],
): Promise<StoredSignature> {
  const { target, location, repository, created, withSignal } = prepared;
  const tag = cosignTag(target.digest, suffix);
  const result = await appendSignatureLayer(location, tag, layer, {
    created,
    ...(replace === undefined ? {} : { replace }),
    ...withSignal,
  });
  return { stored: { repository, tag, manifestDigest: result.manifestDigest }, appended: result.appended };
}

/** Bundle format: attaches the Sigstore bundle to the image as a referrer. */
export async function storeBundle(
  prepared: SignTarget,
  bundle: Uint8Array,
  predicateType: string,
): Promise<StoredSignature> {
  const { location, subject, repository, created, withSignal } = prepared;
  const result = await attachBundle(location, subject, bundle, predicateType, { created, ...withSignal });
  return { stored: { repository, manifestDigest: result.manifestDigest }, appended: true };
}

/** The legacy `.sig` payload: a simple-signing document naming the image and its claims. */
export function simpleSigningPayloadFor(
  target: ResolvedTarget,
  annotations: Readonly<Record<string, string>>,
): Buffer {
  return buildSimpleSigningPayload({
    dockerReference: cosignRepositoryName(target.image),
    manifestDigest: target.digest,
    annotations: Object.keys(annotations).length === 0 ? null : annotations,
  });
}

/** cosign attest's in-toto statement about the image, from `--type` and the predicate file. */
export function cosignAttestationFor(
  target: ResolvedTarget,
  type: string,
  predicate: Uint8Array,
  now: Date,
): Statement {
  return buildCosignAttestation({
    type,
    predicate,
    repository: cosignRepositoryName(target.image),
    manifestDigest: target.digest,
    timestamp: now,
  });
}

/** Go's `time.RFC3339` in UTC: whole seconds, `Z` (cosign's created stamps). */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
