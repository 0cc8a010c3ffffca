/**
 * Registry authentication: anonymous, HTTP basic, and bearer tokens per distribution's token
 * spec (GET the realm with basic credentials, or POST an OAuth2 form with an identity/refresh
 * token as docker does). Tokens are cached per (realm, service, scopes) until `expires_in`.
 * Credentials are fetched lazily from the CredentialProvider and never logged or put in errors.
 */
import { BosunError } from '../../util/errors.ts';
import type { CredentialProvider, RegistryCredential } from '../credential-types.ts';
import { registryErrorCodes, statusError, type RequestContext } from './errors.ts';
import { readBody, type Transport } from './transport.ts';
import { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate.ts';

/** The actions a request needs on its repository (distribution asks `delete` for DELETE). */
export type RepositoryActions = 'pull' | 'pull,push' | 'delete';

/** `repository:<name>:<actions>`, the token scope syntax. */
export function repositoryScope(repository: string, actions: RepositoryActions): string {
  return `repository:${repository}:${actions}`;
}

/**
 * Unions scopes per resource (`repository:a:pull` + `repository:a:pull,push` →
 * `repository:a:pull,push`), sorted, so equal needs share one cached token.
 */
export function mergeScopes(scopes: readonly string[]): string[] {
  const byResource = new Map<string, Set<string>>();
  for (const scope of scopes) {
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    const resource = first > 0 && last > first ? scope.slice(0, last) : scope;
    const actions =
      first > 0 && last > first
        ? scope
            .slice(last + 1)
            .split(',')
            .filter(Boolean)
        : [];
    const set = byResource.get(resource) ?? new Set<string>();
    for (const action of actions) set.add(action);
    byResource.set(resource, set);
  }
  return [...byResource]
    .map(([resource, actions]) =>
      actions.size === 0 ? resource : `${resource}:${[...actions].sort().join(',')}`,
    )
    .sort();
}

const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;
const MAX_TOKEN_LENGTH = 64 * 1024;
/** The token spec's default when `expires_in` is absent (and its minimum). */
const DEFAULT_TOKEN_SECONDS = 60;

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

export interface RegistryAuthOptions {
  /** The registry as credentials are keyed (`docker.io`, `127.0.0.1:5000`). */
  readonly registry: string;
  readonly credentials?: CredentialProvider;
  readonly insecure: boolean;
  readonly transport: Transport;
  readonly now: () => number;
  readonly clientId: string;
}

export class RegistryAuth {
  readonly #options: RegistryAuthOptions;
  #credential: Promise<RegistryCredential | undefined> | undefined;
  #challenge: AuthChallenge | undefined;
  readonly #tokens = new Map<string, CachedToken>();
  readonly #pending = new Map<string, Promise<CachedToken>>();

  constructor(options: RegistryAuthOptions) {
    this.#options = options;
  }

  async #getCredential(signal?: AbortSignal): Promise<RegistryCredential | undefined> {
    if (this.#options.credentials === undefined) return undefined;
    this.#credential ??= this.#options.credentials(this.#options.registry, signal);
    try {
      return await this.#credential;
    } catch (error) {
      this.#credential = undefined;
      throw error;
    }
  }

  /** The Authorization header for a request needing `scopes`, from what is known so far. */
  async header(
    scopes: readonly string[],
    context: RequestContext,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const challenge = this.#challenge;
    if (challenge === undefined) return undefined;
    const credential = await this.#getCredential(signal);
    if (challenge.scheme === 'basic') {
      return credential?.kind === 'basic' ? basicHeader(credential.username, credential.password) : undefined;
    }
    if (credential?.kind === 'bearer') return `Bearer ${credential.token}`;
    const key = this.#cacheKey(challenge, scopes);
    const cached = this.#tokens.get(key);
    if (cached !== undefined && cached.expiresAt > this.#options.now()) return `Bearer ${cached.token}`;
    this.#tokens.delete(key);
    // Parallel requests needing the same scopes share one token request.
    let pending = this.#pending.get(key);
    if (pending === undefined) {
      pending = this.#fetchToken(challenge, scopes, credential, context, signal);
      this.#pending.set(key, pending);
      void pending.then(
        (token) => {
          this.#tokens.set(key, token);
          this.#pending.delete(key);
        },
        () => this.#pending.delete(key),
      );
    }
    const token = await pending;
    return `Bearer ${token.token}`;
  }

  /**
   * Learns from a 401: remembers the challenge and drops the cached token that failed. Returns
   * false when retrying cannot help (no usable challenge, or basic auth without credentials).
   */
  async onUnauthorized(
    wwwAuthenticate: string | undefined,
    scopes: readonly string[],
    signal?: AbortSignal,
  ): Promise<boolean> {
    if (wwwAuthenticate === undefined) return false;
    const challenges = parseWwwAuthenticate(wwwAuthenticate);
    const challenge =
      challenges.find((c) => c.scheme === 'bearer' && c.params.has('realm')) ??
      challenges.find((c) => c.scheme === 'basic');
    if (challenge === undefined) return false;
    if (this.#challenge !== undefined) this.#tokens.delete(this.#cacheKey(this.#challenge, scopes));
    this.#challenge = challenge;
    const credential = await this.#getCredential(signal);
    if (challenge.scheme === 'basic') return credential?.kind === 'basic';
    return true;
  }

  /** Scopes the request needs plus those the challenge names, merged per resource. */
  #scopes(challenge: AuthChallenge, scopes: readonly string[]): string[] {
    const named = challenge.params.get('scope');
    return mergeScopes([...scopes, ...(named === undefined ? [] : named.split(' ').filter(Boolean))]);
  }

  #cacheKey(challenge: AuthChallenge, scopes: readonly string[]): string {
    return JSON.stringify([
      challenge.params.get('realm') ?? '',
      challenge.params.get('service') ?? '',
      this.#scopes(challenge, scopes),
    ]);
  }

  async #fetchToken(
    challenge: AuthChallenge,
    requested: readonly string[],
    credential: RegistryCredential | undefined,
    context: RequestContext,
    signal?: AbortSignal,
  ): Promise<CachedToken> {
    const tokenContext: RequestContext = { ...context, operation: `get token for ${context.operation}` };
    const realm = parseRealm(challenge.params.get('realm'), tokenContext);
    // Credentials go over TLS only, unless the caller explicitly accepted an insecure registry.
    if (realm.protocol === 'http:' && credential !== undefined && !this.#options.insecure) {
      throw new BosunError(
        'REGISTRY_PROTOCOL',
        `${tokenContext.operation}: refusing to send credentials to a plain-HTTP token realm (${realm.origin})`,
        { details: { registry: context.registry, realm: realm.origin } },
      );
    }
    const service = challenge.params.get('service');
    const scopes = this.#scopes(challenge, requested);
    const started = this.#options.now();
    let response;
    if (credential?.kind === 'identity-token') {
      const form = new URLSearchParams();
      form.set('grant_type', 'refresh_token');
      form.set('refresh_token', credential.token);
      if (service !== undefined) form.set('service', service);
      if (scopes.length > 0) form.set('scope', scopes.join(' '));
      form.set('client_id', this.#options.clientId);
      response = await this.#options.transport.send({
        method: 'POST',
        url: realm,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new Uint8Array(Buffer.from(form.toString(), 'utf8')),
        followRedirects: false,
        context: tokenContext,
        ...(signal === undefined ? {} : { signal }),
      });
    } else {
      const url = new URL(realm);
      if (service !== undefined) url.searchParams.set('service', service);
      for (const scope of scopes) url.searchParams.append('scope', scope);
      if (credential?.kind === 'basic') url.searchParams.set('account', credential.username);
      response = await this.#options.transport.send({
        method: 'GET',
        url,
        headers:
          credential?.kind === 'basic'
            ? { authorization: basicHeader(credential.username, credential.password) }
            : {},
        followRedirects: false,
        context: tokenContext,
        ...(signal === undefined ? {} : { signal }),
      });
    }
    const body = await readBody(
      response,
      MAX_TOKEN_RESPONSE_BYTES,
      'token response',
      tokenContext,
      'REGISTRY_PROTOCOL',
      signal,
    );
    const text = Buffer.from(body).toString('utf8');
    if (response.status !== 200) {
      throw statusError(response.status, tokenContext, registryErrorCodes(text));
    }
    return parseTokenResponse(text, started, tokenContext);
  }
}

function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function parseRealm(realm: string | undefined, context: RequestContext): URL {
  let url: URL | undefined;
  try {
    url = realm === undefined ? undefined : new URL(realm);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new BosunError(
      'REGISTRY_PROTOCOL',
      `${context.operation}: the bearer challenge has no usable realm`,
      {
        details: { registry: context.registry },
      },
    );
  }
  return url;
}

/** `{token | access_token, expires_in?}`; a token is cached a little less long than it lives. */
export function parseTokenResponse(text: string, startedAt: number, context: RequestContext): CachedToken {
  const invalid = (what: string): BosunError =>
    new BosunError('REGISTRY_PROTOCOL', `${context.operation}: ${what}`, {
      details: { registry: context.registry },
    });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('token response is not JSON');
  }
  if (typeof value !== 'object' || value === null) throw invalid('token response is not an object');
  const record = value as Record<string, unknown>;
  const token = typeof record.token === 'string' && record.token !== '' ? record.token : record.access_token;
  if (typeof token !== 'string' || token === '' || token.length > MAX_TOKEN_LENGTH || /[\s]/.test(token)) {
    throw invalid('token response has no usable token');
  }
  const raw = record.expires_in;
  const seconds =
    typeof raw === 'number' && Number.isFinite(raw) && raw > 0
      ? Math.max(raw, DEFAULT_TOKEN_SECONDS)
      : DEFAULT_TOKEN_SECONDS;
  const lifetime = seconds * 1000;
  // Renew before the end so a token does not expire in flight.
  const margin = Math.min(30_000, lifetime / 10);
  return { token, expiresAt: startedAt + lifetime - margin };
}
