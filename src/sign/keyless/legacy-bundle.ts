/**
 * Keyless signatures in cosign ≤ v2's `.sig` / `.att` images carry their verification material in
 * layer annotations: the Fulcio leaf (`dev.sigstore.cosign/certificate`, PEM), its chain
 * (`dev.sigstore.cosign/chain`, advisory: the trusted root decides) and the Rekor bundle
 * (`dev.sigstore.cosign/bundle`: `{SignedEntryTimestamp, Payload:{body, integratedTime,
 * logIndex, logID}}`, cosign `pkg/cosign/bundle.RekorBundle`). They are exactly a v0.1 Sigstore
 * bundle's material, so a layer is verified by turning it into that bundle.
 */
import { assertBundle, bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { createHash } from 'node:crypto';
import { isBosunError } from '../../util/errors.ts';
import type { DsseEnvelope } from '../dsse.ts';
import { isJsonObject, parseBoundedJson } from '../json/bounded-json.ts';
import type { JsonValue } from '../json/go-json.ts';
import { decodePem, encodePem } from '../keys/pem.ts';

const V01_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle+json;version=0.1';
/** Rekor bundles above this are refused (bodies of `intoto` entries hold whole envelopes). */
const MAX_REKOR_BUNDLE = 4 * 1024 * 1024;

/** What a legacy layer signs: a simple-signing payload (`.sig`) or a DSSE envelope (`.att`). */
export type LegacyContent =
  | { readonly kind: 'message'; readonly payload: Uint8Array; readonly signature: Uint8Array }
  | { readonly kind: 'dsse'; readonly envelope: DsseEnvelope };

/** The Bundle, or why the annotations cannot form one. */
export type LegacyBundle =
  | { readonly ok: true; readonly bundle: Bundle }
  | {
      readonly ok: false;
      readonly reason: 'certificate-missing' | 'tlog-invalid' | 'bundle-invalid';
      readonly detail?: string;
    };

/** Builds the v0.1 bundle equivalent to a keyless legacy layer. Never throws on bad input. */
export function bundleFromLegacy(
  certificatePem: string | undefined,
  rekorBundle: string | undefined,
  content: LegacyContent,
): LegacyBundle {
  if (certificatePem === undefined || certificatePem === '')
    return { ok: false, reason: 'certificate-missing' };
  if (rekorBundle === undefined || rekorBundle === '')
    return { ok: false, reason: 'tlog-invalid', detail: 'no bundle annotation' };
  let certificate: Buffer;
  try {
    const block = decodePem(certificatePem, 'certificate annotation');
    if (block.label !== 'CERTIFICATE')
      return { ok: false, reason: 'bundle-invalid', detail: 'certificate PEM label' };
    certificate = block.der;
  } catch (error) {
    if (isBosunError(error)) return { ok: false, reason: 'bundle-invalid', detail: error.code };
    throw error;
  }
  const entry = tlogEntry(rekorBundle);
  if (!entry.ok) return entry;
  const json = {
    mediaType: V01_MEDIA_TYPE,
    verificationMaterial: {
      x509CertificateChain: { certificates: [{ rawBytes: certificate.toString('base64') }] },
      tlogEntries: [entry.value],
    },
    ...(content.kind === 'message'
      ? {
          messageSignature: {
            messageDigest: {
              algorithm: 'SHA2_256',
              digest: createHash('sha256').update(content.payload).digest('base64'),
            },
            signature: Buffer.from(content.signature).toString('base64'),
          },
        }
      : {
          dsseEnvelope: {
            payload: content.envelope.payload.toString('base64'),
            payloadType: content.envelope.payloadType,
            signatures: content.envelope.signatures.map((s) => ({
              sig: s.sig.toString('base64'),
              keyid: s.keyid,
            })),
          },
        }),
  };
  try {
    const bundle = bundleFromJSON(json);
    assertBundle(bundle);
    return { ok: true, bundle };
  } catch {
    return { ok: false, reason: 'bundle-invalid', detail: 'bundle' };
  }
}

type Entry =
  | { readonly ok: true; readonly value: object }
  | { readonly ok: false; readonly reason: 'tlog-invalid'; readonly detail: string };

function tlogEntry(text: string): Entry {
  const bad = (detail: string): Entry => ({ ok: false, reason: 'tlog-invalid', detail });
  let json: JsonValue;
  try {
    json = parseBoundedJson(
      text,
      'Rekor bundle annotation',
      { maxBytes: MAX_REKOR_BUNDLE, maxDepth: 8 },
      'SIGN_BUNDLE_INVALID',
    );
  } catch (error) {
    if (isBosunError(error)) return bad(error.code);
    throw error;
  }
  const root = object(json);
  const payload = object(root?.['Payload']);
  const set = root?.['SignedEntryTimestamp'];
  const body = payload?.['body'];
  const integratedTime = payload?.['integratedTime'];
  const logIndex = payload?.['logIndex'];
  const logID = payload?.['logID'];
  if (typeof set !== 'string' || !isBase64(set)) return bad('SignedEntryTimestamp');
  if (typeof body !== 'string' || !isBase64(body)) return bad('Payload.body');
  if (!isCount(integratedTime)) return bad('Payload.integratedTime');
  if (!isCount(logIndex)) return bad('Payload.logIndex');
  if (typeof logID !== 'string' || !/^(?:[0-9a-f]{2}){1,64}$/.test(logID)) return bad('Payload.logID');
  // The entry kind lives in the body; @sigstore/verify checks the rest of it against the signature.
  let kind: JsonValue;
  try {
    kind = JSON.parse(Buffer.from(body, 'base64').toString('utf8')) as JsonValue;
  } catch {
    return bad('Payload.body JSON');
  }
  const k = object(kind)?.['kind'];
  const version = object(kind)?.['apiVersion'];
  if (typeof k !== 'string' || typeof version !== 'string') return bad('Payload.body kind');
  return {
    ok: true,
    value: {
      logIndex: String(logIndex),
      logId: { keyId: Buffer.from(logID, 'hex').toString('base64') },
      kindVersion: { kind: k, version },
      integratedTime: String(integratedTime),
      inclusionPromise: { signedEntryTimestamp: set },
      canonicalizedBody: body,
    },
  };
}

/**
 * The legacy annotations for a keyless bundle (its leaf certificate and first log entry with a
 * SET), as cosign ≤ v2 writes them; undefined when the bundle has neither.
 */
export function legacyAnnotationsFromBundle(
  bundle: Bundle,
): { readonly certificatePem: string; readonly rekorBundle: string } | undefined {
  const material = bundle.verificationMaterial.content;
  const der =
    material.$case === 'certificate'
      ? material.certificate.rawBytes
      : material.$case === 'x509CertificateChain'
        ? material.x509CertificateChain.certificates[0]?.rawBytes
        : undefined;
  const entry = bundle.verificationMaterial.tlogEntries.find((e) => e.inclusionPromise !== undefined);
  if (der === undefined || entry?.inclusionPromise === undefined) return undefined;
  const rekorBundle = JSON.stringify({
    SignedEntryTimestamp: Buffer.from(entry.inclusionPromise.signedEntryTimestamp).toString('base64'),
    Payload: {
      body: Buffer.from(entry.canonicalizedBody).toString('base64'),
      integratedTime: Number(entry.integratedTime),
      logIndex: Number(entry.logIndex),
      logID: Buffer.from(entry.logId?.keyId ?? []).toString('hex'),
    },
  });
  return { certificatePem: encodePem('CERTIFICATE', der), rekorBundle };
}

function object(value: JsonValue | undefined): { readonly [key: string]: JsonValue } | undefined {
  return isJsonObject(value) ? value : undefined;
}

function isCount(value: JsonValue | undefined): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isBase64(text: string): boolean {
  return text.length > 0 && /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text);
}
