// A minimal Kubernetes API client for the webhook's reads: a Secret and a ServiceAccount (pull
// secrets) and a Namespace (labels for namespaceSelector), over HTTPS with the service account's
// bearer token and the cluster CA. No process.env here: the CLI builds the options from
// KUBERNETES_SERVICE_HOST/PORT and the service account files (in-cluster-config.ts).
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { BosunError, isBosunError, limitError } from '../../util/errors.ts';

export interface KubeClientOptions {
  /** `https://10.96.0.1:443`. */
  readonly apiServer: string;
  /** A fixed bearer token; or `tokenFile`, re-read when it changes (projected tokens rotate). */
  readonly token?: string;
  readonly tokenFile?: string;
  /** The CA that signs the API server's certificate (PEM). */
  readonly caPem: string;
  /** Per request (default 3 s). */
  readonly timeoutMs?: number;
  /** Largest response body read (default 1 MiB, the API server's own object limit). */
  readonly maxResponseBytes?: number;
  /** How often `tokenFile` is re-read at most (default 60 s; kubelet rotates well before expiry). */
  readonly tokenRefreshMs?: number;
  /** Clock in ms (tests). */
  readonly now?: () => number;
}

/** A core/v1 Secret as the API server returns it (only what Bosun reads is typed). */
export interface KubeSecret {
  readonly kind?: string;
  readonly type?: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
  };
  readonly data?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

/** A core/v1 ServiceAccount as the API server returns it (only what Bosun reads is typed). */
export interface KubeServiceAccount {
  readonly kind?: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly imagePullSecrets?: readonly { readonly name?: string }[];
  readonly [field: string]: unknown;
}

/** A core/v1 Namespace as the API server returns it (only what Bosun reads is typed). */
export interface KubeNamespace {
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly [field: string]: unknown;
  };
  readonly [field: string]: unknown;
}

export interface KubeClient {
  /** The Secret, or ADMISSION_KUBE_NOT_FOUND / _UNAUTHORIZED / _TIMEOUT / _UNREACHABLE / _HTTP. */
  getSecret(namespace: string, name: string, signal?: AbortSignal): Promise<KubeSecret>;
  /** The ServiceAccount, with the same errors as getSecret. */
  getServiceAccount(namespace: string, name: string, signal?: AbortSignal): Promise<KubeServiceAccount>;
  /** The Namespace, with the same errors as getSecret. */
  getNamespace(name: string, signal?: AbortSignal): Promise<KubeNamespace>;
  close(): void;
}

/** DNS-1123 subdomain: what a namespace or Secret name may be (also keeps the path clean). */
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/u;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(what: string, message: string): BosunError {
  return new BosunError('ADMISSION_KUBE_RESPONSE_INVALID', `${what}: ${message}`, {
    details: { input: what },
  });
}

function isStringMap(v: unknown): boolean {
  return isObj(v) && Object.values(v).every((x) => typeof x === 'string');
}

/**
 * An API answer as an object of `kind` with a string `metadata.name`, or
 * ADMISSION_KUBE_RESPONSE_INVALID; `check` names a field that has the wrong shape, if any.
 */
function parseApiObject(
  body: Buffer,
  what: string,
  kind: string,
  check: (value: Record<string, unknown>, meta: Record<string, unknown>) => string | undefined,
): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw invalid(what, 'the answer is not JSON');
  }
  const meta = isObj(value) ? value['metadata'] : undefined;
  if (!isObj(value) || !isObj(meta) || typeof meta['name'] !== 'string')
    throw invalid(what, `the answer is not a ${kind}`);
  const wrong = check(value, meta);
  if (wrong !== undefined) throw invalid(what, wrong);
  return value;
}

/** Checks an API answer is a Secret; throws ADMISSION_KUBE_RESPONSE_INVALID. */
export function parseSecret(body: Buffer, what: string): KubeSecret {
  return parseApiObject(body, what, 'Secret', (v) =>
    v['data'] !== undefined && !isStringMap(v['data']) ? 'Secret data is not a string map' : undefined,
  ) as unknown as KubeSecret;
}

/** Checks an API answer is a Namespace with string labels; throws ADMISSION_KUBE_RESPONSE_INVALID. */
export function parseNamespace(body: Buffer, what: string): KubeNamespace {
  return parseApiObject(body, what, 'Namespace', (_v, meta) =>
    meta['labels'] !== undefined && !isStringMap(meta['labels']) ? 'labels are not a string map' : undefined,
  ) as unknown as KubeNamespace;
}

/** Checks an API answer is a ServiceAccount; throws ADMISSION_KUBE_RESPONSE_INVALID. */
export function parseServiceAccount(body: Buffer, what: string): KubeServiceAccount {
  return parseApiObject(body, what, 'ServiceAccount', (v) => {
    const secrets = v['imagePullSecrets'];
    return secrets !== undefined && (!Array.isArray(secrets) || secrets.some((x) => !isObj(x)))
      ? 'imagePullSecrets is not a list'
      : undefined;
  }) as unknown as KubeServiceAccount;
}

/** A client over one API server; `close()` drops its keep-alive connections. */
export function createKubeClient(options: KubeClientOptions): KubeClient {
  const base = new URL(options.apiServer);
  if (base.protocol !== 'https:')
    throw new BosunError('ADMISSION_KUBE_CONFIG', `Kubernetes API server must be https: ${base.origin}`, {
      details: { input: 'apiServer' },
    });
  if (options.token === undefined && options.tokenFile === undefined)
    throw new BosunError('ADMISSION_KUBE_CONFIG', 'Kubernetes API client needs a token or a token file', {
      details: { input: 'token' },
    });
  const timeoutMs = options.timeoutMs ?? 3000;
  const maxBytes = options.maxResponseBytes ?? 1024 * 1024;
  const refreshMs = options.tokenRefreshMs ?? 60_000;
  const now = options.now ?? Date.now;
  const agent = new Agent({ keepAlive: true, ca: options.caPem, maxSockets: 8 });
  let cached: { token: string; readAt: number } | undefined;

  async function token(): Promise<string> {
    if (options.token !== undefined) return options.token;
    if (cached !== undefined && now() - cached.readAt < refreshMs) return cached.token;
    let text: string;
    try {
      text = (await readFile(options.tokenFile!, 'utf8')).trim();
    } catch (error) {
      // A failed re-read keeps the last token: a rotation in progress is not an outage.
      if (cached !== undefined) return cached.token;
      throw new BosunError('ADMISSION_KUBE_CONFIG', `cannot read the service account token file`, {
        cause: error,
        details: { input: options.tokenFile },
      });
    }
    cached = { token: text, readAt: now() };
    return text;
  }

  async function read(path: string, what: string, signal?: AbortSignal): Promise<Buffer> {
    const bearer = await token();
    try {
      return await get(new URL(path, base), bearer, what, signal);
    } catch (error) {
      // A rejected token may have rotated on disk: the next call reads the file again.
      if (isBosunError(error) && error.code === 'ADMISSION_KUBE_UNAUTHORIZED') cached = undefined;
      throw error;
    }
  }

  /** GET a named object: names are checked first, the answer must carry the name asked for. */
  async function getNamed<T extends { readonly metadata: { readonly name: string } }>(
    kind: string,
    path: string,
    namespace: string | undefined,
    name: string,
    parse: (body: Buffer, what: string) => T,
    signal?: AbortSignal,
  ): Promise<T> {
    const what = namespace === undefined ? `${kind} ${name}` : `${kind} ${namespace}/${name}`;
    if ((namespace !== undefined && !NAME.test(namespace)) || !NAME.test(name))
      throw new BosunError(
        'ADMISSION_KUBE_NOT_FOUND',
        `${what}: not a valid ${namespace === undefined ? 'name' : 'namespace/name'}`,
        { details: { input: what } },
      );
    const object = parse(await read(path, what, signal), what);
    if (object.metadata.name !== name) throw invalid(what, `the answer names another ${kind}`);
    return object;
  }

  const getNamespace = (name: string, signal?: AbortSignal): Promise<KubeNamespace> =>
    getNamed('Namespace', `/api/v1/namespaces/${name}`, undefined, name, parseNamespace, signal);
  const getServiceAccount = (
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<KubeServiceAccount> =>
    getNamed(
      'ServiceAccount',
      `/api/v1/namespaces/${namespace}/serviceaccounts/${name}`,
      namespace,
      name,
      parseServiceAccount,
      signal,
    );
  const getSecret = (namespace: string, name: string, signal?: AbortSignal): Promise<KubeSecret> =>
    getNamed(
      'Secret',
      `/api/v1/namespaces/${namespace}/secrets/${name}`,
      namespace,
      name,
      parseSecret,
      signal,
    );

  function get(url: URL, bearer: string, what: string, signal?: AbortSignal): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const fail = (error: unknown): void => reject(error);
      const timeout = AbortSignal.timeout(timeoutMs);
      const both = signal === undefined ? timeout : AbortSignal.any([timeout, signal]);
      const req = request(
        url,
        {
          method: 'GET',
          agent,
          signal: both,
          headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              res.destroy();
              fail(limitError('ADMISSION_KUBE_RESPONSE_INVALID', what, 'response bytes', size, maxBytes));
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', (error) => fail(transportError(error, what, timeout, timeoutMs)));
          res.on('end', () => {
            if (status === 200) return resolve(Buffer.concat(chunks));
            const details = { input: what, status };
            if (status === 401 || status === 403)
              return fail(
                new BosunError('ADMISSION_KUBE_UNAUTHORIZED', `${what}: the API server answered ${status}`, {
                  details,
                }),
              );
            if (status === 404)
              return fail(new BosunError('ADMISSION_KUBE_NOT_FOUND', `${what}: not found`, { details }));
            fail(
              new BosunError('ADMISSION_KUBE_HTTP', `${what}: the API server answered ${status}`, {
                details,
              }),
            );
          });
        },
      );
      req.on('error', (error) => fail(transportError(error, what, timeout, timeoutMs)));
      req.end();
    });
  }

  return {
    getSecret,
    getServiceAccount,
    getNamespace,
    close: () => agent.destroy(),
  };
}

function transportError(error: unknown, what: string, timeout: AbortSignal, timeoutMs: number): BosunError {
  if (isBosunError(error)) return error;
  if (timeout.aborted)
    return new BosunError('ADMISSION_KUBE_TIMEOUT', `${what}: no answer within ${timeoutMs} ms`, {
      details: { input: what, limit: 'timeoutMs', max: timeoutMs },
    });
  if (error instanceof Error && error.name === 'AbortError')
    return new BosunError('ABORTED', `${what}: request aborted`, { cause: error, details: { input: what } });
  return new BosunError('ADMISSION_KUBE_UNREACHABLE', `${what}: the API server could not be reached`, {
    cause: error,
    details: { input: what },
  });
}
