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

/** Checks an API answer is a Secret named as asked; throws ADMISSION_KUBE_RESPONSE_INVALID. */
export function parseSecret(body: Buffer, what: string): KubeSecret {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new BosunError('ADMISSION_KUBE_RESPONSE_INVALID', `${what}: the answer is not JSON`, {
      details: { input: what },
    });
  }
  const meta = isObj(value) ? value['metadata'] : undefined;
  if (!isObj(value) || !isObj(meta) || typeof meta['name'] !== 'string') {
    throw new BosunError('ADMISSION_KUBE_RESPONSE_INVALID', `${what}: the answer is not a Secret`, {
      details: { input: what },
    });
  }
  const data = value['data'];
  if (data !== undefined && (!isObj(data) || Object.values(data).some((v) => typeof v !== 'string'))) {
    throw new BosunError('ADMISSION_KUBE_RESPONSE_INVALID', `${what}: Secret data is not a string map`, {
      details: { input: what },
    });
  }
  return value as unknown as KubeSecret;
}

/** Checks an API answer is a Namespace with string labels; throws ADMISSION_KUBE_RESPONSE_INVALID. */
export function parseNamespace(body: Buffer, what: string): KubeNamespace {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new BosunError('ADMISSION_KUBE_RESPONSE_INVALID', `${what}: the answer is not JSON`, {
      details: { input: what },
    });
  }
  const meta = isObj(value) ? value['metadata'] : undefined;
  if (!isObj(value) || !isObj(meta) || typeof meta['name'] !== 'string') {
    throw new BosunError('ADMISSION_KUBE_RESPONSE_INVALID', `${what}: the answer is not a Namespace`, {
      details: { input: what },
    });
  }
  const labels = meta['labels'];
  if (labels !== undefined && (!isObj(labels) || Object.values(labels).some((v) => typeof v !== 'string'))) {
    throw new BosunError('ADMISSION_KUBE_RESPONSE_INVALID', `${what}: labels are not a string map`, {
      details: { input: what },
    });
  }
  return value as unknown as KubeNamespace;
}

/** Checks an API answer is a ServiceAccount; throws ADMISSION_KUBE_RESPONSE_INVALID. */
export function parseServiceAccount(body: Buffer, what: string): KubeServiceAccount {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new BosunError('ADMISSION_KUBE_RESPONSE_INVALID', `${what}: the answer is not JSON`, {
      details: { input: what },
    });
  }
  const meta = isObj(value) ? value['metadata'] : undefined;
  if (!isObj(value) || !isObj(meta) || typeof meta['name'] !== 'string') {
    throw new BosunError('ADMISSION_KUBE_RESPONSE_INVALID', `${what}: the answer is not a ServiceAccount`, {
      details: { input: what },
    });
  }
  const secrets = value['imagePullSecrets'];
  if (secrets !== undefined && (!Array.isArray(secrets) || secrets.some((s) => !isObj(s)))) {
    throw new BosunError('ADMISSION_KUBE_RESPONSE_INVALID', `${what}: imagePullSecrets is not a list`, {
      details: { input: what },
    });
  }
  return value as unknown as KubeServiceAccount;
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

  async function getNamespace(name: string, signal?: AbortSignal): Promise<KubeNamespace> {
    const what = `Namespace ${name}`;
    if (!NAME.test(name))
      throw new BosunError('ADMISSION_KUBE_NOT_FOUND', `${what}: not a valid name`, {
        details: { input: what },
      });
    const ns = parseNamespace(await read(`/api/v1/namespaces/${name}`, what, signal), what);
    if (ns.metadata.name !== name)
      throw new BosunError('ADMISSION_KUBE_RESPONSE_INVALID', `${what}: the answer names another Namespace`, {
        details: { input: what },
      });
    return ns;
  }

  async function getServiceAccount(
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<KubeServiceAccount> {
    const what = `ServiceAccount ${namespace}/${name}`;
    if (!NAME.test(namespace) || !NAME.test(name))
      throw new BosunError('ADMISSION_KUBE_NOT_FOUND', `${what}: not a valid namespace/name`, {
        details: { input: what },
      });
    const body = await read(`/api/v1/namespaces/${namespace}/serviceaccounts/${name}`, what, signal);
    const sa = parseServiceAccount(body, what);
    if (sa.metadata.name !== name)
      throw new BosunError(
        'ADMISSION_KUBE_RESPONSE_INVALID',
        `${what}: the answer names another ServiceAccount`,
        { details: { input: what } },
      );
    return sa;
  }

  async function getSecret(namespace: string, name: string, signal?: AbortSignal): Promise<KubeSecret> {
    const what = `Secret ${namespace}/${name}`;
    if (!NAME.test(namespace) || !NAME.test(name))
      throw new BosunError('ADMISSION_KUBE_NOT_FOUND', `${what}: not a valid namespace/name`, {
        details: { input: what },
      });
    const body = await read(`/api/v1/namespaces/${namespace}/secrets/${name}`, what, signal);
    const secret = parseSecret(body, what);
    if (secret.metadata.name !== name)
      throw new BosunError('ADMISSION_KUBE_RESPONSE_INVALID', `${what}: the answer names another Secret`, {
        details: { input: what },
      });
    return secret;
  }

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
