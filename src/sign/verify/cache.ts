/**
 * In-memory verification results keyed by image digest and everything else that decides them
 * (keys, required claims, storage). A digest names immutable content, so a result stays right
 * until a signature is added or removed: the TTL bounds how long such a change goes unseen.
 */
export interface VerificationCacheOptions {
  /** How long a passing result is reused (default 5 minutes). */
  readonly ttlMs?: number;
  /** How long a failing result is reused (default 0: never, so a new signature counts at once). */
  readonly negativeTtlMs?: number;
  /** Most entries kept; the oldest are dropped first (default 10,000). */
  readonly maxEntries?: number;
  /** Clock in ms (tests). */
  readonly now?: () => number;
}

interface Entry<T> {
  readonly value: T;
  readonly expires: number;
}

export class VerificationCache<T = unknown> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #ttl: number;
  readonly #negativeTtl: number;
  readonly #max: number;
  readonly #now: () => number;
  #hits = 0;
  #misses = 0;

  constructor(options: VerificationCacheOptions = {}) {
    this.#ttl = options.ttlMs ?? 5 * 60_000;
    this.#negativeTtl = options.negativeTtlMs ?? 0;
    this.#max = Math.max(1, options.maxEntries ?? 10_000);
    this.#now = options.now ?? Date.now;
  }

  get(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.expires <= this.#now()) {
      if (entry !== undefined) this.#entries.delete(key);
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    return entry.value;
  }

  /** Stores a result; `passed` picks the TTL. A zero TTL stores nothing. */
  set(key: string, value: T, passed: boolean): void {
    const ttl = passed ? this.#ttl : this.#negativeTtl;
    if (ttl <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: this.#now() + ttl });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  /** Drops every entry for an image digest (after signing it, say). */
  invalidateDigest(digest: string): void {
    for (const key of this.#entries.keys()) if (key.includes(`@${digest}|`)) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }

  get stats(): { readonly hits: number; readonly misses: number } {
    return { hits: this.#hits, misses: this.#misses };
  }
}
