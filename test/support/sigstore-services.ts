// In-process Sigstore services for keyless tests: @sigstore/mock's Fulcio (CA + CT log) and Rekor
// v1 handlers served over HTTP on 127.0.0.1 (the package's own `mock*` helpers patch the HTTP
// client with nock and default to the public URLs; serving the handlers keeps every request on
// loopback), a trusted root JSON for their keys, and unsigned OIDC identity tokens (the mock CA
// reads the claims without checking a signature, as its upstream tests do).
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fulcioHandler, initializeCA, initializeCTLog } from '@sigstore/mock/dist/fulcio/index.js';
import { initializeTLog, rekorHandler } from '@sigstore/mock/dist/rekor/index.js';
import type { Handler } from '@sigstore/mock/dist/shared.types.js';

export interface SigstoreServices {
  /** `http://127.0.0.1:PORT` serving Fulcio's `/api/v2/signingCert`. */
  readonly fulcioURL: string;
  /** `http://127.0.0.1:PORT` serving Rekor's `/api/v1/log/entries`. */
  readonly rekorURL: string;
  /** DER of the CA's self-signed root. */
  readonly rootCertificate: Buffer;
  /** DER SPKI of the Rekor and CT log keys. */
  readonly rekorPublicKey: Buffer;
  readonly ctlogPublicKey: Buffer;
  readonly ctlogId: Buffer;
  /** Requests served, by path (tests assert that nothing else was called). */
  readonly requests: readonly string[];
  /** Trusted root JSON (Sigstore `TrustedRoot`) naming these services' keys. */
  trustedRoot(options?: TrustedRootOverrides): string;
  stop(): Promise<void>;
}

export interface TrustedRootOverrides {
  /** Replace the CA root (a root that did not issue the leaf). */
  readonly rootCertificate?: Buffer;
  /** Replace the Rekor key (a log key that did not sign the SET). */
  readonly rekorPublicKey?: Buffer;
  /** Leave the CT logs out. */
  readonly withoutCtlogs?: boolean;
}

export interface StartSigstoreOptions {
  /** Clock for certificate validity and log integration time (defaults to now). */
  readonly clock?: Date;
  /** Rekor's clock when it differs (an entry integrated after the certificate expired). */
  readonly rekorClock?: Date;
}

function ecKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

/** Starts one HTTP server per service on 127.0.0.1. */
export async function startSigstoreServices(options: StartSigstoreOptions = {}): Promise<SigstoreServices> {
  const caKeys = ecKeyPair();
  const ctlog = await initializeCTLog(caKeys, options.clock);
  const ca = await initializeCA(caKeys, ctlog, options.clock);
  const requests: string[] = [];
  const fulcio = await serve(fulcioHandler(ca, { strict: true }), requests);
  const rekorKeys = ecKeyPair();
  // The URL only names the log's origin in checkpoints; no request goes to it.
  const tlog = await initializeTLog('http://127.0.0.1', rekorKeys, options.rekorClock ?? options.clock);
  const rekor = await serve(rekorHandler(tlog, { strict: true }), requests);
  const rootCertificate = Buffer.from(
    ca.rootCertificate.buffer,
    ca.rootCertificate.byteOffset,
    ca.rootCertificate.byteLength,
  );
  const ctlogId = Buffer.from(ctlog.logID.buffer, ctlog.logID.byteOffset, ctlog.logID.byteLength);
  return {
    fulcioURL: fulcio.url,
    rekorURL: rekor.url,
    rootCertificate,
    rekorPublicKey: tlog.publicKey,
    ctlogPublicKey: ctlog.publicKey,
    ctlogId,
    requests,
    trustedRoot: (overrides = {}) =>
      buildTrustedRoot({
        rootCertificate: overrides.rootCertificate ?? rootCertificate,
        rekorPublicKey: overrides.rekorPublicKey ?? tlog.publicKey,
        ctlogs: overrides.withoutCtlogs === true ? [] : [{ publicKey: ctlog.publicKey, logId: ctlogId }],
        start: new Date((options.clock ?? new Date()).getTime() - 3_600_000),
      }),
    stop: async () => {
      await Promise.all([fulcio.close(), rekor.close()]);
    },
  };
}

/** Another CA (same code, other keys): its root did not issue the services' certificates. */
export async function otherRootCertificate(): Promise<Buffer> {
  const ca = await initializeCA(ecKeyPair());
  return Buffer.from(ca.rootCertificate.buffer, ca.rootCertificate.byteOffset, ca.rootCertificate.byteLength);
}

/** DER SPKI of a fresh P-256 key. */
export function otherPublicKey(): Buffer {
  return ecKeyPair().publicKey.export({ type: 'spki', format: 'der' });
}

interface TrustedRootParts {
  readonly rootCertificate: Buffer;
  readonly rekorPublicKey: Buffer;
  readonly ctlogs: readonly { publicKey: Buffer; logId: Buffer }[];
  readonly start: Date;
}

/** The protobuf-JSON form of `dev.sigstore.trustroot.v1.TrustedRoot` (what `cosign trusted-root create` writes). */
export function buildTrustedRoot(parts: TrustedRootParts): string {
  const start = parts.start.toISOString();
  const log = (publicKey: Buffer, logId: Buffer, baseUrl: string): object => ({
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: publicKey.toString('base64'),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256',
      validFor: { start },
    },
    logId: { keyId: logId.toString('base64') },
  });
  return JSON.stringify(
    {
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [
        log(
          parts.rekorPublicKey,
          createHash('sha256').update(parts.rekorPublicKey).digest(),
          'http://127.0.0.1',
        ),
      ],
      certificateAuthorities: [
        {
          subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
          uri: 'http://127.0.0.1',
          certChain: { certificates: [{ rawBytes: parts.rootCertificate.toString('base64') }] },
          validFor: { start },
        },
      ],
      ctlogs: parts.ctlogs.map((c) => log(c.publicKey, c.logId, 'http://127.0.0.1')),
      timestampAuthorities: [],
    },
    null,
    2,
  );
}

/**
 * An OIDC identity token as an IdP would issue it (header.claims.signature). The mock CA takes
 * `sub` as the certificate's URI SAN and `iss` as the issuer extensions; the signature is a
 * placeholder because nothing here checks it.
 */
export function identityToken(claims: { sub: string; iss: string } & Record<string, unknown>): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'ES256', typ: 'JWT' })}.${part({ aud: 'sigstore', ...claims })}.${Buffer.from('unsigned').toString('base64url')}`;
}

async function serve(
  handler: Handler,
  requests: string[],
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
      if (req.method !== 'POST' || req.url !== handler.path) {
        res.writeHead(404).end();
        return;
      }
      const result = await handler.fn(body);
      res.writeHead(result.statusCode, { 'content-type': result.contentType ?? 'text/plain' });
      res.end(typeof result.response === 'string' ? result.response : Buffer.from(result.response.buffer));
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
