/**
 * Legacy signatures (cosign ≤ v2): each layer of the `sha256-<hex>.sig` image is a simple-signing
 * payload with its base64 signature in an annotation. As cosign verifies them: the signature over
 * the payload bytes first, then the payload's claims (`docker-manifest-digest` must be this image's).
 */
import { isBosunError } from '../../util/errors.ts';
import { parseSimpleSigningPayload, SIMPLE_SIGNING_MEDIA_TYPE } from '../simple-signing.ts';
import { verifyBlob } from '../signature.ts';
import {
  CERTIFICATE_ANNOTATION,
  cosignTag,
  errorCode,
  fetchTag,
  isUnreadable,
  SIGNATURE_ANNOTATION,
  signatureLayers,
  type SignatureLayerDescriptor,
} from '../storage/index.ts';
import {
  decodeStdBase64,
  fail,
  fetchLayer,
  mapLimited,
  partitionChecked,
  type CheckContext,
  type Checked,
} from './context.ts';
import { checkKeylessLayer } from './keyless-check.ts';
import type {
  KeylessSignerInfo,
  VerificationFailure,
  VerificationSource,
  VerifiedSignature,
} from './types.ts';

export type LegacySignature = Extract<VerifiedSignature, { format: 'legacy' }>;

/** The layers of the `.sig` image (none when the tag is absent), or a storage failure. */
export async function readSignatureImage(
  context: CheckContext,
  suffix: 'sig' | 'att',
): Promise<
  | {
      readonly ok: true;
      readonly manifestDigest: string;
      readonly layers: readonly SignatureLayerDescriptor[];
    }
  | { readonly ok: false; readonly failure: VerificationFailure }
> {
  const { location } = context;
  const tag = cosignTag(context.digest, suffix);
  const input = `${location.registry}/${location.repository}:${tag}`;
  try {
    const fetched = await fetchTag(location, tag, context.signal);
    if (fetched === undefined) return { ok: true, manifestDigest: '', layers: [] };
    const layers = signatureLayers(fetched, input, { maxLayers: context.limits.maxLayers });
    return { ok: true, manifestDigest: fetched.digest, layers };
  } catch (error) {
    if (isUnreadable(error)) {
      return {
        ok: false,
        failure: {
          reason: 'storage-invalid',
          source: { format: 'legacy', manifestDigest: tag },
          detail: errorCode(error),
        },
      };
    }
    throw error;
  }
}

/** Every `.sig` layer checked: verified signatures (claims about this digest) and failures. */
export async function checkLegacySignatures(
  context: CheckContext,
): Promise<{ readonly verified: LegacySignature[]; readonly failures: VerificationFailure[] }> {
  const image = await readSignatureImage(context, 'sig');
  if (!image.ok) return { verified: [], failures: [image.failure] };
  const results = await mapLimited(image.layers, 8, (layer) =>
    checkLegacyLayer(context, layer, {
      format: 'legacy',
      manifestDigest: image.manifestDigest,
      layerDigest: layer.digest,
    }),
  );
  return partitionChecked(results);
}

async function checkLegacyLayer(
  context: CheckContext,
  layer: SignatureLayerDescriptor,
  source: VerificationSource,
): Promise<Checked<LegacySignature>> {
  if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE)
    return fail('unsupported-layer', source, layer.mediaType.slice(0, 200));
  const signatureText = layer.annotations[SIGNATURE_ANNOTATION];
  const signature = decodeStdBase64(signatureText);
  if (signature === undefined || signatureText === undefined) return fail('signature-missing', source);
  const fetched = await fetchLayer(context, layer, context.limits.maxPayloadBytes, source);
  if (!fetched.ok) return fetched;
  const payloadBytes = Buffer.from(fetched.value);
  const signer = checkSigner(context, layer, payloadBytes, signature, source);
  if (!signer.ok) return signer;
  let payload;
  try {
    payload = parseSimpleSigningPayload(payloadBytes, { input: `signature payload ${layer.digest}` });
  } catch (error) {
    if (isBosunError(error)) return fail('payload-invalid', source, error.code);
    throw error;
  }
  if (payload.manifestDigest !== context.digest)
    return fail('digest-mismatch', source, payload.manifestDigest);
  const certificatePem = layer.annotations[CERTIFICATE_ANNOTATION];
  return {
    ok: true,
    value: {
      format: 'legacy',
      source,
      keyIndex: signer.value.keyIndex,
      keyHint: signer.value.keyHint,
      ...(signer.value.signer === undefined ? {} : { signer: signer.value.signer }),
      manifestDigest: payload.manifestDigest,
      annotations: payload.annotations,
      payloadBytes,
      payload,
      signature: signatureText,
      ...(certificatePem === undefined || certificatePem === '' ? {} : { certificatePem }),
    },
  };
}

/** The trusted key (or, keyless, the certificate identity) that signed the payload. */
function checkSigner(
  context: CheckContext,
  layer: SignatureLayerDescriptor,
  payload: Buffer,
  signature: Buffer,
  source: VerificationSource,
): Checked<{ keyIndex: number; keyHint: string; signer?: KeylessSignerInfo }> {
  if (context.keyless !== undefined) {
    return checkKeylessLayer(
      context.keyless,
      layer.annotations,
      { kind: 'message', payload, signature },
      source,
    );
  }
  const keyIndex = context.keys.findIndex((key) => verifyBlob(key, payload, signature));
  const key = context.keys[keyIndex];
  if (key === undefined) return fail('signature-mismatch', source);
  return { ok: true, value: { keyIndex, keyHint: key.hint } };
}
