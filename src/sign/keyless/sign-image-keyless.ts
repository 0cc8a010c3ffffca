/**
 * `cosign sign` / `cosign attest` without a key: the same payloads and storage as the key-based
 * commands (bundle referrer by default, or the `.sig` / `.att` layer with the certificate and
 * Rekor bundle annotations cosign ≤ v2 writes), signed through Fulcio and Rekor.
 */
import type { Bundle } from '@sigstore/bundle';
import type { ImageReference, RegistryClient } from '../../image/index.ts';
import { BosunError } from '../../util/errors.ts';
import { DSSE_ENVELOPE_MEDIA_TYPE, IN_TOTO_PAYLOAD_TYPE, serializeDsse, type DsseEnvelope } from '../dsse.ts';
import { buildCosignSignStatement, buildStatement, PREDICATE_TYPES } from '../in-toto.ts';
import type { SignatureFormat, SignImageResult } from '../sign-image.ts';
import {
  cosignAttestationFor,
  prepareSignTarget,
  simpleSigningPayloadFor,
  storeBundle,
  storeLegacyLayer,
} from '../sign-target.ts';
import { SIMPLE_SIGNING_MEDIA_TYPE } from '../simple-signing.ts';
import {
  CERTIFICATE_ANNOTATION,
  PREDICATE_TYPE_ANNOTATION,
  REKOR_BUNDLE_ANNOTATION,
  SIGNATURE_ANNOTATION,
  type StorageOptions,
} from '../storage/index.ts';
import {
  serializeBundle,
  signDsseKeyless,
  signMessageKeyless,
  type KeylessSigningOptions,
} from './keyless-signer.ts';
import { legacyAnnotationsFromBundle } from './legacy-bundle.ts';

export interface SignImageKeylessOptions extends StorageOptions, KeylessSigningOptions {
  /** The image; a tag is resolved to its digest first and the digest is signed. */
  readonly reference: string | ImageReference;
  /** `bundle` (cosign v3 default) unless told. */
  readonly format?: SignatureFormat;
  /** cosign `-a key=value`: signed claims. */
  readonly annotations?: Readonly<Record<string, string>>;
  readonly client: RegistryClient;
  readonly now?: () => Date;
}

export interface KeylessSignResult extends SignImageResult {
  /** The Sigstore bundle made (legacy format: the material that went into the annotations). */
  readonly bundle: Buffer;
}

/** Signs an image keylessly and stores the signature. Errors: SIGN_KEYLESS_SERVICE, SIGN_IDENTITY_TOKEN_INVALID, registry codes. */
export async function signImageKeyless(options: SignImageKeylessOptions): Promise<KeylessSignResult> {
  const prepared = await prepareSignTarget(options);
  const { format, target, base } = prepared;
  const annotations = options.annotations ?? {};
  switch (format) {
    case 'legacy': {
      const payload = simpleSigningPayloadFor(target, annotations);
      const bundle = await signMessageKeyless(options, payload);
      if (bundle.content.$case !== 'messageSignature')
        throw new BosunError('INTERNAL', 'expected a message signature');
      const layer = {
        mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
        bytes: payload,
        annotations: {
          [SIGNATURE_ANNOTATION]: Buffer.from(bundle.content.messageSignature.signature).toString('base64'),
          ...legacyAnnotations(bundle),
        },
      };
      return {
        ...base,
        ...(await storeLegacyLayer(prepared, 'sig', layer)),
        bundle: serializeBundle(bundle),
      };
    }
    case 'bundle': {
      const statement = buildStatement(buildCosignSignStatement(target.digest, annotations));
      const bundle = serializeBundle(await signDsseKeyless(options, IN_TOTO_PAYLOAD_TYPE, statement));
      return { ...base, ...(await storeBundle(prepared, bundle, PREDICATE_TYPES.sign)), bundle };
    }
  }
}

export interface AttestImageKeylessOptions extends StorageOptions, KeylessSigningOptions {
  readonly reference: string | ImageReference;
  /** cosign `--type` (see attestImage). */
  readonly type: string;
  readonly predicate: Uint8Array;
  readonly format?: SignatureFormat;
  readonly client: RegistryClient;
  readonly now?: () => Date;
}

export interface KeylessAttestResult extends KeylessSignResult {
  readonly predicateType: string;
}

/** Attests an image keylessly and stores the attestation. */
export async function attestImageKeyless(options: AttestImageKeylessOptions): Promise<KeylessAttestResult> {
  const prepared = await prepareSignTarget(options);
  const { format, target } = prepared;
  const statement = cosignAttestationFor(target, options.type, options.predicate, prepared.now);
  const predicateType = statement.predicateType;
  const bundle = await signDsseKeyless(options, IN_TOTO_PAYLOAD_TYPE, buildStatement(statement));
  const base = { ...prepared.base, predicateType, bundle: serializeBundle(bundle) };
  switch (format) {
    case 'legacy': {
      if (bundle.content.$case !== 'dsseEnvelope')
        throw new BosunError('INTERNAL', 'expected a DSSE envelope');
      const envelope: DsseEnvelope = {
        payloadType: bundle.content.dsseEnvelope.payloadType,
        payload: Buffer.from(bundle.content.dsseEnvelope.payload),
        signatures: bundle.content.dsseEnvelope.signatures.map((s) => ({
          keyid: s.keyid,
          sig: Buffer.from(s.sig),
        })),
      };
      const layer = {
        mediaType: DSSE_ENVELOPE_MEDIA_TYPE,
        bytes: serializeDsse(envelope),
        annotations: {
          [SIGNATURE_ANNOTATION]: '',
          [PREDICATE_TYPE_ANNOTATION]: predicateType,
          ...legacyAnnotations(bundle),
        },
      };
      return { ...base, ...(await storeLegacyLayer(prepared, 'att', layer)) };
    }
    case 'bundle': {
      return { ...base, ...(await storeBundle(prepared, base.bundle, predicateType)) };
    }
  }
}

function legacyAnnotations(bundle: Bundle): Record<string, string> {
  const material = legacyAnnotationsFromBundle(bundle);
  if (material === undefined) {
    throw new BosunError('SIGN_KEYLESS_SERVICE', 'Rekor returned no signed entry timestamp', {
      details: { reason: 'no-inclusion-promise' },
    });
  }
  return {
    [CERTIFICATE_ANNOTATION]: material.certificatePem,
    [REKOR_BUNDLE_ANNOTATION]: material.rekorBundle,
  };
}
