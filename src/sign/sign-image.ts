/**
 * `cosign sign --key` against a registry: the legacy format (a simple-signing payload appended to
 * the `.sig` image, cosign ≤ v2) or the bundle format (a DSSE-signed in-toto `sign/v1` statement in
 * a Sigstore bundle attached as a referrer, cosign v3's default).
 */
import type { ImageReference, RegistryClient } from '../image/index.ts';
import { BosunError } from '../util/errors.ts';
import { createDsseBundle } from './bundle.ts';
import { IN_TOTO_PAYLOAD_TYPE } from './dsse.ts';
import { buildCosignSignStatement, buildStatement, PREDICATE_TYPES } from './in-toto.ts';
import type { PrivateKey } from './keys/types.ts';
import { signBlob } from './signature.ts';
import { prepareSignTarget, simpleSigningPayloadFor, storeBundle, storeLegacyLayer } from './sign-target.ts';
import { SIMPLE_SIGNING_MEDIA_TYPE } from './simple-signing.ts';
import {
  CERTIFICATE_ANNOTATION,
  CHAIN_ANNOTATION,
  SIGNATURE_ANNOTATION,
  type StorageOptions,
} from './storage/index.ts';

export type SignatureFormat = 'legacy' | 'bundle';

export interface SignImageOptions extends StorageOptions {
  /** The image; a tag is resolved to its digest first and the digest is signed. */
  readonly reference: string | ImageReference;
  readonly key: PrivateKey;
  /** `bundle` (cosign v3 default) unless told. */
  readonly format?: SignatureFormat;
  /** cosign `-a key=value`: signed claims verifiers can require. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Legacy format: PEM certificate and chain stored beside the signature (keyless-style signers). */
  readonly certificatePem?: string;
  readonly chainPem?: string;
  /** Client for the image's registry (push access to the storage repository). */
  readonly client: RegistryClient;
  /** Clock for creation timestamps (defaults to the system clock). */
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
}

export interface SignImageResult {
  readonly format: SignatureFormat;
  /** The signed image, `registry/repository[:tag]@digest`. */
  readonly reference: string;
  readonly digest: string;
  /** Warning flag: the reference was a tag, resolved to `digest` at signing time. */
  readonly resolvedFromTag: boolean;
  /** Where the signature went: repository, and the `.sig` tag (legacy) or referrer digest (bundle). */
  readonly stored: {
    readonly repository: string;
    readonly tag?: string;
    readonly manifestDigest: string;
  };
  /** Legacy: false when the identical signature was already in the `.sig` image. */
  readonly appended: boolean;
}

/** Signs an image and stores the signature in the registry. */
export async function signImage(options: SignImageOptions): Promise<SignImageResult> {
  const { key } = options;
  const prepared = await prepareSignTarget(options);
  const { format, target, base } = prepared;
  const annotations = options.annotations ?? {};
  switch (format) {
    case 'legacy': {
      const payload = simpleSigningPayloadFor(target, annotations);
      const layerAnnotations: Record<string, string> = {
        [SIGNATURE_ANNOTATION]: signBlob(key, payload).toString('base64'),
      };
      if (options.certificatePem !== undefined)
        layerAnnotations[CERTIFICATE_ANNOTATION] = options.certificatePem;
      if (options.chainPem !== undefined) layerAnnotations[CHAIN_ANNOTATION] = options.chainPem;
      const layer = { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, bytes: payload, annotations: layerAnnotations };
      return { ...base, ...(await storeLegacyLayer(prepared, 'sig', layer)) };
    }
    case 'bundle': {
      if (options.certificatePem !== undefined || options.chainPem !== undefined) {
        throw new BosunError('SIGN_OPTIONS_INVALID', 'certificates are stored in the legacy format only', {
          details: { input: 'certificatePem' },
        });
      }
      const statement = buildStatement(buildCosignSignStatement(target.digest, annotations));
      const bundle = createDsseBundle(key, IN_TOTO_PAYLOAD_TYPE, statement);
      return { ...base, ...(await storeBundle(prepared, bundle, PREDICATE_TYPES.sign)) };
    }
  }
}
