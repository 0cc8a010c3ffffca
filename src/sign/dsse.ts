import { BosunError } from '../util/errors.ts';
import { isJsonObject, parseBoundedJson } from './json/bounded-json.ts';
import { encodeString } from './json/go-json.ts';
import type { PrivateKey, PublicKey } from './keys/types.ts';
import { signBlob, verifyBlob } from './signature.ts';

/** DSSE payload type of in-toto statements. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** Media type of a cosign attestation layer (a DSSE envelope) in an `.att` image. */
export const DSSE_ENVELOPE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';

export interface DsseSignature {
  readonly keyid: string;
  readonly sig: Buffer;
}

export interface DsseEnvelope {
  readonly payloadType: string;
  readonly payload: Buffer;
  readonly signatures: readonly DsseSignature[];
}

/** Pre-Authentication Encoding of DSSE v1: `DSSEv1 <len type> <type> <len body> <body>`, lengths in bytes. */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  const header = Buffer.from(`DSSEv1 ${type.length} ${payloadType} ${payload.byteLength} `, 'utf8');
  return Buffer.concat([header, payload]);
}

/** Signs `payload` into a one-signature envelope; `keyid` is "" as cosign writes it unless given. */
export function signDsse(
  key: PrivateKey,
  payloadType: string,
  payload: Uint8Array,
  keyid = '',
): DsseEnvelope {
  const sig = signBlob(key, preAuthEncoding(payloadType, payload));
  return { payloadType, payload: Buffer.from(payload), signatures: [{ keyid, sig }] };
}

/** True when any signature of the envelope verifies with `key` over the PAE of its payload. */
export function verifyDsse(envelope: DsseEnvelope, key: PublicKey): boolean {
  const pae = preAuthEncoding(envelope.payloadType, envelope.payload);
  return envelope.signatures.some((signature) => verifyBlob(key, pae, signature.sig));
}

/** Serialises an envelope as go-securesystemslib's dsse.Envelope marshals (cosign's `.att` layer). */
export function serializeDsse(envelope: DsseEnvelope): Buffer {
  const signatures = envelope.signatures
    .map((s) => `{"keyid":${encodeString(s.keyid)},"sig":"${s.sig.toString('base64')}"}`)
    .join(',');
  return Buffer.from(
    `{"payloadType":${encodeString(envelope.payloadType)},"payload":"${envelope.payload.toString('base64')}",` +
      `"signatures":[${signatures}]}`,
    'utf8',
  );
}

export interface ParseDsseOptions {
  readonly input?: string;
  /** Largest accepted envelope; 16 MiB unless told (SBOM attestations are large). */
  readonly maxBytes?: number;
  /** Most signatures accepted; 16 unless told. */
  readonly maxSignatures?: number;
}

/**
 * Parses a DSSE envelope JSON. Base64 fields may be standard or URL-safe, padded or not, as the
 * DSSE spec asks of readers. Errors: SIGN_ENVELOPE_INVALID, or LIMIT_EXCEEDED.
 */
export function parseDsse(bytes: Uint8Array | string, options: ParseDsseOptions = {}): DsseEnvelope {
  const input = options.input ?? 'DSSE envelope';
  const maxSignatures = options.maxSignatures ?? 16;
  const root = parseBoundedJson(
    bytes,
    input,
    { maxBytes: options.maxBytes ?? 16 * 1024 * 1024, maxDepth: 8 },
    'SIGN_ENVELOPE_INVALID',
  );
  const invalid = (what: string): BosunError =>
    new BosunError('SIGN_ENVELOPE_INVALID', `${input}: ${what}`, { details: { input } });
  if (!isJsonObject(root)) throw invalid('not a JSON object');
  const { payloadType, payload, signatures } = root;
  if (typeof payloadType !== 'string' || payloadType.length === 0) throw invalid('missing payloadType');
  const payloadBytes = decodeDsseBase64(payload);
  if (payloadBytes === undefined) throw invalid('payload is not base64');
  if (!Array.isArray(signatures) || signatures.length === 0) throw invalid('no signatures');
  if (signatures.length > maxSignatures) {
    throw new BosunError(
      'LIMIT_EXCEEDED',
      `${input}: signature count limit exceeded (${signatures.length} > ${maxSignatures})`,
      {
        details: { input, limit: 'signatures', value: signatures.length, max: maxSignatures },
      },
    );
  }
  const parsed: DsseSignature[] = [];
  for (const entry of signatures) {
    if (!isJsonObject(entry)) throw invalid('signature is not an object');
    const keyid = entry['keyid'] ?? '';
    if (typeof keyid !== 'string') throw invalid('keyid is not a string');
    const sigBytes = decodeDsseBase64(entry['sig']);
    if (sigBytes === undefined || sigBytes.length === 0) throw invalid('sig is not base64');
    parsed.push({ keyid, sig: sigBytes });
  }
  return { payloadType, payload: payloadBytes, signatures: parsed };
}

const ANY_BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Standard or URL-safe base64, padded or not; undefined when it is neither. */
export function decodeDsseBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || !ANY_BASE64.test(value)) return undefined;
  const unpadded = value.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return undefined;
  const urlSafe = /[-_]/.test(unpadded);
  if (urlSafe && /[+/]/.test(unpadded)) return undefined;
  return Buffer.from(unpadded, urlSafe ? 'base64url' : 'base64');
}
