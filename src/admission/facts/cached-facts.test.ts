import { describe, expect, it } from 'vitest';
import { InMemoryImageFacts, type ImageFacts } from '../../policy/index.ts';
import { CachedImageFacts } from './cached-facts.ts';

const DIGEST = `sha256:${'b'.repeat(64)}`;
const KEY = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----';

function inner(): InMemoryImageFacts {
  return new InMemoryImageFacts({ 'r.example/app:1': { digest: DIGEST, signatures: [{ publicKey: KEY }] } });
}
const query = {
  reference: 'r.example/app:1',
  digest: DIGEST,
  attestor: { kind: 'keys' as const, publicKeys: [KEY] },
  format: 'Cosign' as const,
};

describe('CachedImageFacts', () => {
  it('answers repeated lookups from the cache until the TTL passes', async () => {
    let now = 0;
    const base = inner();
    const facts = new CachedImageFacts(base, { ttlMs: 1000, now: () => now });
    await facts.verifySignature(query);
    await facts.verifySignature({ ...query, reference: `r.example/app@${DIGEST}` });
    now = 2000;
    await facts.verifySignature(query);
    expect([base.calls, facts.stats.hits, facts.stats.misses]).toEqual([2, 1, 2]);
  });

  it('shares one flight between concurrent identical lookups', async () => {
    const base = inner();
    const facts = new CachedImageFacts(base);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => facts.resolveDigest('r.example/app:1')),
    );
    expect([answers, base.calls, facts.stats.shared]).toEqual([Array(10).fill(DIGEST), 1, 9]);
  });

  it('answers digest references without a lookup', async () => {
    const base = inner();
    expect(await new CachedImageFacts(base).resolveDigest(`r.example/app@${DIGEST}`)).toEqual(DIGEST);
    expect(base.calls).toEqual(0);
  });

  it('keeps errors and negative answers only for the short negative TTL', async () => {
    let now = 0;
    const base = inner();
    const facts = new CachedImageFacts(base, { negativeTtlMs: 100, now: () => now });
    await expect(facts.resolveDigest('r.example/missing:1')).rejects.toThrow();
    await expect(facts.resolveDigest('r.example/missing:1')).rejects.toThrow();
    now = 200;
    await expect(facts.resolveDigest('r.example/missing:1')).rejects.toThrow();
    expect([base.calls, facts.stats.errors]).toEqual([2, 2]);
  });

  it('bounds concurrent lookups to the inner facts', async () => {
    let active = 0;
    let peak = 0;
    const slow: ImageFacts = {
      ...inner(),
      resolveDigest: async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        return DIGEST;
      },
      verifySignature: async () => ({ verified: true }),
      verifyAttestations: async () => ({ verified: true, statements: [] }),
      registryMetadata: async () => ({}),
    };
    const facts = new CachedImageFacts(slow, { concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => facts.resolveDigest(`r.example/app:${i}`)));
    expect(peak).toEqual(3);
  });
});
