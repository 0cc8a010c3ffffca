// Registry credentials per admission request from the pod's own imagePullSecrets, read through the
// Kubernetes API, tried before the webhook's configured credentials (as kubelet tries the pod's
// secrets before the node's). A controller's pod template that names none gets its service
// account's imagePullSecrets, as the ServiceAccount admission plugin will give its pods (a Pod
// reaching the webhook already carries them: that plugin runs first).
//
// Cache isolation: the shared facts cache is keyed by digest, not by who may read the image. So a
// request whose pod names pull secrets never uses it: its lookups go to a facts service scoped to
// (namespace, secret names and their resourceVersions), with its own cache and registry clients.
// A positive answer obtained with namespace A's secret is thus only ever seen by requests of
// namespace A naming the same secrets at the same versions; a pod naming no secret (or only
// missing ones) uses the shared facts, whose answers were all made with the webhook's own
// credentials. The price is one extra cache per scope (bounded by `maxScopes`).
import {
  chainCredentialProviders,
  kubernetesSecretProvider,
  type CredentialProvider,
} from '../../image/index.ts';
import {
  CachedImageFacts,
  RegistryImageFacts,
  type ImageFacts,
  type ImageFactsCacheOptions,
  type JsonObject,
  type JsonValue,
  type RegistryImageFactsOptions,
} from '../../policy/index.ts';
import { BosunError, isBosunError } from '../../util/errors.ts';
import type { AdmissionRequest } from '../review/types.ts';
import { podSpecOf } from '../review/workload.ts';
import type { KubeClient, KubeSecret } from './kube-client.ts';

export interface PullSecretFactsOptions {
  readonly kube: KubeClient;
  /** The webhook's facts for requests that name no pull secret. */
  readonly shared: ImageFacts;
  /** Registry settings of the webhook (its credentials are tried after the pod's secrets). */
  readonly registry?: RegistryImageFactsOptions;
  /** Cache settings of each scoped facts service. */
  readonly cache?: ImageFactsCacheOptions;
  /** How long a Secret read from the API is reused (default 60 s). */
  readonly secretTtlMs?: number;
  /** Most Secrets kept (default 1024) and most scopes kept (default 64), oldest dropped first. */
  readonly maxSecrets?: number;
  readonly maxScopes?: number;
  /** Most pull secrets read for one request (default 16); more is a request error. */
  readonly maxSecretsPerRequest?: number;
  /** Clock in ms (tests). */
  readonly now?: () => number;
}

export interface PullSecretFacts {
  /** The facts for this request; never rejects (a failed Secret read makes every lookup fail). */
  factsFor(request: AdmissionRequest, signal: AbortSignal): Promise<ImageFacts>;
  /** Scoped facts services held now. */
  readonly scopes: number;
  close(): Promise<void>;
}

const PULL_SECRET_TYPES = new Set(['kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg']);

function isObj(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The `imagePullSecrets[].name` of the pod spec of a pod-bearing object, deduplicated, in order. */
export function imagePullSecretNames(kind: string, object: JsonObject | undefined): string[] {
  const list = podSpecOf(kind, object)?.['imagePullSecrets'];
  if (!Array.isArray(list)) return [];
  const names: string[] = [];
  for (const entry of list) {
    const name = isObj(entry) ? entry['name'] : undefined;
    if (typeof name === 'string' && name !== '' && !names.includes(name)) names.push(name);
  }
  return names;
}

/** The service account a pod-bearing object's pods run as (`default` when the spec names none). */
export function serviceAccountNameOf(kind: string, object: JsonObject | undefined): string | undefined {
  const spec = podSpecOf(kind, object);
  if (spec === undefined) return undefined;
  const name = spec['serviceAccountName'] ?? spec['serviceAccount'];
  return typeof name === 'string' && name !== '' ? name : 'default';
}

/** Facts whose every lookup fails with `error` (the Secret read failed: fail as the policy says). */
function failingFacts(error: BosunError): ImageFacts {
  const fail = (): Promise<never> => Promise.reject(error);
  return {
    resolveDigest: fail,
    verifySignature: fail,
    verifyAttestations: fail,
    registryMetadata: fail,
  };
}

interface Scope {
  readonly facts: CachedImageFacts;
  readonly registry: RegistryImageFacts;
}

/** Per-request facts from pull secrets read through `kube`. */
export function createPullSecretFacts(options: PullSecretFactsOptions): PullSecretFacts {
  const now = options.now ?? Date.now;
  const secretTtl = options.secretTtlMs ?? 60_000;
  const maxSecrets = Math.max(1, options.maxSecrets ?? 1024);
  const maxScopes = Math.max(1, options.maxScopes ?? 64);
  const perRequest = options.maxSecretsPerRequest ?? 16;
  const secrets = new Map<string, { value: Promise<KubeSecret | undefined>; expires: number }>();
  const accounts = new Map<string, { value: Promise<string[]>; expires: number }>();
  const scopes = new Map<string, Scope>();
  const base = options.registry?.credentials;

  /** The Secret, undefined when it does not exist (kubelet also goes on without it). */
  function secret(namespace: string, name: string, signal: AbortSignal): Promise<KubeSecret | undefined> {
    const key = `${namespace}/${name}`;
    const hit = secrets.get(key);
    if (hit !== undefined && hit.expires > now()) return hit.value;
    secrets.delete(key);
    const value = options.kube.getSecret(namespace, name, signal).catch((error: unknown) => {
      if (isBosunError(error) && error.code === 'ADMISSION_KUBE_NOT_FOUND') return undefined;
      secrets.delete(key);
      throw error;
    });
    secrets.set(key, { value, expires: now() + secretTtl });
    while (secrets.size > maxSecrets) {
      const oldest = secrets.keys().next().value;
      if (oldest === undefined) break;
      secrets.delete(oldest);
    }
    return value;
  }

  /** A service account's imagePullSecrets names; none when it does not exist. Cached like Secrets. */
  function accountSecrets(namespace: string, name: string, signal: AbortSignal): Promise<string[]> {
    const key = `${namespace}/${name}`;
    const hit = accounts.get(key);
    if (hit !== undefined && hit.expires > now()) return hit.value;
    accounts.delete(key);
    const value = options.kube.getServiceAccount(namespace, name, signal).then(
      (sa) => {
        const names: string[] = [];
        for (const ref of sa.imagePullSecrets ?? [])
          if (typeof ref.name === 'string' && ref.name !== '' && !names.includes(ref.name))
            names.push(ref.name);
        return names;
      },
      (error: unknown) => {
        if (isBosunError(error) && error.code === 'ADMISSION_KUBE_NOT_FOUND') return [];
        accounts.delete(key);
        throw error;
      },
    );
    accounts.set(key, { value, expires: now() + secretTtl });
    while (accounts.size > maxSecrets) {
      const oldest = accounts.keys().next().value;
      if (oldest === undefined) break;
      accounts.delete(oldest);
    }
    return value;
  }

  function scope(key: string, found: readonly KubeSecret[]): Scope {
    const hit = scopes.get(key);
    if (hit !== undefined) {
      // Most recently used last, so eviction drops the least recently used scope.
      scopes.delete(key);
      scopes.set(key, hit);
      return hit;
    }
    const providers: CredentialProvider[] = found.map((s) =>
      kubernetesSecretProvider(s, { source: `Secret ${s.metadata.namespace ?? ''}/${s.metadata.name}` }),
    );
    if (base !== undefined) providers.push(base);
    const registry = new RegistryImageFacts({
      ...options.registry,
      credentials: chainCredentialProviders(...providers),
    });
    const created = { registry, facts: new CachedImageFacts(registry, options.cache) };
    scopes.set(key, created);
    while (scopes.size > maxScopes) {
      const [oldestKey, oldest] = scopes.entries().next().value ?? [];
      if (oldestKey === undefined || oldest === undefined) break;
      scopes.delete(oldestKey);
      // Lookups of requests still in flight may use its clients: close once they are done.
      setTimeout(() => void oldest.registry.close(), 60_000).unref();
    }
    return created;
  }

  async function factsFor(request: AdmissionRequest, signal: AbortSignal): Promise<ImageFacts> {
    const object = request.operation === 'DELETE' ? request.oldObject : request.object;
    const kind = request.kind.kind;
    const own = imagePullSecretNames(kind, object);
    const namespace = request.namespace;
    const account = kind === 'Pod' || own.length > 0 ? undefined : serviceAccountNameOf(kind, object);
    if ((own.length === 0 && account === undefined) || namespace === undefined || namespace === '')
      return options.shared;
    try {
      const names = account === undefined ? own : await accountSecrets(namespace, account, signal);
      if (names.length === 0) return options.shared;
      if (names.length > perRequest)
        throw new BosunError('LIMIT_EXCEEDED', `imagePullSecrets: ${names.length} > ${perRequest}`, {
          details: {
            input: 'imagePullSecrets',
            limit: 'maxSecretsPerRequest',
            value: names.length,
            max: perRequest,
          },
        });
      const read = await Promise.all(names.map((n) => secret(namespace, n, signal)));
      const found = read.filter(
        (s): s is KubeSecret => s !== undefined && PULL_SECRET_TYPES.has(String(s.type ?? '')),
      );
      if (found.length === 0) return options.shared;
      const key = [
        namespace,
        ...found.map((s) => `${s.metadata.name}@${s.metadata.resourceVersion ?? ''}`),
      ].join('\0');
      return scope(key, found).facts;
    } catch (error) {
      return failingFacts(
        isBosunError(error)
          ? error
          : new BosunError('INTERNAL', 'reading image pull secrets failed', { cause: error }),
      );
    }
  }

  return {
    factsFor,
    get scopes() {
      return scopes.size;
    },
    async close() {
      await Promise.all([...scopes.values()].map((s) => s.registry.close()));
      scopes.clear();
      secrets.clear();
      accounts.clear();
    },
  };
}
