/**
 * Keyless signing through @sigstore/sign: an ephemeral P-256 key, a Fulcio certificate for the
 * OIDC identity token, the signature witnessed by Rekor. Only the configured Fulcio and Rekor
 * URLs are contacted. Library errors are re-thrown as BosunErrors without their messages (the
 * library puts the identity token in some of them).
 */
import { bundleToJSON, type Bundle } from '@sigstore/bundle';
import {
  DSSEBundleBuilder,
  FulcioSigner,
  MessageSignatureBundleBuilder,
  RekorWitness,
  type BundleBuilder,
} from '@sigstore/sign';
import { BosunError } from '../../util/errors.ts';

export interface KeylessSigningOptions {
  /** Fulcio base URL, e.g. `https://fulcio.sigstore.dev`. */
  readonly fulcioURL: string;
  /** Rekor (v1 API) base URL, e.g. `https://rekor.sigstore.dev`. */
  readonly rekorURL: string;
  /** The OIDC identity token (a JWT), or a function returning a fresh one. Never logged. */
  readonly identityToken: string | (() => Promise<string>);
  /**
   * Rekor entry kind for DSSE signatures: `dsse` (Rekor's and cosign v3's choice) unless told;
   * `intoto` (0.0.2) for logs that store DSSE entries as proposed (such as @sigstore/mock's).
   */
  readonly rekorEntryType?: 'dsse' | 'intoto';
  /** Per-request timeout in milliseconds (30 s unless told); requests are not retried. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export const DEFAULT_FULCIO_URL = 'https://fulcio.sigstore.dev';
export const DEFAULT_REKOR_URL = 'https://rekor.sigstore.dev';

/** Signs `payload` as a DSSE envelope of `payloadType`; the bundle is v0.3 with the leaf certificate. */
export async function signDsseKeyless(
  options: KeylessSigningOptions,
  payloadType: string,
  payload: Uint8Array,
): Promise<Bundle> {
  const builder = new DSSEBundleBuilder({
    signer: fulcioSigner(options),
    witnesses: [rekorWitness(options, options.rekorEntryType ?? 'dsse')],
  });
  return build(options, builder, { data: Buffer.from(payload), type: payloadType });
}

/** Signs `payload` directly (a `hashedrekord` entry), as cosign ≤ v2 signs simple-signing payloads. */
export async function signMessageKeyless(
  options: KeylessSigningOptions,
  payload: Uint8Array,
): Promise<Bundle> {
  const builder = new MessageSignatureBundleBuilder({
    signer: fulcioSigner(options),
    witnesses: [rekorWitness(options, undefined)],
  });
  return build(options, builder, { data: Buffer.from(payload) });
}

/** Bundle JSON bytes as stored in a referrer. */
export function serializeBundle(bundle: Bundle): Buffer {
  return Buffer.from(JSON.stringify(bundleToJSON(bundle)), 'utf8');
}

function fulcioSigner(options: KeylessSigningOptions): FulcioSigner {
  checkUrl(options.fulcioURL, 'fulcioURL');
  const token = options.identityToken;
  return new FulcioSigner({
    fulcioBaseURL: options.fulcioURL,
    timeout: options.timeoutMs ?? 30_000,
    retry: 0,
    identityProvider: {
      getToken: async () => {
        const value = typeof token === 'string' ? token : await token();
        checkIdentityToken(value);
        return value;
      },
    },
  });
}

function rekorWitness(
  options: KeylessSigningOptions,
  entryType: 'dsse' | 'intoto' | undefined,
): RekorWitness {
  checkUrl(options.rekorURL, 'rekorURL');
  return new RekorWitness({
    rekorBaseURL: options.rekorURL,
    timeout: options.timeoutMs ?? 30_000,
    retry: 0,
    fetchOnConflict: true,
    ...(entryType === undefined ? {} : { entryType }),
  });
}

async function build(
  options: KeylessSigningOptions,
  builder: BundleBuilder,
  artifact: { data: Buffer; type?: string },
): Promise<Bundle> {
  options.signal?.throwIfAborted();
  try {
    return await builder.create(artifact);
  } catch (error) {
    if (error instanceof BosunError) throw error;
    const code =
      typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'unknown';
    if (code.startsWith('IDENTITY_TOKEN')) {
      throw new BosunError('SIGN_IDENTITY_TOKEN_INVALID', 'the identity token was refused', {
        details: { input: 'identityToken', reason: code },
      });
    }
    // Only the library's code: its messages may quote the token or a service's response body.
    throw new BosunError('SIGN_KEYLESS_SERVICE', `keyless signing failed (${code})`, {
      details: { fulcioURL: options.fulcioURL, rekorURL: options.rekorURL, reason: code },
    });
  } finally {
    options.signal?.throwIfAborted();
  }
}

function checkUrl(url: string, input: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new BosunError('SIGN_OPTIONS_INVALID', `${input}: not a URL`, { cause, details: { input } });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new BosunError('SIGN_OPTIONS_INVALID', `${input}: http(s) URL required`, { details: { input } });
  }
}

/**
 * A JWT whose claims name a subject (`email`, verified, or `sub`): what Fulcio binds into the
 * certificate. The signature is Fulcio's to check. Errors: SIGN_IDENTITY_TOKEN_INVALID, without
 * the token in the message.
 */
export function checkIdentityToken(token: string): void {
  const bad = (why: string): BosunError =>
    new BosunError('SIGN_IDENTITY_TOKEN_INVALID', `identity token: ${why}`, {
      details: { input: 'identityToken' },
    });
  if (token.length > 64 * 1024) throw bad('over 64 KiB');
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+={0,2}$/.test(p))) throw bad('not a JWT');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    throw bad('claims are not JSON');
  }
  if (typeof claims !== 'object' || claims === null) throw bad('claims are not an object');
  const { email, email_verified: verified, sub } = claims as Record<string, unknown>;
  if (typeof email === 'string' && email !== '') {
    if (verified !== true) throw bad('email not verified');
    return;
  }
  if (typeof sub !== 'string' || sub === '') throw bad('no subject claim');
}
