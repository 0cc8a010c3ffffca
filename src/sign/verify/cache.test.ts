import { describe, expect, it } from 'vitest';
import { VerificationCache } from './cache.ts';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('VerificationCache', () => {
  it('keeps a passing result for its TTL, a failing one not at all by default', () => {
    const c = clock();
    const cache = new VerificationCache<string>({ ttlMs: 100, now: c.now });
    cache.set('pass', 'p', true);
    cache.set('fail', 'f', false);
    const early = [cache.get('pass'), cache.get('fail')];
    c.advance(100);
    expect([early, cache.get('pass'), cache.size, cache.stats]).toEqual([
      ['p', undefined],
      undefined,
      0,
      { hits: 1, misses: 2 },
    ]);
  });

  it('keeps failing results for negativeTtlMs when told', () => {
    const c = clock();
    const cache = new VerificationCache<string>({ ttlMs: 100, negativeTtlMs: 10, now: c.now });
    cache.set('fail', 'f', false);
    const before = cache.get('fail');
    c.advance(10);
    expect([before, cache.get('fail')]).toEqual(['f', undefined]);
  });

  it('drops the oldest entries beyond maxEntries, and all entries of a digest on request', () => {
    const cache = new VerificationCache<number>({ maxEntries: 2 });
    cache.set('sig|r/a@sha256:1|x', 1, true);
    cache.set('sig|r/a@sha256:2|x', 2, true);
    cache.set('sig|r/a@sha256:3|x', 3, true);
    const kept = [
      cache.get('sig|r/a@sha256:1|x'),
      cache.get('sig|r/a@sha256:2|x'),
      cache.get('sig|r/a@sha256:3|x'),
    ];
    cache.invalidateDigest('sha256:3');
    expect([kept, cache.get('sig|r/a@sha256:3|x'), cache.size]).toEqual([[undefined, 2, 3], undefined, 1]);
  });
});
