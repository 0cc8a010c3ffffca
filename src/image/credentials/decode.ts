import { BosunError } from '../../util/errors.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Strict standard base64 (RFC 4648 §4), as Go's StdEncoding reads docker `auth` values and
 * Kubernetes `data`; line breaks are ignored like Go does, unpadded input is accepted. Returns
 * undefined on malformed input so callers can name what was malformed without echoing it.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/[\r\n]/g, '');
  if (!BASE64.test(compact)) return undefined;
  const padded = compact.includes('=');
  if (padded ? compact.length % 4 !== 0 : compact.length % 4 === 1) return undefined;
  return Buffer.from(compact, 'base64');
}

/** UTF-8 text, or undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A CREDENTIALS_INVALID error naming the source (file, secret) and what is wrong, never the content. */
export function credentialsInvalid(source: string, what: string, cause?: unknown): BosunError {
  return new BosunError('CREDENTIALS_INVALID', `${source}: ${what}`, { cause, details: { input: source } });
}

/** Shows a user-written key (registry name) in a message: bounded and JSON-quoted. */
export function quoteKey(key: string): string {
  return JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}…` : key);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
