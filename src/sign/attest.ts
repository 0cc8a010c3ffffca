/**
 * `cosign attest --key` against a registry: an in-toto statement about the image digest, signed as
 * a DSSE envelope and stored as a layer of the `.att` image (legacy) or as a Sigstore bundle
 * referrer (bundle format, cosign v3).
 */
import type { ImageReference, RegistryClient } from '../image/index.ts';
import { createDsseBundle } from './bundle.ts';
import { DSSE_ENVELOPE_MEDIA_TYPE, IN_TOTO_PAYLOAD_TYPE, serializeDsse, signDsse } from './dsse.ts';
import { buildStatement } from './in-toto.ts';
import type { PrivateKey } from './keys/types.ts';
import type { SignatureFormat } from './sign-image.ts';
import { cosignAttestationFor, prepareSignTarget, storeBundle, storeLegacyLayer } from './sign-target.ts';
import {
  PREDICATE_TYPE_ANNOTATION,
  SIGNATURE_ANNOTATION,
  type SignatureLayerDescriptor,
  type StorageOptions,
} from './storage/index.ts';

export interface AttestImageOptions extends StorageOptions {
  readonly reference: string | ImageReference;
  readonly key: PrivateKey;
  /** cosign `--type`: `cyclonedx`, `spdxjson`, `spdx`, `vuln`, `custom`, `slsaprovenance*`, `link`, or a URI. */
  readonly type: string;
  /** The predicate file's bytes (JSON, or any text for `custom`/`spdx`). */
  readonly predicate: Uint8Array;
  /** `bundle` (cosign v3 default) unless told. */
  readonly format?: SignatureFormat;
  /** Legacy: drop existing attestations of the same predicate type (cosign `--replace`). */
  readonly replace?: boolean;
  readonly client: RegistryClient;
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
}

export interface AttestImageResult {
  readonly format: SignatureFormat;
  readonly reference: string;
  readonly digest: string;
  readonly resolvedFromTag: boolean;
  readonly predicateType: string;
  readonly stored: { readonly repository: string; readonly tag?: string; readonly manifestDigest: string };
  readonly appended: boolean;
}

/** Attests an image and stores the attestation in the registry. */
export async function attestImage(options: AttestImageOptions): Promise<AttestImageResult> {
  const { key } = options;
  const prepared = await prepareSignTarget(options);
  const { format, target } = prepared;
  const statement = cosignAttestationFor(target, options.type, options.predicate, prepared.now);
  const statementBytes = buildStatement(statement);
  const predicateType = statement.predicateType;
  const base = { ...prepared.base, predicateType };
  switch (format) {
    case 'legacy': {
      const envelope = serializeDsse(signDsse(key, IN_TOTO_PAYLOAD_TYPE, statementBytes));
      // cosign's static attestation layer: the signature lives in the envelope, the annotation is "".
      const layer = {
        mediaType: DSSE_ENVELOPE_MEDIA_TYPE,
        bytes: envelope,
        annotations: { [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: predicateType },
      };
      const replace =
        options.replace === true
          ? (stored: SignatureLayerDescriptor) =>
              stored.annotations[PREDICATE_TYPE_ANNOTATION] === predicateType
          : undefined;
      return { ...base, ...(await storeLegacyLayer(prepared, 'att', layer, replace)) };
    }
    case 'bundle': {
      const bundle = createDsseBundle(key, IN_TOTO_PAYLOAD_TYPE, statementBytes);
      return { ...base, ...(await storeBundle(prepared, bundle, predicateType)) };
    }
  }
}
