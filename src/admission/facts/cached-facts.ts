// The one cached image-facts service of the webhook: results cached by digest with a TTL, errors
// and negative answers for a short time, concurrent identical lookups share one flight, and at
// most `concurrency` lookups reach the registries at once. Tag → digest answers get their own
// (short) TTL because tags move; everything keyed by digest names immutable content.
import { BosunError } from '../../util/errors.ts';
import type {
  AttestationCheck,
  AttestationQuery,
  ImageFacts,
  JsonObject,
  SignatureCheck,
  SignatureQuery,
} from '../../policy/index.ts';

export interface FactsCacheOptions {
  /** Lifetime of a verified (positive) answer keyed by digest (default 5 minutes). */
  readonly ttlMs?: number;
  /** Lifetime of a tag → digest answer (default 30 s). */
  readonly tagTtlMs?: number;
  /** Lifetime of a negative answer or an error (default 5 s: a new signature or a recovered registry is seen soon). */
  readonly negativeTtlMs?: number;
  /** Most concurrent lookups to the inner facts (default 16). */
  readonly concurrency?: number;
  /** Most cached entries (default 10,000; oldest first out). */
  readonly maxEntries?: number;
  /** Upper bound of one shared lookup, whoever waits for it (default 30 s). */
  readonly lookupTimeoutMs?: number;
  readonly now?: () => number;
}

export interface FactsCacheStats {
  hits: number;
  misses: number;
  /** Lookups that joined one already in flight. */
  shared: number;
  errors: number;
}

interface Entry {
  readonly value: Promise<unknown>;
  expires: number;
}

const DIGEST = /@(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/u;

class Semaphore {
  #free: number;
  readonly #waiters: (() => void)[] = [];
  constructor(n: number) {
    this.#free = n;
  }
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.#free > 0) this.#free--;
    else {
      await new Promise<void>((resolve, reject) => {
        const go = (): void => {
          signal?.removeEventListener('abort', abort);
          resolve();
        };
        const abort = (): void => {
          const i = this.#waiters.indexOf(go);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(new BosunError('ABORTED', 'image facts lookup aborted while queued'));
        };
        if (signal?.aborted === true) return abort();
        signal?.addEventListener('abort', abort, { once: true });
        this.#waiters.push(go);
      });
    }
    try {
      return await fn();
    } finally {
      const next = this.#waiters.shift();
      if (next !== undefined) next();
      else this.#free++;
    }
  }
}

/** The cached facts service; `stats` feeds the metrics. */
export class CachedImageFacts implements ImageFacts {
  readonly stats: FactsCacheStats = { hits: 0, misses: 0, shared: 0, errors: 0 };
  readonly #inner: ImageFacts;
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<unknown>>();
  readonly #sem: Semaphore;
  readonly #ttl: number;
  readonly #tagTtl: number;
  readonly #negTtl: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #lookupTimeout: number;

  constructor(inner: ImageFacts, options: FactsCacheOptions = {}) {
    this.#inner = inner;
    this.#sem = new Semaphore(Math.max(1, options.concurrency ?? 16));
    this.#ttl = options.ttlMs ?? 5 * 60_000;
    this.#tagTtl = options.tagTtlMs ?? 30_000;
    this.#negTtl = options.negativeTtlMs ?? 5_000;
    this.#max = Math.max(1, options.maxEntries ?? 10_000);
    this.#now = options.now ?? Date.now;
    this.#lookupTimeout = options.lookupTimeoutMs ?? 30_000;
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }

  #lookup<T>(
    key: string,
    positiveTtl: number,
    isPositive: (v: T) => boolean,
    run: (signal?: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const now = this.#now();
    const hit = this.#entries.get(key);
    if (hit !== undefined && hit.expires > now) {
      this.stats.hits++;
      return hit.value as Promise<T>;
    }
    if (hit !== undefined) this.#entries.delete(key);
    const flying = this.#inflight.get(key);
    if (flying !== undefined) {
      this.stats.shared++;
      return flying as Promise<T>;
    }
    this.stats.misses++;
    // The shared flight is not bound to the first caller's deadline: each caller races its own
    // deadline above this layer, and the flight finishes (and fills the cache) for the others.
    // Its own bound is the lookup timeout, so a registry that never answers frees the slot.
    const flight = AbortSignal.timeout(this.#lookupTimeout);
    const p = this.#sem.run(() => run(flight), flight);
    this.#inflight.set(key, p);
    p.then(
      (value) => this.#store(key, p, isPositive(value) ? positiveTtl : this.#negTtl),
      () => {
        this.stats.errors++;
        this.#store(key, p, this.#negTtl);
      },
    ).finally(() => this.#inflight.delete(key));
    return p;
  }

  #store(key: string, value: Promise<unknown>, ttl: number): void {
    if (ttl <= 0) return;
    // Rejections are handled by callers; the cached copy must not raise an unhandled rejection.
    value.catch(() => undefined);
    this.#entries.set(key, { value, expires: this.#now() + ttl });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  resolveDigest(reference: string): Promise<string> {
    const pinned = DIGEST.exec(reference);
    if (pinned !== null) return Promise.resolve(pinned[1]!);
    return this.#lookup(
      `d|${reference}`,
      this.#tagTtl,
      () => true,
      (s) => this.#inner.resolveDigest(reference, s),
    );
  }

  verifySignature(q: SignatureQuery): Promise<SignatureCheck> {
    const { reference: _r, ...rest } = q;
    return this.#lookup(
      `s|${JSON.stringify(rest)}|${repoOf(q.reference)}`,
      this.#ttl,
      (v) => v.verified,
      (s) => this.#inner.verifySignature(q, s),
    );
  }

  verifyAttestations(q: AttestationQuery): Promise<AttestationCheck> {
    const { reference: _r, ...rest } = q;
    return this.#lookup(
      `a|${JSON.stringify(rest)}|${repoOf(q.reference)}`,
      this.#ttl,
      (v) => v.verified,
      (s) => this.#inner.verifyAttestations(q, s),
    );
  }

  registryMetadata(reference: string): Promise<JsonObject> {
    const ttl = DIGEST.test(reference) ? this.#ttl : this.#tagTtl;
    return this.#lookup(
      `m|${reference}`,
      ttl,
      () => true,
      (s) => this.#inner.registryMetadata(reference, s),
    );
  }
}

/** The repository part of a reference (signatures live per repository, so it is part of the key). */
function repoOf(reference: string): string {
  const at = reference.indexOf('@');
  const base = at >= 0 ? reference.slice(0, at) : reference;
  const slash = base.lastIndexOf('/');
  const colon = base.lastIndexOf(':');
  return colon > slash ? base.slice(0, colon) : base;
}
