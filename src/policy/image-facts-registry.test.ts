// RegistryImageFacts behind CachedImageFacts on a real registry (Debian's docker-registry):
// digests, signatures in both storage formats, attestations, a signature repository override,
// Kyverno imageRegistry metadata, the model-scan hook, and the cache over real round trips (hits
// by digest, one flight for concurrent questions, short negative answers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSigningRegistry, type SigningRegistry } from '../../test/support/signing-registry.ts';
import { signImage } from '../sign/index.ts';
import { RegistryClient } from '../image/index.ts';
import { CachedImageFacts } from './image-facts-cache.ts';
import { RegistryImageFacts } from './image-facts-registry.ts';
import type { SignatureQuery } from './image-facts.ts';

let reg: SigningRegistry;
let registry: RegistryImageFacts;
let facts: CachedImageFacts;
let clock = 0;
let digest: string;
let indexDigest: string;
const scanned: string[] = [];

beforeAll(async () => {
  reg = await startSigningRegistry();
  registry = new RegistryImageFacts({
    credentials: async () => ({
      kind: 'basic',
      username: reg.registry.username ?? '',
      password: reg.registry.password ?? '',
    }),
    insecure: true,
    modelScan: async (d) => {
      scanned.push(d);
      return d === digest ? { verdict: 'safe', files: [] } : undefined;
    },
  });
  facts = new CachedImageFacts(registry, { ttlMs: 60_000, negativeTtlMs: 1_000, now: () => clock });
  digest = await reg.push('facts/app', '1.0', { config: { config: { User: '1000' } } });
  indexDigest = await reg.push('facts/multi', '2.0', { index: true });
  await reg.push('facts/late', '1.0');
  await reg.sign(`${reg.host}/facts/app:1.0`, { annotations: { env: 'prod' } });
  await reg.attest(
    `${reg.host}/facts/app:1.0`,
    'https://example.com/predicate/v1',
    { ok: true },
    { format: 'bundle' },
  );
});

afterAll(async () => {
  await registry?.close();
  await reg?.stop();
});

const query = (reference: string, d: string, extra: Partial<SignatureQuery> = {}): SignatureQuery => ({
  reference,
  digest: d,
  attestor: { kind: 'keys', publicKeys: [reg.publicPem] },
  format: 'Cosign',
  ...extra,
});

describe('RegistryImageFacts behind CachedImageFacts', () => {
  it('resolves tags to digests, answering a repeat from the cache', async () => {
    const before = facts.stats.misses;
    expect(await facts.resolveDigest(`${reg.host}/facts/app:1.0`)).toBe(digest);
    expect(await facts.resolveDigest(`${reg.host}/facts/app:1.0`)).toBe(digest);
    expect(facts.stats.misses - before).toBe(1);
    expect(await facts.resolveDigest(`${reg.host}/facts/app@${digest}`)).toBe(digest);
  });

  it.each<[string, Partial<SignatureQuery>, boolean]>([
    ['trusted key', {}, true],
    ['required annotation present', { annotations: { env: 'prod' } }, true],
    ['required annotation absent', { annotations: { env: 'dev' } }, false],
    [
      'bundles only (SigstoreBundle): the legacy signature does not count',
      { format: 'SigstoreBundle' },
      false,
    ],
  ])('verifies signatures: %s', async (_name, extra, verified) => {
    const check = await facts.verifySignature(query(`${reg.host}/facts/app:1.0`, digest, extra));
    expect(check.verified).toBe(verified);
  });

  it('reports keyless and untrusted keys as not verified, with a reason', async () => {
    const keyless = await facts.verifySignature({
      ...query(`${reg.host}/facts/app:1.0`, digest),
      attestor: { kind: 'keyless', issuer: 'x' },
    });
    expect([keyless.verified, typeof keyless.reason]).toEqual([false, 'string']);
    const stranger = await facts.verifySignature(
      query(`${reg.host}/facts/app:1.0`, digest, {
        attestor: { kind: 'keys', publicKeys: [reg.strangerPublicPem] },
      }),
    );
    expect(stranger.verified).toBe(false);
  });

  it('returns verified in-toto statements of the predicate type', async () => {
    const check = await facts.verifyAttestations({
      ...query(`${reg.host}/facts/app:1.0`, digest),
      predicateType: 'https://example.com/predicate/v1',
    });
    expect([check.verified, check.statements.map((s) => [s['predicateType'], s['predicate']])]).toEqual([
      true,
      [['https://example.com/predicate/v1', { ok: true }]],
    ]);
  });

  it('shares one flight between concurrent identical questions', async () => {
    facts.clear();
    const before = { ...facts.stats };
    const q = query(`${reg.host}/facts/app:1.0`, digest);
    const [a, b] = await Promise.all([facts.verifySignature(q), facts.verifySignature(q)]);
    expect([a, b]).toEqual([{ verified: true }, { verified: true }]);
    expect([facts.stats.misses - before.misses, facts.stats.shared - before.shared]).toEqual([1, 1]);
    await facts.verifySignature(q);
    expect(facts.stats.hits - before.hits).toBe(1);
  });

  it('keeps a negative answer only for the negative TTL', async () => {
    const ref = `${reg.host}/facts/late:1.0`;
    const d = await facts.resolveDigest(ref);
    expect((await facts.verifySignature(query(ref, d))).verified).toBe(false);
    await reg.sign(ref);
    expect((await facts.verifySignature(query(ref, d))).verified).toBe(false);
    clock += 1_001;
    expect((await facts.verifySignature(query(ref, d))).verified).toBe(true);
  });

  it('reads signatures from another repository (Kyverno `repository`)', async () => {
    const ref = `${reg.host}/facts/elsewhere:1.0`;
    const d = await reg.push('facts/elsewhere', '1.0');
    const client = new RegistryClient({
      registry: reg.host,
      insecure: true,
      credentials: async () => ({
        kind: 'basic',
        username: reg.registry.username ?? '',
        password: reg.registry.password ?? '',
      }),
    });
    await signImage({
      reference: ref,
      key: reg.key,
      client,
      format: 'legacy',
      signatureRepo: `${reg.host}/facts/signatures`,
    });
    await client.close();
    expect((await facts.verifySignature(query(ref, d))).verified).toBe(false);
    expect(
      (await facts.verifySignature(query(ref, d, { repository: `${reg.host}/facts/signatures` }))).verified,
    ).toBe(true);
  });

  it('describes images as Kyverno imageRegistry context data', async () => {
    const single = await facts.registryMetadata(`${reg.host}/facts/app:1.0`);
    expect([
      single['resolvedImage'],
      single['manifestList'],
      (single['configData'] as { config: unknown }).config,
    ]).toEqual([`${reg.host}/facts/app:1.0@${digest}`, undefined, { User: '1000' }]);
    const multi = await facts.registryMetadata(`${reg.host}/facts/multi:2.0`);
    expect([
      multi['resolvedImage'],
      (multi['manifestList'] as { manifests: unknown[] }).manifests.length,
    ]).toEqual([`${reg.host}/facts/multi:2.0@${indexDigest}`, 1]);
  });

  it('answers a signature question about a tag and about its digest from one cached answer', async () => {
    facts.clear();
    const before = { ...facts.stats };
    await facts.verifySignature(query(`${reg.host}/facts/app:1.0`, digest));
    await facts.verifySignature(query(`${reg.host}/facts/app@${digest}`, digest));
    expect([facts.stats.misses - before.misses, facts.stats.hits - before.hits]).toEqual([1, 1]);
  });

  it('asks the model-scan hook once per digest', async () => {
    scanned.length = 0;
    const first = await facts.modelScan?.(digest);
    const again = await facts.modelScan?.(digest);
    const none = await facts.modelScan?.(indexDigest);
    expect([first, again, none, scanned]).toEqual([
      { verdict: 'safe', files: [] },
      { verdict: 'safe', files: [] },
      undefined,
      [digest, indexDigest],
    ]);
  });

  it.each<[string, (ref: string) => Promise<unknown>]>([
    ['resolveDigest', (ref) => facts.resolveDigest(ref)],
    ['registryMetadata', (ref) => facts.registryMetadata(ref)],
  ])('%s of a missing tag fails with a typed error, counted once and kept briefly', async (_name, ask) => {
    const ref = `${reg.host}/facts/app:missing-${_name}`;
    const before = { ...facts.stats };
    const codes = [];
    for (let i = 0; i < 2; i++) codes.push(await ask(ref).catch((e: { code?: string }) => e.code));
    expect([codes, facts.stats.errors - before.errors, facts.stats.hits - before.hits]).toEqual([
      ['IMAGE_NOT_FOUND', 'IMAGE_NOT_FOUND'],
      1,
      1,
    ]);
  });
});
