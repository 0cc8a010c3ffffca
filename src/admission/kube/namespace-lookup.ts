// Namespace labels and objects for admission requests, read through the Kubernetes API: what
// Kyverno `namespaceSelector` matching and CEL `namespaceObject` need, since an AdmissionReview
// carries neither. Answers are kept for a short TTL (labels change rarely, and a stale label for
// a few seconds is what every webhook that caches namespaces accepts); concurrent requests for the
// same namespace share one API call. Failures are not cached: the next request asks again.
import type { JsonObject } from '../../policy/index.ts';
import type { KubeClient } from './kube-client.ts';

/** What policies see of a request's namespace. */
export interface NamespaceFacts {
  readonly labels: Readonly<Record<string, string>>;
  /** The Namespace object as the API server returned it. */
  readonly object: JsonObject;
}

export interface NamespaceLookupOptions {
  readonly kube: KubeClient;
  /** How long an answer is reused (default 30 s). */
  readonly ttlMs?: number;
  /** Most namespaces kept (default 4096; the oldest is dropped first). */
  readonly maxEntries?: number;
  /** Clock in ms (tests). */
  readonly now?: () => number;
}

export interface NamespaceLookup {
  /** The namespace's facts; rejects with the API client's typed errors. */
  get(name: string, signal?: AbortSignal): Promise<NamespaceFacts>;
  readonly stats: { readonly hits: number; readonly misses: number; readonly errors: number };
}

export function createNamespaceLookup(options: NamespaceLookupOptions): NamespaceLookup {
  const ttlMs = options.ttlMs ?? 30_000;
  const maxEntries = options.maxEntries ?? 4096;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { facts: NamespaceFacts; at: number }>();
  const inFlight = new Map<string, Promise<NamespaceFacts>>();
  const stats = { hits: 0, misses: 0, errors: 0 };

  async function fetchFacts(name: string, signal?: AbortSignal): Promise<NamespaceFacts> {
    try {
      const ns = await options.kube.getNamespace(name, signal);
      const facts: NamespaceFacts = {
        labels: { ...(ns.metadata.labels ?? {}) },
        object: ns as unknown as JsonObject,
      };
      cache.delete(name);
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
      cache.set(name, { facts, at: now() });
      return facts;
    } catch (error) {
      stats.errors++;
      throw error;
    } finally {
      inFlight.delete(name);
    }
  }

  return {
    stats,
    get(name, signal) {
      const hit = cache.get(name);
      if (hit !== undefined && now() - hit.at < ttlMs) {
        stats.hits++;
        return Promise.resolve(hit.facts);
      }
      let pending = inFlight.get(name);
      if (pending === undefined) {
        stats.misses++;
        // The first caller's deadline bounds the shared call; the API client's own timeout bounds it too.
        pending = fetchFacts(name, signal);
        inFlight.set(name, pending);
      } else stats.hits++;
      return pending;
    },
  };
}
