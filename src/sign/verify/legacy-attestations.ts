/**
 * Legacy attestations (cosign ≤ v2): each layer of the `sha256-<hex>.att` image is a DSSE envelope
 * over an in-toto statement; the signature lives in the envelope, the `predicateType` annotation is
 * an unsigned hint.
 */
import { isBosunError } from '../../util/errors.ts';
import { DSSE_ENVELOPE_MEDIA_TYPE, parseDsse, verifyDsse, type DsseEnvelope } from '../dsse.ts';
import { PREDICATE_TYPE_ANNOTATION, type SignatureLayerDescriptor } from '../storage/index.ts';
import {
  fail,
  fetchLayer,
  mapLimited,
  partitionChecked,
  type CheckContext,
  type Checked,
} from './context.ts';
import { readSignatureImage } from './legacy-signatures.ts';
import { checkKeylessLayer } from './keyless-check.ts';
import { checkSignedStatement, type StatementSigner, type VerifiedStatement } from './signed-statement.ts';
import type { VerificationFailure, VerificationSource } from './types.ts';

export async function checkLegacyAttestations(
  context: CheckContext,
  wanted: (predicateType: string) => boolean,
): Promise<{ readonly verified: VerifiedStatement[]; readonly failures: VerificationFailure[] }> {
  const image = await readSignatureImage(context, 'att');
  if (!image.ok) return { verified: [], failures: [image.failure] };
  const results = await mapLimited(image.layers, 8, (layer) =>
    checkAttestationLayer(context, layer, wanted, {
      format: 'legacy',
      manifestDigest: image.manifestDigest,
      layerDigest: layer.digest,
    }),
  );
  return partitionChecked(results);
}

async function checkAttestationLayer(
  context: CheckContext,
  layer: SignatureLayerDescriptor,
  wanted: (predicateType: string) => boolean,
  source: VerificationSource,
): Promise<Checked<VerifiedStatement> | undefined> {
  const claimed = layer.annotations[PREDICATE_TYPE_ANNOTATION];
  if (claimed !== undefined && !wanted(claimed)) return undefined;
  if (layer.mediaType !== DSSE_ENVELOPE_MEDIA_TYPE)
    return fail('unsupported-layer', source, layer.mediaType.slice(0, 200));
  const fetched = await fetchLayer(context, layer, context.limits.maxEnvelopeBytes, source);
  if (!fetched.ok) return fetched;
  let envelope;
  try {
    envelope = parseDsse(fetched.value, {
      input: `attestation ${layer.digest}`,
      maxBytes: context.limits.maxEnvelopeBytes,
    });
  } catch (error) {
    if (isBosunError(error)) return fail('payload-invalid', source, error.code);
    throw error;
  }
  const signer = checkEnvelopeSigner(context, layer, envelope, source);
  if (!signer.ok) return signer;
  return checkSignedStatement(context, envelope, signer.value, wanted, claimed, source, layer.digest);
}

function checkEnvelopeSigner(
  context: CheckContext,
  layer: SignatureLayerDescriptor,
  envelope: DsseEnvelope,
  source: VerificationSource,
): Checked<StatementSigner> {
  if (context.keyless !== undefined) {
    return checkKeylessLayer(context.keyless, layer.annotations, { kind: 'dsse', envelope }, source);
  }
  const keyIndex = context.keys.findIndex((key) => verifyDsse(envelope, key));
  const key = context.keys[keyIndex];
  if (key === undefined) return fail('signature-mismatch', source);
  return { ok: true, value: { keyIndex, keyHint: key.hint } };
}
