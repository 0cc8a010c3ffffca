/**
 * One authenticated registry call: endpoint and scheme selection, the Authorization header,
 * one re-authentication on a fresh 401 challenge, and mapping of unexpected statuses to errors.
 */
import { BosunError, type ErrorCode } from '../../util/errors.ts';
import type { CredentialProvider } from '../credential-types.ts';
import { RegistryAuth, repositoryScope, type RepositoryActions } from './auth.ts';
import { registryErrorCodes, statusError, type RequestContext } from './errors.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts';
import {
  discard,
  drain,
  headerValue,
  Transport,
  type HttpMethod,
  type HttpResponse,
  type RequestBody,
} from './transport.ts';

export interface RegistryLimits {
  /** Largest manifest or index read (the common registry limit is 4 MiB). */
  readonly maxManifestBytes: number;
  /** Default limit of `getBlobBytes` (configs, signature payloads). */
  readonly maxBlobBytes: number;
  /** Most tags `listTags` collects. */
  readonly maxTags: number;
  /** Most pages followed through `Link` headers. */
  readonly maxPages: number;
}

export const DEFAULT_REGISTRY_LIMITS: RegistryLimits = Object.freeze({
  maxManifestBytes: 4 * 1024 * 1024,
  maxBlobBytes: 8 * 1024 * 1024,
  maxTags: 100_000,
  maxPages: 1_000,
});

export interface RegistryClientOptions {
  /** Registry host as in references: `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  readonly registry: string;
  /** Where credentials come from; anonymous when absent or when it returns undefined. */
  readonly credentials?: CredentialProvider;
  /** Extra CA certificates (PEM) trusted besides Node's and the system's. */
  readonly caPems?: readonly string[];
  /**
   * Test registries only: skip TLS verification and fall back to plain HTTP when HTTPS fails.
   * Never the default.
   */
  readonly insecure?: boolean;
  /** Per request: connect, response headers, and each pause in a body (default 30 s). */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Requests (and open bodies) in flight at once (default 8). */
  readonly maxConcurrency?: number;
  readonly userAgent?: string;
  readonly limits?: Partial<RegistryLimits>;
  /** Clock for token expiry (tests). */
  readonly now?: () => number;
  /** How retries wait (tests record the delays instead of sleeping). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ApiCall {
  readonly method: HttpMethod;
  readonly repository?: string;
  /** The tag or digest concerned (for error messages and details). */
  readonly reference?: string;
  /** Path under the registry (`/v2/...`) or an absolute URL (upload `Location`s, `Link`s). */
  readonly target: string | URL;
  readonly operation: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
  /** Actions needed on the repository (default `pull`). */
  readonly actions?: RepositoryActions;
  /** More scopes, e.g. `repository:<source>:pull` for a cross-repository mount. */
  readonly extraScopes?: readonly string[];
  /** Statuses returned to the caller; any other throws. */
  readonly ok: readonly number[];
  /** Error code for a 404 that is not in `ok`. */
  readonly notFound?: ErrorCode;
  readonly retryable?: boolean;
  readonly followRedirects?: boolean;
  readonly signal?: AbortSignal;
}

/** The API host for a registry name: Docker Hub's API lives on registry-1.docker.io. */
export function registryEndpoint(registry: string): string {
  return registry === 'docker.io' || registry === 'index.docker.io' ? 'registry-1.docker.io' : registry;
}

const MAX_ERROR_BODY = 64 * 1024;

export class RegistryApi {
  readonly registry: string;
  readonly limits: RegistryLimits;
  readonly transport: Transport;
  readonly #auth: RegistryAuth;
  readonly #insecure: boolean;
  #base: Promise<URL> | undefined;

  constructor(options: RegistryClientOptions) {
    this.registry = options.registry;
    this.limits = { ...DEFAULT_REGISTRY_LIMITS, ...options.limits };
    this.#insecure = options.insecure ?? false;
    this.transport = new Transport({
      ...(options.caPems === undefined ? {} : { caPems: options.caPems }),
      insecure: this.#insecure,
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      maxConcurrency: options.maxConcurrency ?? 8,
      userAgent: options.userAgent ?? 'bosun',
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    this.#auth = new RegistryAuth({
      registry: options.registry,
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      insecure: this.#insecure,
      transport: this.transport,
      now: options.now ?? Date.now,
      clientId: 'bosun',
    });
  }

  /** `https://host/`, or for an insecure registry whatever answers first: HTTPS, else HTTP. */
  async baseUrl(signal?: AbortSignal): Promise<URL> {
    const host = registryEndpoint(this.registry);
    if (!this.#insecure) return new URL(`https://${host}/`);
    this.#base ??= this.#probe(host, signal);
    try {
      return await this.#base;
    } catch (error) {
      this.#base = undefined;
      throw error;
    }
  }

  async #probe(host: string, signal?: AbortSignal): Promise<URL> {
    const https = new URL(`https://${host}/`);
    try {
      const response = await this.transport.send({
        method: 'GET',
        url: new URL('/v2/', https),
        retryable: false,
        context: { registry: this.registry, operation: 'probe' },
        ...(signal === undefined ? {} : { signal }),
      });
      await drain(response);
      return https;
    } catch (error) {
      if (error instanceof BosunError && (error.code === 'ABORTED' || error.code === 'REGISTRY_TIMEOUT'))
        throw error;
      return new URL(`http://${host}/`);
    }
  }

  async call(call: ApiCall): Promise<HttpResponse> {
    const context: RequestContext = {
      registry: this.registry,
      ...(call.repository === undefined ? {} : { repository: call.repository }),
      ...(call.reference === undefined ? {} : { reference: call.reference }),
      operation: call.operation,
    };
    const base = await this.baseUrl(call.signal);
    const url = typeof call.target === 'string' ? new URL(call.target, base) : call.target;
    // Registry credentials go to the registry's origin only (upload Locations may point elsewhere).
    const sameOrigin = url.origin === base.origin;
    const scopes = [
      ...(call.repository === undefined ? [] : [repositoryScope(call.repository, call.actions ?? 'pull')]),
      ...(call.extraScopes ?? []),
    ];
    for (let reauthenticated = false; ; reauthenticated = true) {
      const authorization = sameOrigin ? await this.#auth.header(scopes, context, call.signal) : undefined;
      const response = await this.transport.send({
        method: call.method,
        url,
        headers: { ...call.headers, ...(authorization === undefined ? {} : { authorization }) },
        ...(call.body === undefined ? {} : { body: call.body }),
        ...(call.retryable === undefined ? {} : { retryable: call.retryable }),
        ...(call.followRedirects === undefined ? {} : { followRedirects: call.followRedirects }),
        ...(call.signal === undefined ? {} : { signal: call.signal }),
        context,
      });
      if (response.status === 401 && !reauthenticated && sameOrigin) {
        const challenge = headerValue(response.headers, 'www-authenticate');
        await drain(response);
        if (await this.#auth.onUnauthorized(challenge, scopes, call.signal)) continue;
        throw statusError(401, context);
      }
      if (call.ok.includes(response.status)) return response;
      throw await this.#failure(response, context, call.notFound);
    }
  }

  async #failure(response: HttpResponse, context: RequestContext, notFound?: ErrorCode): Promise<BosunError> {
    let text: string;
    try {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of response.body) {
        total += (chunk as Buffer).length;
        if (total > MAX_ERROR_BODY) {
          discard(response.body);
          break;
        }
        chunks.push(chunk as Buffer);
      }
      text = Buffer.concat(chunks).toString('utf8');
    } catch {
      text = '';
    }
    return statusError(response.status, context, registryErrorCodes(text), notFound);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

/** Path segment for a repository name, validated so it cannot escape `/v2/<name>/`. */
export function repositoryPath(repository: string): string {
  if (
    repository.length > 255 ||
    !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)
  ) {
    throw new BosunError('REFERENCE_INVALID', `invalid repository name "${repository.slice(0, 100)}"`, {
      details: { input: 'repository' },
    });
  }
  return repository;
}

/** A tag or digest for a URL path, validated. */
export function referencePath(reference: string): string {
  if (/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(reference)) return reference;
  if (/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/.test(reference)) return reference;
  throw new BosunError('REFERENCE_INVALID', `invalid tag or digest "${reference.slice(0, 100)}"`, {
    details: { input: 'reference' },
  });
}
