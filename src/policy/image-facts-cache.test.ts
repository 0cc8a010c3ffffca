// CachedImageFacts over in-memory and scripted facts: TTLs by kind of answer (digest, tag,
// negative, error), single-flight, the concurrency bound, the entry bound, the lookup timeout,
// callers that give up while others wait, and the model-scan hook. The same cache over a real
// registry is tested in image-facts-registry.test.ts.
import { describe, expect, it } from 'vitest';
import { isBosunError } from '../util/errors.ts';
import { CachedImageFacts } from './image-facts-cache.ts';
import { InMemoryImageFacts, type ImageFacts, type SignatureQuery } from './image-facts.ts';

const DIGEST = `sha256:${'b'.repeat(64)}`;
const OTHER = `sha256:${'c'.repeat(64)}`;
const KEY = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----';

function inner(): InMemoryImageFacts {
  return new InMemoryImageFacts({
    'r.example/app:1': { digest: DIGEST, signatures: [{ publicKey: KEY }] },
    'r.example/app:2': { digest: OTHER },
  });
}

const query = (reference = 'r.example/app:1', digest = DIGEST): SignatureQuery => ({
  reference,
  digest,
  attestor: { kind: 'keys', publicKeys: [KEY] },
  format: 'Cosign',
});

/** Facts whose every answer is `answer(reference, signal)`; counts calls. */
function scripted(answer: (reference: string, signal?: AbortSignal) => Promise<string>): ImageFacts & {
  calls: number;
} {
  const facts = {
    calls: 0,
    resolveDigest: async (reference: string, signal?: AbortSignal) => {
      facts.calls++;
      return answer(reference, signal);
    },
    verifySignature: async () => ({ verified: true }),
    verifyAttestations: async () => ({ verified: true, statements: [] }),
    registryMetadata: async () => ({}),
  };
  return facts;
}

function code(error: unknown): string {
  return isBosunError(error) ? error.code : 'not a BosunError';
}

describe('CachedImageFacts', () => {
  it('answers a tag and a digest form of one signature question from the cache until the TTL passes', async () => {
    let now = 0;
    const base = inner();
    const facts = new CachedImageFacts(base, { ttlMs: 1000, now: () => now });
    await facts.verifySignature(query());
    await facts.verifySignature(query(`r.example/app@${DIGEST}`));
    now = 2000;
    await facts.verifySignature(query());
    expect([base.calls, facts.stats.hits, facts.stats.misses]).toEqual([2, 1, 2]);
  });

  it.each<[string, (f: CachedImageFacts) => Promise<unknown>, number]>([
    ['tag → digest', (f) => f.resolveDigest('r.example/app:1'), 30],
    ['metadata through a tag', (f) => f.registryMetadata('r.example/app:1'), 30],
    ['metadata through a digest', (f) => f.registryMetadata(`r.example/app@${DIGEST}`), 1000],
    ['verified signature', (f) => f.verifySignature(query()), 1000],
    ['signature not verified', (f) => f.verifySignature(query('r.example/app:2', OTHER)), 5],
    ['error', (f) => f.resolveDigest('r.example/missing:1').catch(() => 'failed'), 5],
  ])('keeps a %s answer for its own TTL', async (_name, ask, ttl) => {
    let now = 0;
    const base = inner();
    const facts = new CachedImageFacts(base, { ttlMs: 1000, tagTtlMs: 30, negativeTtlMs: 5, now: () => now });
    await ask(facts);
    now = ttl - 1;
    await ask(facts);
    const cached = base.calls;
    now = ttl;
    await ask(facts);
    expect([cached, base.calls]).toEqual([1, 2]);
  });

  it('keeps no negative answer when the negative TTL is 0', async () => {
    const base = inner();
    const facts = new CachedImageFacts(base, { negativeTtlMs: 0 });
    await facts.verifySignature(query('r.example/app:2', OTHER));
    await facts.verifySignature(query('r.example/app:2', OTHER));
    expect([base.calls, facts.size]).toEqual([2, 0]);
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

  it('counts errors, shares them while in flight and keeps them for the negative TTL', async () => {
    let now = 0;
    const base = inner();
    const facts = new CachedImageFacts(base, { negativeTtlMs: 100, now: () => now });
    const failed = (p: Promise<unknown>): Promise<unknown> =>
      p.then(
        () => 'resolved',
        () => 'rejected',
      );
    const first = await Promise.all([
      failed(facts.resolveDigest('r.example/missing:1')),
      failed(facts.resolveDigest('r.example/missing:1')),
    ]);
    await failed(facts.resolveDigest('r.example/missing:1'));
    now = 200;
    await failed(facts.resolveDigest('r.example/missing:1'));
    expect([first, base.calls, facts.stats]).toEqual([
      ['rejected', 'rejected'],
      2,
      { hits: 1, misses: 2, shared: 1, errors: 2 },
    ]);
  });

  it('bounds concurrent lookups to the inner facts', async () => {
    let active = 0;
    let peak = 0;
    const slow = scripted(async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      return DIGEST;
    });
    const facts = new CachedImageFacts(slow, { concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => facts.resolveDigest(`r.example/app:${i}`)));
    expect([peak, slow.calls]).toEqual([3, 12]);
  });

  it('holds at most maxEntries answers, dropping the oldest first', async () => {
    const base = inner();
    const facts = new CachedImageFacts(base, { maxEntries: 2 });
    await facts.resolveDigest('r.example/app:1');
    await facts.resolveDigest('r.example/app:2');
    await facts.registryMetadata('r.example/app:1');
    await facts.resolveDigest('r.example/app:2');
    expect([facts.size, base.calls]).toEqual([2, 3]);
    await facts.resolveDigest('r.example/app:1');
    expect(base.calls).toEqual(4);
  });

  it('fails a lookup that outlives the lookup timeout, and frees its slot', async () => {
    const hung = scripted((reference) =>
      reference.endsWith(':hang') ? new Promise<string>(() => undefined) : Promise.resolve(DIGEST),
    );
    const facts = new CachedImageFacts(hung, { concurrency: 1, lookupTimeoutMs: 50, negativeTtlMs: 0 });
    const outcomes = await Promise.all([
      facts.resolveDigest('r.example/app:hang').catch(code),
      // Queued behind the hung lookup: it runs once the timeout frees the only slot.
      facts.resolveDigest('r.example/app:1'),
    ]);
    expect([outcomes, facts.stats.errors]).toEqual([['REGISTRY_TIMEOUT', DIGEST], 1]);
  });

  it('lets a caller give up without cancelling the flight others wait for', async () => {
    let release!: (digest: string) => void;
    let flightSignal: AbortSignal | undefined;
    const gated = scripted((_reference, signal) => {
      flightSignal = signal;
      return new Promise<string>((resolve) => (release = resolve));
    });
    const facts = new CachedImageFacts(gated);
    const impatient = new AbortController();
    const first = facts.resolveDigest('r.example/app:1', impatient.signal).catch(code);
    const second = facts.resolveDigest('r.example/app:1');
    await new Promise((r) => setImmediate(r));
    impatient.abort();
    const gaveUp = await first;
    release(DIGEST);
    expect([gaveUp, await second, flightSignal?.aborted, gated.calls]).toEqual(['ABORTED', DIGEST, false, 1]);
    await expect(facts.resolveDigest('r.example/app:1', AbortSignal.abort())).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });

  it('caches the model-scan hook by digest, and has none when the inner facts have none', async () => {
    const scans: string[] = [];
    const withScan: ImageFacts = {
      ...scripted(async () => DIGEST),
      modelScan: async (digest) => {
        scans.push(digest);
        return digest === DIGEST ? { verdict: 'safe', files: [] } : undefined;
      },
    };
    const facts = new CachedImageFacts(withScan);
    const answers = [
      await facts.modelScan?.(DIGEST),
      await facts.modelScan?.(DIGEST),
      await facts.modelScan?.(OTHER),
    ];
    expect([answers, scans, new CachedImageFacts(inner()).modelScan]).toEqual([
      [{ verdict: 'safe', files: [] }, { verdict: 'safe', files: [] }, undefined],
      [DIGEST, OTHER],
      undefined,
    ]);
  });
});
