// The one cache in front of an ImageFacts (the webhook's and the CLI's): answers keyed by digest
// live for `ttlMs` (a digest names immutable content; the TTL bounds how long a new or removed
// signature goes unseen), tag → digest answers and metadata read through a tag for `tagTtlMs`
// (tags move), negative answers and errors for `negativeTtlMs` (a new signature or a recovered
// registry is seen soon). Concurrent identical questions share one flight, at most `concurrency`
// flights reach the inner facts at once, and each flight is bounded by `lookupTimeoutMs`.
import { Semaphore } from '../image/index.ts';
import { BosunError, isBosunError } from '../util/errors.ts';
import { untilAborted } from './common/abort.ts';
import type { JsonObject } from './common/json.ts';
import { referenceKey, subjectKey } from './image-facts-keys.ts';
import type {
  AttestationCheck,
  AttestationQuery,
  ImageFacts,
  SignatureCheck,
  SignatureQuery,
} from './image-facts.ts';

export interface ImageFactsCacheOptions {
  /** Lifetime of a positive answer keyed by digest (default 5 minutes). */
  readonly ttlMs?: number;
  /** Lifetime of a tag → digest answer, and of metadata read through a tag (default 30 s). */
  readonly tagTtlMs?: number;
  /** Lifetime of a negative answer or an error (default 5 s; 0 keeps none). */
  readonly negativeTtlMs?: number;
  /** Most flights to the inner facts at once (default 16). */
  readonly concurrency?: number;
  /** Most cached answers, oldest dropped first (default 10,000). */
  readonly maxEntries?: number;
  /** Upper bound of one shared flight, queueing included, whoever waits for it (default 30 s). */
  readonly lookupTimeoutMs?: number;
  /** Clock in ms (tests). */
  readonly now?: () => number;
}

/** Cache counters, mirrored by the webhook's /metrics. */
export interface ImageFactsCacheStats {
  /** Answers served from memory. */
  hits: number;
  /** Flights to the inner facts. */
  misses: number;
  /** Lookups that joined a flight already under way. */
  shared: number;
  /** Flights that failed (errors and timeouts; "not verified" is an answer, not an error). */
  errors: number;
}

interface Entry {
  readonly value: Promise<unknown>;
  readonly expires: number;
}

/** `p` for a caller that stops waiting when its own `signal` aborts. */
function forCaller<T>(p: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (signal === undefined) return p;
  return untilAborted(p, signal, () =>
    isBosunError(signal.reason)
      ? signal.reason
      : new BosunError('ABORTED', `image facts for ${what}: lookup aborted`, {
          cause: signal.reason,
          details: { input: what },
        }),
  );
}

/** The cached ImageFacts service; `stats` feeds the metrics. */
export class CachedImageFacts implements ImageFacts {
  readonly stats: ImageFactsCacheStats = { hits: 0, misses: 0, shared: 0, errors: 0 };
  /** Present when the inner facts keep model-scan results; cached by digest. */
  readonly modelScan?: (digest: string, signal?: AbortSignal) => Promise<JsonObject | undefined>;
  readonly #inner: ImageFacts;
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<unknown>>();
  readonly #slots: Semaphore;
  readonly #ttl: number;
  readonly #tagTtl: number;
  readonly #negativeTtl: number;
  readonly #max: number;
  readonly #lookupTimeout: number;
  readonly #now: () => number;

  constructor(inner: ImageFacts, options: ImageFactsCacheOptions = {}) {
    this.#inner = inner;
    this.#slots = new Semaphore(options.concurrency ?? 16);
    this.#ttl = options.ttlMs ?? 5 * 60_000;
    this.#tagTtl = options.tagTtlMs ?? 30_000;
    this.#negativeTtl = options.negativeTtlMs ?? 5_000;
    this.#max = Math.max(1, options.maxEntries ?? 10_000);
    this.#lookupTimeout = options.lookupTimeoutMs ?? 30_000;
    this.#now = options.now ?? Date.now;
    const scan = inner.modelScan?.bind(inner);
    if (scan !== undefined) {
      this.modelScan = (digest, signal) =>
        this.#lookup(
          `x\0${digest}`,
          digest,
          this.#ttl,
          (v) => v !== undefined,
          signal,
          (s) => scan(digest, s),
        );
    }
  }

  /** Cached answers held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Drops every cached answer (flights under way still complete and are cached). */
  clear(): void {
    this.#entries.clear();
  }

  resolveDigest(reference: string, signal?: AbortSignal): Promise<string> {
    const { key, digest } = referenceKey(reference);
    if (digest !== undefined) return Promise.resolve(digest);
    const run = (s: AbortSignal): Promise<string> => this.#inner.resolveDigest(reference, s);
    return this.#lookup(`d\0${key}`, reference, this.#tagTtl, () => true, signal, run);
  }

  verifySignature(q: SignatureQuery, signal?: AbortSignal): Promise<SignatureCheck> {
    return this.#verify('s', q, signal, (s) => this.#inner.verifySignature(q, s));
  }

  verifyAttestations(q: AttestationQuery, signal?: AbortSignal): Promise<AttestationCheck> {
    return this.#verify('a', q, signal, (s) => this.#inner.verifyAttestations(q, s));
  }

  registryMetadata(reference: string, signal?: AbortSignal): Promise<JsonObject> {
    const { key, digest } = referenceKey(reference);
    const ttl = digest === undefined ? this.#tagTtl : this.#ttl;
    const run = (s: AbortSignal): Promise<JsonObject> => this.#inner.registryMetadata(reference, s);
    return this.#lookup(`m\0${key}`, reference, ttl, () => true, signal, run);
  }

  /** A signature or attestation check, keyed by what it is about and every other query field. */
  #verify<T extends { readonly verified: boolean }>(
    kind: 's' | 'a',
    q: SignatureQuery,
    signal: AbortSignal | undefined,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { reference: _reference, digest: _digest, ...rest } = q;
    const subject = subjectKey(q.reference, q.digest);
    const ttl = subject.pinned ? this.#ttl : this.#tagTtl;
    const key = `${kind}\0${subject.key}\0${JSON.stringify(rest)}`;
    return this.#lookup(key, q.reference, ttl, (v) => v.verified, signal, run);
  }

  /**
   * A cached answer, a flight under way, or a new flight. The flight is not bound to any caller's
   * signal (others may be waiting for it): each caller stops waiting when its own signal aborts,
   * and the flight finishes, bounded by the lookup timeout, and fills the cache for the rest.
   */
  #lookup<T>(
    key: string,
    what: string,
    positiveTtl: number,
    isPositive: (v: T) => boolean,
    signal: AbortSignal | undefined,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit !== undefined && hit.expires > this.#now()) {
      this.stats.hits++;
      return forCaller(hit.value as Promise<T>, signal, what);
    }
    if (hit !== undefined) this.#entries.delete(key);
    const flying = this.#inflight.get(key) as Promise<T> | undefined;
    if (flying !== undefined) {
      this.stats.shared++;
      return forCaller(flying, signal, what);
    }
    this.stats.misses++;
    const flight = this.#fly(what, run);
    this.#inflight.set(key, flight);
    // Attached before any caller's: the answer moves from in flight to cached before anyone resumes.
    flight.then(
      (value) => this.#settle(key, flight, isPositive(value) ? positiveTtl : this.#negativeTtl),
      () => {
        this.stats.errors++;
        this.#settle(key, flight, this.#negativeTtl);
      },
    );
    return forCaller(flight, signal, what);
  }

  async #fly<T>(what: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const limit = AbortSignal.timeout(this.#lookupTimeout);
    const timedOut = (): BosunError =>
      new BosunError(
        'REGISTRY_TIMEOUT',
        `image facts for ${what}: no answer within the lookup timeout (${this.#lookupTimeout} ms)`,
        { details: { input: what, limit: 'lookupTimeoutMs', max: this.#lookupTimeout } },
      );
    let release: () => void;
    try {
      release = await this.#slots.acquire(limit);
    } catch {
      throw timedOut();
    }
    try {
      // Raced as well as passed down: an inner service that ignores the signal cannot hold the slot.
      return await untilAborted(run(limit), limit, timedOut);
    } finally {
      release();
    }
  }

  #settle(key: string, value: Promise<unknown>, ttl: number): void {
    if (this.#inflight.get(key) === value) this.#inflight.delete(key);
    if (ttl <= 0) return;
    this.#entries.set(key, { value, expires: this.#now() + ttl });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
