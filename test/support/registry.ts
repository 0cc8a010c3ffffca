// A real OCI registry for tests: Debian's `docker-registry` (distribution 2.8) on 127.0.0.1 with a
// temp storage dir. Variants: open, htpasswd basic auth, TLS (CA + server cert made with openssl),
// and bearer-token auth with an in-process token server whose ES256 JWTs the registry trusts
// through `auth.token.rootcertbundle` (the token header carries the signer in `x5c`).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID, sign as signBytes, createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import {
  request as httpRequest,
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest, createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createCa, createServerCert, createSigningCert, pemToX5c, type TestCert } from './pki.ts';

const run = promisify(execFile);

export type RegistryAuth = 'none' | 'basic' | 'token';

export interface StartRegistryOptions {
  readonly auth?: RegistryAuth;
  readonly tls?: boolean;
  /** Token variant: lifetime of issued tokens in seconds (default 300). */
  readonly tokenExpiresIn?: number;
}

/** One request the token server answered (for cache/refresh assertions). */
export interface TokenRequestRecord {
  readonly method: 'GET' | 'POST';
  readonly grantType: string | undefined;
  readonly scopes: readonly string[];
  readonly account: string | undefined;
  readonly status: number;
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`, as written in image references. */
  readonly host: string;
  /** `http://127.0.0.1:PORT` or `https://...`. */
  readonly url: string;
  readonly auth: RegistryAuth;
  readonly tls: boolean;
  readonly username?: string;
  readonly password?: string;
  /** Token variant: an identity (refresh) token the token server accepts with grant_type=refresh_token. */
  readonly identityToken?: string;
  /** TLS variant: the CA that signed the server certificate. */
  readonly caPem?: string;
  readonly caFile?: string;
  /** TLS variant: a directory holding `ca.crt`, for `skopeo --dest-cert-dir/--src-cert-dir`. */
  readonly certDir?: string;
  /** Token variant: the token server's URL (the `realm`). */
  readonly tokenRealm?: string;
  /** Token variant: requests the token server answered, in order. */
  readonly tokenRequests: readonly TokenRequestRecord[];
  /** The registry's stderr so far (for debugging a failing test). */
  logs(): string;
  stop(): Promise<void>;
}

const USERNAME = 'bosun';
const SERVICE = 'bosun-test-registry';
const ISSUER = 'bosun-test-issuer';
const REGISTRY_BIN = '/usr/bin/docker-registry';

/** Starts a registry; always `stop()` it (afterAll). */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const auth = options.auth ?? 'none';
  const tls = options.tls ?? false;
  const dir = await mkdtemp(join(tmpdir(), 'bosun-registry-'));
  const cleanups: (() => Promise<void>)[] = [async () => rm(dir, { recursive: true, force: true })];
  try {
    const password = randomBytes(12).toString('hex');
    let serverCert: TestCert | undefined;
    let caPem: string | undefined;
    let caFile: string | undefined;
    let certDir: string | undefined;
    if (tls) {
      const ca = await createCa(dir);
      serverCert = await createServerCert(dir, ca);
      caPem = ca.certPem;
      caFile = ca.certFile;
      certDir = join(dir, 'certs.d');
      await run('mkdir', ['-p', certDir]);
      await writeFile(join(certDir, 'ca.crt'), ca.certPem);
    }

    const authLines: string[] = [];
    let tokenServer: TokenServer | undefined;
    if (auth === 'basic') {
      const { stdout } = await run('htpasswd', ['-Bbn', USERNAME, password]);
      const file = join(dir, 'htpasswd');
      await writeFile(file, stdout);
      authLines.push('auth:', '  htpasswd:', '    realm: bosun-test', `    path: ${file}`);
    } else if (auth === 'token') {
      const signer = await createSigningCert(dir);
      tokenServer = await startTokenServer({
        signer,
        password,
        identityToken: `identity-${randomUUID()}`,
        expiresIn: options.tokenExpiresIn ?? 300,
        tlsCert: serverCert,
      });
      cleanups.push(tokenServer.stop);
      authLines.push(
        'auth:',
        '  token:',
        `    realm: ${tokenServer.realm}`,
        `    service: ${SERVICE}`,
        `    issuer: ${ISSUER}`,
        `    rootcertbundle: ${signer.certFile}`,
      );
    }

    const proc = await launch(dir, authLines, serverCert);
    cleanups.push(proc.stop);
    const scheme = tls ? 'https' : 'http';
    const host = `127.0.0.1:${proc.port}`;
    const stop = async (): Promise<void> => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    };
    return {
      host,
      url: `${scheme}://${host}`,
      auth,
      tls,
      ...(auth === 'none' ? {} : { username: USERNAME, password }),
      ...(tokenServer ? { identityToken: tokenServer.identityToken, tokenRealm: tokenServer.realm } : {}),
      ...(tls ? { caPem, caFile, certDir } : {}),
      tokenRequests: tokenServer?.records ?? [],
      logs: proc.logs,
      stop,
    };
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    throw error;
  }
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Launched {
  readonly port: number;
  logs(): string;
  stop(): Promise<void>;
}

async function launch(
  dir: string,
  authLines: readonly string[],
  cert: TestCert | undefined,
): Promise<Launched> {
  let lastError: unknown;
  // The free port is found by binding port 0 and releasing it; another process may grab it in
  // between, so a failed start is retried on a new port.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const config = [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'storage')}`,
      '  delete:',
      '    enabled: true',
      '  maintenance:',
      '    uploadpurging:',
      '      enabled: false',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      `  secret: ${randomBytes(16).toString('hex')}`,
      ...(cert ? ['  tls:', `    certificate: ${cert.certFile}`, `    key: ${cert.keyFile}`] : []),
      ...authLines,
      '',
    ].join('\n');
    const configFile = join(dir, 'config.yml');
    await writeFile(configFile, config);
    const child = spawn(REGISTRY_BIN, ['serve', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-64 * 1024);
    });
    try {
      await waitReady(child, port, cert !== undefined, () => stderr);
      return { port, logs: () => stderr, stop: () => kill(child) };
    } catch (error) {
      lastError = error;
      await kill(child);
    }
  }
  throw lastError;
}

async function waitReady(child: ChildProcess, port: number, tls: boolean, logs: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`docker-registry exited early:\n${logs()}`);
    if (await answers(port, tls)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`docker-registry did not answer /v2/ within 20s:\n${logs()}`);
}

function answers(port: number, tls: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const req = (tls ? httpsRequest : httpRequest)(
      { host: '127.0.0.1', port, path: '/v2/', method: 'GET', rejectUnauthorized: false, timeout: 1000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200 || res.statusCode === 401);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------------------------------------
// Token server (distribution's token auth spec): GET with basic credentials, or POST with an
// OAuth2 form (grant_type=password or refresh_token), answering {token, access_token, expires_in}.

interface TokenServer {
  readonly realm: string;
  readonly identityToken: string;
  readonly records: TokenRequestRecord[];
  stop(): Promise<void>;
}

async function startTokenServer(options: {
  signer: TestCert;
  password: string;
  identityToken: string;
  expiresIn: number;
  tlsCert: TestCert | undefined;
}): Promise<TokenServer> {
  const key = createPrivateKey(options.signer.keyPem);
  const x5c = pemToX5c(options.signer.certPem);
  const records: TokenRequestRecord[] = [];

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    void handleToken(req, res, { ...options, key, x5c, records }).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  };
  const server = options.tlsCert
    ? createHttpsServer({ cert: options.tlsCert.certPem, key: options.tlsCert.keyPem }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `${options.tlsCert ? 'https' : 'http'}://127.0.0.1:${port}/token`,
    identityToken: options.identityToken,
    records,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handleToken(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: {
    password: string;
    identityToken: string;
    expiresIn: number;
    key: KeyObject;
    x5c: string;
    records: TokenRequestRecord[];
  },
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://token');
  let account: string | undefined;
  let authenticated = false;
  let denied = false;
  let grantType: string | undefined;
  let scopes: string[];
  let offline: boolean;
  let service: string | null;
  if (req.method === 'POST') {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    grantType = form.get('grant_type') ?? undefined;
    service = form.get('service');
    scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    offline = form.get('access_type') === 'offline';
    if (grantType === 'password') {
      account = form.get('username') ?? undefined;
      authenticated = account === USERNAME && form.get('password') === ctx.password;
    } else if (grantType === 'refresh_token') {
      authenticated = form.get('refresh_token') === ctx.identityToken;
      account = authenticated ? USERNAME : undefined;
    }
    denied = !authenticated;
  } else {
    service = url.searchParams.get('service');
    scopes = url.searchParams
      .getAll('scope')
      .flatMap((s) => s.split(' '))
      .filter(Boolean);
    offline = url.searchParams.get('offline_token') === 'true';
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      account = decoded.slice(0, colon);
      authenticated = account === USERNAME && decoded.slice(colon + 1) === ctx.password;
      denied = !authenticated;
    }
  }
  const status = denied || service !== SERVICE ? 401 : 200;
  ctx.records.push({ method: req.method === 'POST' ? 'POST' : 'GET', grantType, scopes, account, status });
  if (status !== 200) {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
    return;
  }
  // Authenticated users get what they asked for; anonymous callers get a token without access.
  const access = authenticated ? scopes.map(parseScope).filter((a) => a !== undefined) : [];
  const now = Math.floor(Date.now() / 1000);
  const token = signJwt(
    { typ: 'JWT', alg: 'ES256', x5c: [ctx.x5c] },
    {
      iss: ISSUER,
      sub: account ?? '',
      aud: SERVICE,
      exp: now + ctx.expiresIn,
      nbf: now - 1,
      iat: now,
      jti: randomUUID(),
      access,
    },
    ctx.key,
  );
  const body: Record<string, unknown> = {
    token,
    access_token: token,
    expires_in: ctx.expiresIn,
    issued_at: new Date(now * 1000).toISOString(),
  };
  if (authenticated && offline) body['refresh_token'] = ctx.identityToken;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function parseScope(scope: string): { type: string; name: string; actions: string[] } | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope.slice(last + 1).split(','),
  };
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function signJwt(header: object, claims: object, key: KeyObject): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  // JWS ES256 signatures are the raw r||s pair, not DER.
  const signature = signBytes('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${base64url(signature)}`;
}
