// Signature verification latency (issue: sign): one image with 3 signatures (two legacy `.sig`
// layers, one cosign v3 bundle referrer) on a loopback docker-registry (distribution 2.8, so
// bundle discovery takes the referrers API 404 + fallback-tag path). Cold = no cache (pooled
// connections), first = a brand-new client, warm = the digest-keyed cache. Targets: warm ≤ 2 ms,
// cold ≤ 30 ms.
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { buildLayer } from '../test/builders/layer.ts';
import { OciBlobs } from '../test/builders/oci-image.ts';
import { pushBuiltImage } from '../test/support/push-image.ts';
import { startRegistry } from '../test/support/registry.ts';
import { RegistryClient } from '../src/image/index.ts';
import {
  loadPrivateKey,
  signImage,
  VerificationCache,
  verifyImageSignatures,
  type PrivateKey,
  type SignatureVerdict,
} from '../src/sign/index.ts';

const COLD_RUNS = 40;
const WARM_RUNS = 2000;

async function newKey(): Promise<PrivateKey> {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return loadPrivateKey(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
}

function stats(samples: number[]): { median: number; p95: number; min: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  return { median: round(at(0.5)), p95: round(at(0.95)), min: round(sorted[0] ?? NaN) };
}

async function time(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

export async function run(): Promise<Record<string, unknown>> {
  const registry = await startRegistry({ auth: 'none' });
  const client = new RegistryClient({ registry: registry.host, insecure: true });
  try {
    const blobs = new OciBlobs();
    const image = blobs.image([buildLayer([{ name: 'app.txt', body: 'bench\n' }])]);
    await pushBuiltImage(client, 'bench/signed', blobs, image.manifest, 'v1');
    const keys = [await newKey(), await newKey(), await newKey()];
    const byTag = `${registry.host}/bench/signed:v1`;
    const byDigest = `${registry.host}/bench/signed@${image.manifest.digest}`;
    await signImage({ reference: byTag, key: keys[0] as PrivateKey, format: 'legacy', client });
    await signImage({ reference: byTag, key: keys[1] as PrivateKey, format: 'legacy', client });
    await signImage({ reference: byTag, key: keys[2] as PrivateKey, format: 'bundle', client });
    const publicKeys = keys.map((k) => k.publicKey);
    const verify = async (
      reference: string,
      options: { cache?: VerificationCache<SignatureVerdict>; with?: RegistryClient } = {},
    ) => {
      const result = await verifyImageSignatures({
        reference,
        keys: publicKeys,
        minSignatures: 3,
        client: options.with ?? client,
        ...(options.cache === undefined ? {} : { cache: options.cache }),
      });
      if (!result.ok || result.verified.length !== 3)
        throw new Error(`bench image did not verify: ${JSON.stringify(result.failures)}`);
      return result;
    };

    const first: number[] = [];
    for (let i = 0; i < 5; i++) {
      const fresh = new RegistryClient({ registry: registry.host, insecure: true });
      first.push(await time(() => verify(byDigest, { with: fresh })));
      await fresh.close();
    }
    const coldDigest: number[] = [];
    const coldTag: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      coldDigest.push(await time(() => verify(byDigest)));
      coldTag.push(await time(() => verify(byTag)));
    }
    const cache = new VerificationCache<SignatureVerdict>({ ttlMs: 60_000 });
    await verify(byDigest, { cache });
    const warmDigest: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) warmDigest.push(await time(() => verify(byDigest, { cache })));
    const warmTag: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) warmTag.push(await time(() => verify(byTag, { cache })));

    const cold = stats(coldDigest);
    const warm = stats(warmDigest);
    return {
      signatures: { legacy: 2, bundle: 1 },
      registry: 'docker-registry 2.8 on 127.0.0.1 (no referrers API: fallback tag)',
      firstCallNewClientMs: stats(first),
      coldByDigestMs: cold,
      coldByTagMs: stats(coldTag),
      warmByDigestMs: warm,
      warmByTagMs: stats(warmTag),
      cacheStats: cache.stats,
      targets: { warmMs: 2, coldMs: 30, warmMet: warm.median <= 2, coldMet: cold.median <= 30 },
    };
  } finally {
    await client.close();
    await registry.stop();
  }
}
