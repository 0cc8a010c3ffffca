// Webhook load test on loopback over TLS: 10 policies (3 verifyImages rules against images signed
// in the real local registry, 7 validate rules), warm cache, an open-loop load at a fixed rate. Reports
// p50/p99 latency and errors, RSS growth over a soak run, and the cold path of one new image
// (tag → digest + 1 signature). Durations: BENCH_WEBHOOK_SECONDS (default 60),
// BENCH_SOAK_SECONDS (default 60; the 5-minute soak is BENCH_SOAK_SECONDS=300), rate
// BENCH_WEBHOOK_RATE (default 300/s).
import { fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildLayer } from '../test/builders/layer.ts';
import { OciBlobs } from '../test/builders/oci-image.ts';
import { admissionReview, workload } from '../test/builders/admission-review.ts';
import { pushBuiltImage } from '../test/support/push-image.ts';
import { startRegistry } from '../test/support/registry.ts';
import { postReview } from '../test/support/webhook-client.ts';
import { RegistryClient } from '../src/image/index.ts';
import { loadPrivateKey, signImage } from '../src/sign/index.ts';
import { generateWebhookTls, WEBHOOK_NODE_OPTIONS } from '../src/admission/index.ts';
import { openLoop, type OpenLoopResult } from './open-loop.ts';

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

function policies(host: string, publicPem: string): Record<string, string> {
  const key = publicPem
    .trim()
    .split('\n')
    .map((l) => `                      ${l}`)
    .join('\n');
  const verify = (i: number): string => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: verify-app${i}}
spec:
  validationFailureAction: Enforce
  rules:
    - name: signed
      match: {any: [{resources: {kinds: [Pod]}}]}
      verifyImages:
        - imageReferences: ["${host}/bench/app${i}*"]
          attestors:
            - entries:
                - keys:
                    publicKeys: |-
${key}
`;
  const validate = (name: string, message: string, pattern: string): string => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: ${name}}
spec:
  validationFailureAction: Enforce
  rules:
    - name: ${name}
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        message: "${message}"
        pattern: ${pattern}
`;
  return {
    'verify-1.yaml': verify(1),
    'verify-2.yaml': verify(2),
    'verify-3.yaml': verify(3),
    'team.yaml': validate('require-team', 'team label', '{metadata: {labels: {team: "?*"}}}'),
    'registry.yaml': validate(
      'local-registry',
      'local images only',
      `{spec: {containers: [{image: "${host}/*"}]}}`,
    ),
    'no-latest.yaml': validate('no-latest', 'no latest', '{spec: {containers: [{image: "!*:latest"}]}}'),
    'limits.yaml': validate(
      'limits',
      'memory limits',
      '{spec: {containers: [{resources: {limits: {memory: "?*"}}}]}}',
    ),
    'non-root.yaml': validate(
      'non-root',
      'run as non-root',
      '{spec: {securityContext: {runAsNonRoot: true}}}',
    ),
    'no-privileged.yaml': validate(
      'no-privileged',
      'no privileged',
      '{spec: {containers: [{=(securityContext): {=(privileged): false}}]}}',
    ),
    'no-host-network.yaml': validate('no-host-network', 'no host network', '{spec: {=(hostNetwork): false}}'),
  };
}

function pod(images: readonly string[]): Record<string, unknown> {
  const p = workload(
    'Pod',
    'bench',
    'shop',
    images.map((image, i) => ({ name: `c${i}`, image })),
  ) as {
    metadata: Record<string, unknown>;
    spec: { containers: Record<string, unknown>[]; securityContext?: unknown };
  };
  p.metadata['labels'] = { team: 'bench' };
  p.spec.securityContext = { runAsNonRoot: true };
  for (const c of p.spec.containers) c['resources'] = { limits: { memory: '64Mi' } };
  return p as unknown as Record<string, unknown>;
}

function ask<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (msg: { type: string }): void => {
      if (msg.type !== type) return;
      child.off('message', on);
      resolve(msg as T);
    };
    child.on('message', on);
    child.send({ type });
  });
}

export async function run(): Promise<Record<string, unknown>> {
  const seconds = num('BENCH_WEBHOOK_SECONDS', 60);
  const soakSeconds = num('BENCH_SOAK_SECONDS', 60);
  const rate = num('BENCH_WEBHOOK_RATE', 300);
  const registry = await startRegistry({ auth: 'none' });
  const client = new RegistryClient({ registry: registry.host, insecure: true });
  const dir = await mkdtemp(join(tmpdir(), 'bosun-bench-webhook-'));
  let child: ChildProcess | undefined;
  try {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = await loadPrivateKey(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const images: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const blobs = new OciBlobs();
      const image = blobs.image([buildLayer([{ name: 'app', body: `app ${i}` }])]);
      await pushBuiltImage(client, `bench/app${i}`, blobs, image.manifest, '1.0');
      await signImage({ reference: `${registry.host}/bench/app${i}:1.0`, key, client, format: 'legacy' });
      images.push(`${registry.host}/bench/app${i}:1.0`);
    }
    const tls = generateWebhookTls({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const policyDir = join(dir, 'policies');
    await mkdir(policyDir);
    for (const [name, text] of Object.entries(
      policies(registry.host, pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    ))
      await writeFile(join(policyDir, name), text);
    await writeFile(join(dir, 'tls.crt'), tls.serving.certPem);
    await writeFile(join(dir, 'tls.key'), tls.serving.keyPem);
    child = fork(
      new URL('./webhook-server.ts', import.meta.url).pathname,
      [JSON.stringify({ certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key'), policyDir })],
      {
        // BENCH_WEBHOOK_NODE_ARGS: extra node flags for the server (e.g. `--cpu-prof` to profile it).
        // The deployment's V8 flags (WEBHOOK_NODE_OPTIONS), so memory is measured as deployed.
        execArgv: [
          '--expose-gc',
          ...WEBHOOK_NODE_OPTIONS.split(' '),
          ...(process.env['BENCH_WEBHOOK_NODE_ARGS']?.split(' ').filter(Boolean) ?? []),
        ],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      },
    );
    const { port } = await new Promise<{ port: number }>((resolve) =>
      child!.once('message', (m) => resolve(m as { port: number })),
    );
    const url = `https://127.0.0.1:${port}/validate`;

    // Cold path: the first request naming app1 (tag → digest, then 1 signature), then the same again warm.
    const coldReview = admissionReview(pod([images[0]!]), { uid: 'cold' });
    const t0 = performance.now();
    const cold = await postReview(url, tls.ca.certPem, coldReview);
    const coldMs = performance.now() - t0;
    const t1 = performance.now();
    await postReview(url, tls.ca.certPem, coldReview);
    const warmOneMs = performance.now() - t1;

    const review = admissionReview(pod(images.slice(0, 3)), { uid: 'bench' });
    const body = JSON.stringify(review);
    const first = await postReview(url, tls.ca.certPem, review);
    if (!first.allowed) throw new Error(`bench review not allowed: ${first.status?.message ?? ''}`);
    const expectBody = JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'bench', allowed: true },
    });
    process.stderr.write(`webhook: warm-up 5 s, load ${seconds} s at ${rate}/s, soak ${soakSeconds} s\n`);
    const load = (secs: number): Promise<OpenLoopResult> =>
      openLoop({ url, caPem: tls.ca.certPem, body, expectBody, rate, seconds: secs });
    await load(5);
    const main = await load(seconds);
    const start = await ask<{ rss: number; heapUsed: number }>(child, 'rss');
    const rss0 = start.rss;
    const soak = await load(soakSeconds);
    const after = await ask<{ rss: number; heapUsed: number; cache: unknown }>(child, 'rss');
    const round = (n: number): number => Math.round(n * 100) / 100;
    return {
      policies: 10,
      verifyImagesPolicies: 3,
      imagesPerRequest: 3,
      rate,
      seconds,
      latencyMs: main.latencyMs,
      requests: main.requests,
      throughput: main.throughput,
      errors: main.errors,
      soak: {
        seconds: soakSeconds,
        requests: soak.requests,
        errors: soak.errors,
        p99Ms: soak.latencyMs.p99,
        rssStartMiB: round(rss0 / 1048576),
        rssEndMiB: round(after.rss / 1048576),
        rssGrowthPct: round(((after.rss - rss0) / rss0) * 100),
        // Live heap after a full GC: what the process holds, as opposed to what V8 has reserved.
        heapUsedStartMiB: round(start.heapUsed / 1048576),
        heapUsedEndMiB: round(after.heapUsed / 1048576),
      },
      cache: after.cache,
      cold: { allowed: cold.allowed, firstRequestMs: round(coldMs), secondRequestMs: round(warmOneMs) },
      targets: { p99Ms: 15, errors: 0, rssGrowthPct: 10 },
      note: "latency from each request's due time (open loop, 16 keep-alive TLS connections verified against the generated CA); the cold path includes a new TLS connection",
    };
  } finally {
    if (child !== undefined) {
      child.send({ type: 'stop' });
      await new Promise((r) => child!.once('exit', r));
    }
    await client.close();
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
