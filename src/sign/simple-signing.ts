import { parseDigest } from '../util/digest.ts';
import { BosunError } from '../util/errors.ts';
import { goField } from './json/go-fields.ts';
import { isJsonObject, parseBoundedJson } from './json/bounded-json.ts';
import { encodeString, marshalGoJson, type JsonValue } from './json/go-json.ts';

/** `critical.type` of a cosign simple-signing payload. */
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';
/** Media type of the layer that carries the payload in a `.sig` image. */
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';

export type Annotations = { readonly [key: string]: JsonValue };

export interface SimpleSigningPayload {
  /** `critical.identity.docker-reference`: the repository (or claimed identity) that was signed. */
  readonly dockerReference: string;
  /** `critical.image.docker-manifest-digest`: `sha256:<hex>`. */
  readonly manifestDigest: string;
  /** `optional`: cosign's `-a key=value` annotations, or null when none were given. */
  readonly annotations: Annotations | null;
}

/** Largest payload accepted on parse: cosign's are a few hundred bytes plus annotations. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

const REFERENCE = /^[\x21-\x7e]{1,1024}$/;

/**
 * Builds the exact payload bytes `cosign sign` signs (sigstore `payload.Cosign.MarshalJSON`:
 * Go's json.Marshal of `{critical:{identity,image,type},optional}`). `dockerReference` is the
 * repository as go-containerregistry names it (`index.docker.io/library/nginx` for `nginx`).
 */
export function buildSimpleSigningPayload(payload: SimpleSigningPayload): Buffer {
  checkReference(payload.dockerReference, 'docker-reference');
  parseDigest(payload.manifestDigest, 'docker-manifest-digest');
  const optional = payload.annotations === null ? 'null' : marshalGoJson(payload.annotations);
  const json =
    `{"critical":{"identity":{"docker-reference":${encodeString(payload.dockerReference)}},` +
    `"image":{"docker-manifest-digest":${encodeString(payload.manifestDigest)}},` +
    `"type":${encodeString(COSIGN_SIGNATURE_TYPE)}},"optional":${optional}}`;
  return Buffer.from(json, 'utf8');
}

export interface ParsePayloadOptions {
  readonly input?: string;
  readonly maxBytes?: number;
}

/**
 * Parses a simple-signing payload as cosign reads it (sigstore `payload.Cosign.UnmarshalJSON`):
 * the type must be cosign's, the reference and digest well formed. Parsing proves nothing about
 * who signed it: verify the signature over these exact bytes first. Errors: SIGN_PAYLOAD_INVALID,
 * or LIMIT_EXCEEDED over `maxBytes`.
 */
export function parseSimpleSigningPayload(
  bytes: Uint8Array | string,
  options: ParsePayloadOptions = {},
): SimpleSigningPayload {
  const input = options.input ?? 'signature payload';
  const root = parseBoundedJson(
    bytes,
    input,
    { maxBytes: options.maxBytes ?? MAX_PAYLOAD_BYTES, maxDepth: 64 },
    'SIGN_PAYLOAD_INVALID',
  );
  const invalid = (what: string): BosunError =>
    new BosunError('SIGN_PAYLOAD_INVALID', `${input}: ${what}`, { details: { input } });
  if (!isJsonObject(root)) throw invalid('not a JSON object');
  const critical = goField(root, 'critical');
  if (!isJsonObject(critical)) throw invalid('missing "critical"');
  const type = goField(critical, 'type');
  if (type !== COSIGN_SIGNATURE_TYPE) throw invalid(`unknown payload type ${JSON.stringify(type ?? null)}`);
  const identity = goField(critical, 'identity');
  const image = goField(critical, 'image');
  const reference = isJsonObject(identity) ? goField(identity, 'docker-reference') : undefined;
  const digest = isJsonObject(image) ? goField(image, 'docker-manifest-digest') : undefined;
  if (typeof reference !== 'string' || !REFERENCE.test(reference))
    throw invalid('malformed docker-reference');
  if (typeof digest !== 'string') throw invalid('missing docker-manifest-digest');
  try {
    parseDigest(digest, 'docker-manifest-digest');
  } catch (cause) {
    throw new BosunError('SIGN_PAYLOAD_INVALID', `${input}: malformed docker-manifest-digest`, {
      cause,
      details: { input },
    });
  }
  const optional = goField(root, 'optional');
  if (optional !== undefined && optional !== null && !isJsonObject(optional))
    throw invalid('"optional" is not an object');
  return { dockerReference: reference, manifestDigest: digest, annotations: optional ?? null };
}

function checkReference(reference: string, input: string): void {
  if (!REFERENCE.test(reference)) {
    throw new BosunError(
      'SIGN_PAYLOAD_INVALID',
      `${input}: must be 1-1024 printable ASCII characters without spaces`,
      {
        details: { input },
      },
    );
  }
}
