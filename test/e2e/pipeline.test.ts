// The secure image pipeline end to end, through the CLI, on loopback only: images built in code
// (app:1.0 vulnerable, app:1.1 fixed, app:1.1-model with a poisoned pickle, app:nightly unsigned),
// the scan gate on a DB imported from the example OSV records, a push by skopeo to a real registry
// (Debian's docker-registry, basic auth + TLS) with credentials from a docker config and from a
// kubernetes.io/dockerconfigjson Secret, sign and attest with a generated key, pin, the webhook
// (`bosun webhook serve` in its own process) running the built-in policy library configured for
// this registry and key, and model verify. Each step's time goes to stderr (no timing assertions).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWebhookTls } from '../../src/admission/index.ts';
import { deploymentReview, postReview, type ReviewAnswer } from '../../src/cli/demo/admission-review.ts';
import { buildExampleImages, modelFiles, type ExampleImage } from '../../src/cli/demo/example-images.ts';
import { configuredLibrary } from '../../src/cli/demo/library-policies.ts';
import { MODEL_SCAN_PREDICATE_TYPE, modelScanPredicate } from '../../src/cli/demo/predicates.ts';
import { run } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/test-io.ts';
import type { ModelScanResult } from '../../src/models/index.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OSV = join(ROOT, 'examples', 'osv');
const PASSWORD = 'pipeline e2e';

let work: string;
let registry: TestRegistry;
let images: ExampleImage[];
let webhook: ChildProcess | undefined;
let webhookUrl: string;
let webhookCaPem: string;
const timings: { step: string; ms: number }[] = [];
const digests = new Map<string, string>();

async function timed<T>(step: string, body: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await body();
  } finally {
    timings.push({ step, ms: performance.now() - start });
  }
}

/** Runs the CLI in-process; returns the exit code and output. */
async function bosun(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({ cwd: work, env: { BOSUN_PASSWORD: PASSWORD, HOME: work } });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const ref = (tag: string): string => `${registry.host}/shop/app:${tag}`;
const pinned = (tag: string): string => `${ref(tag)}@${digests.get(tag) ?? ''}`;
const dockerConfig = (): string[] => [
  '--docker-config',
  join(work, 'docker'),
  '--ca-file',
  registry.caFile ?? '',
];
const pullSecret = (): string[] => [
  '--pull-secret',
  join(work, 'pull-secret.yaml'),
  '--ca-file',
  registry.caFile ?? '',
];

/** An OCI image layout holding the example images, tagged by their ref names. */
async function writeLayout(dir: string, built: readonly ExampleImage[]): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const image of built) {
    for (const blob of [image.manifest, image.config, ...image.layers]) {
      await writeFile(join(dir, 'blobs', 'sha256', blob.digest.slice('sha256:'.length)), blob.bytes);
    }
  }
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: built.map((i) => ({
        mediaType: i.manifest.mediaType,
        digest: i.manifest.digest,
        size: i.manifest.size,
        annotations: { 'org.opencontainers.image.ref.name': i.tag },
      })),
    }),
  );
}

/** Starts `bosun webhook serve` in its own process (it runs until SIGTERM) and waits for its URL. */
async function startWebhook(args: readonly string[]): Promise<string> {
  const entry = join(work, 'bosun-entry.mjs');
  await writeFile(
    entry,
    `import { main } from ${JSON.stringify(join(ROOT, 'src', 'cli', 'main.ts'))};\nprocess.exitCode = await main(process.argv.slice(2));\n`,
  );
  const child = spawn(process.execPath, [entry, 'webhook', 'serve', ...args], {
    cwd: work,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, HOME: work },
  });
  webhook = child;
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`webhook did not start: ${err}`)), 60_000);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      err += chunk;
      const url = /"msg":"listening","url":"([^"]+)"/.exec(err)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`webhook exited with ${code}: ${err}`));
    });
  });
}

const admit = (image: string): Promise<ReviewAnswer> =>
  postReview(`${webhookUrl}/validate`, webhookCaPem, deploymentReview('web', 'shop', image));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bosun-pipeline-'));
  registry = await startRegistry({ auth: 'basic', tls: true });
  await mkdir(join(work, 'docker'));
  const auth = Buffer.from(`${registry.username}:${registry.password}`).toString('base64');
  await writeFile(
    join(work, 'docker', 'config.json'),
    JSON.stringify({ auths: { [registry.host]: { auth } } }),
  );
  const dockerconfigjson = Buffer.from(JSON.stringify({ auths: { [registry.host]: { auth } } })).toString(
    'base64',
  );
  await writeFile(
    join(work, 'pull-secret.yaml'),
    `apiVersion: v1
kind: Secret
metadata: {name: registry-pull, namespace: shop}
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: ${dockerconfigjson}
`,
  );
}, 120_000);

afterAll(async () => {
  if (webhook !== undefined && webhook.exitCode === null) {
    const exited = new Promise((resolve) => webhook?.once('exit', resolve));
    webhook.kill('SIGTERM');
    await exited;
  }
  await registry?.stop();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
  if (timings.length > 0) {
    const lines = timings.map((t) => `  ${(t.ms / 1000).toFixed(2).padStart(7)} s  ${t.step}`);
    process.stderr.write(`pipeline e2e step timings:\n${lines.join('\n')}\n`);
  }
});

describe('secure image pipeline, end to end on loopback', () => {
  it('1. builds app:1.0, app:1.1, app:1.1-model (and an unsigned nightly) in code', async () => {
    images = await timed('1. build images in code (OCI layout)', async () => {
      const built = await buildExampleImages();
      await writeLayout(join(work, 'layout'), built);
      return built;
    });
    expect(images.map((i) => i.tag)).toEqual(['1.0', '1.1', '1.1-model', 'nightly']);
    for (const image of images) digests.set(image.tag, image.manifest.digest);
  });

  it('2. the CRITICAL gate fails on 1.0 and passes on 1.1 (DB imported from the example OSV records)', async () => {
    const db = join(work, 'bosun.db');
    const imported = await timed('2a. bosun db import examples/osv', () =>
      bosun('db', 'import', OSV, '--db-path', db),
    );
    expect([imported.code, imported.out]).toEqual([0, expect.stringContaining('6 records')]);
    const gate = (tag: string) =>
      bosun(
        'image',
        `oci:${join(work, 'layout')}:${tag}`,
        '--severity',
        'CRITICAL',
        '--exit-code',
        '1',
        '--offline',
        '--db-path',
        db,
        '--format',
        'json',
        '--quiet',
      );
    const v10 = await timed('2b. bosun image app:1.0 --severity CRITICAL --exit-code 1', () => gate('1.0'));
    const v11 = await timed('2c. bosun image app:1.1 --severity CRITICAL --exit-code 1', () => gate('1.1'));
    expect([v10.code, v11.code]).toEqual([1, 0]);
    const ids = (out: string): string[] =>
      (JSON.parse(out) as { results?: { vulnerabilities?: { id: string }[] }[] }).results
        ?.flatMap((r) => r.vulnerabilities ?? [])
        .map((v) => v.id)
        .sort() ?? [];
    expect(ids(v10.out)).toEqual(['CVE-2020-14343', 'CVE-2021-44906', 'CVE-2022-37434']);
    expect(ids(v11.out)).toEqual([]);
  }, 120_000);

  it('3. pushes to the registry (basic auth + TLS); Bosun reads it with docker config and pull-secret credentials', async () => {
    await timed('3a. skopeo copy to the registry (basic auth + TLS)', async () => {
      for (const tag of ['1.0', '1.1', '1.1-model', 'nightly']) {
        await exec('skopeo', [
          'copy',
          '--preserve-digests',
          `--dest-cert-dir=${registry.certDir ?? ''}`,
          `--authfile=${join(work, 'docker', 'config.json')}`,
          `oci:${join(work, 'layout')}:${tag}`,
          `docker://${ref(tag)}`,
        ]);
      }
      await exec('skopeo', [
        'copy',
        '--preserve-digests',
        `--dest-cert-dir=${registry.certDir ?? ''}`,
        `--authfile=${join(work, 'docker', 'config.json')}`,
        `oci:${join(work, 'layout')}:1.1`,
        `docker://${ref('latest')}`,
      ]);
    });
    const viaConfig = await timed('3b. bosun resolve (docker config)', () =>
      bosun('resolve', ref('1.1'), ...dockerConfig()),
    );
    const viaSecret = await timed('3c. bosun resolve (pull secret)', () =>
      bosun('resolve', ref('1.0'), ...pullSecret()),
    );
    expect([viaConfig.code, viaConfig.out.trim()]).toEqual([0, pinned('1.1')]);
    expect([viaSecret.code, viaSecret.out.trim()]).toEqual([0, pinned('1.0')]);
    const anonymous = await bosun('resolve', ref('1.1'), '--ca-file', registry.caFile ?? '');
    expect(anonymous.code).toEqual(3);
  }, 120_000);

  it('4. signs and attests (vuln predicate from the scan, model-scan verdict) with a generated key', async () => {
    const keys = await timed('4a. bosun generate-key-pair', () => bosun('generate-key-pair'));
    expect(keys.code).toEqual(0);
    await timed('4b. bosun image --format cosign-vuln, sign, attest (3 images)', async () => {
      for (const tag of ['1.0', '1.1', '1.1-model']) {
        const predicate = join(work, `vuln-${tag}.json`);
        const scan = await bosun(
          'image',
          ref(tag),
          '--format',
          'cosign-vuln',
          '-o',
          predicate,
          '--offline',
          '--db-path',
          join(work, 'bosun.db'),
          '--quiet',
          ...dockerConfig(),
        );
        expect([tag, scan.code, scan.err]).toEqual([tag, 0, '']);
        const signed = await bosun('sign', '--key', 'cosign.key', ...pullSecret(), ref(tag));
        expect([tag, signed.code]).toEqual([tag, 0]);
        const attested = await bosun(
          'attest',
          '--key',
          'cosign.key',
          '--type',
          'vuln',
          '--predicate',
          predicate,
          ...dockerConfig(),
          ref(tag),
        );
        expect([tag, attested.code, attested.out.trim()]).toEqual([tag, 0, pinned(tag)]);
        const models = await bosun('model', 'scan', ref(tag), '--format', 'json', ...dockerConfig());
        expect([tag, models.code]).toEqual([tag, 0]);
        const results = (JSON.parse(models.out) as { results: ModelScanResult[] }).results;
        const modelPredicate = join(work, `model-${tag}.json`);
        await writeFile(
          modelPredicate,
          JSON.stringify(modelScanPredicate(results, new Date().toISOString(), '0.1.0')),
        );
        const modelAttested = await bosun(
          'attest',
          '--key',
          'cosign.key',
          '--type',
          MODEL_SCAN_PREDICATE_TYPE,
          '--predicate',
          modelPredicate,
          ...dockerConfig(),
          ref(tag),
        );
        expect([tag, modelAttested.code]).toEqual([tag, 0]);
      }
    });
    const verified = await timed('4c. bosun verify / verify-attestation', async () => ({
      good: await bosun('verify', '--key', 'cosign.pub', ...dockerConfig(), ref('1.1')),
      unsigned: await bosun('verify', '--key', 'cosign.pub', ...dockerConfig(), ref('nightly')),
      clean: await bosun(
        'verify-attestation',
        '--key',
        'cosign.pub',
        '--type',
        'vuln',
        '--condition',
        'no-critical',
        ...dockerConfig(),
        ref('1.1'),
      ),
      critical: await bosun(
        'verify-attestation',
        '--key',
        'cosign.pub',
        '--type',
        'vuln',
        '--condition',
        'no-critical',
        ...dockerConfig(),
        ref('1.0'),
      ),
    }));
    expect([verified.good.code, verified.unsigned.code, verified.clean.code, verified.critical.code]).toEqual(
      [0, 1, 0, 1],
    );
  }, 240_000);

  it('5. bosun pin rewrites a Deployment to digests; bosun pin --check passes afterwards', async () => {
    const file = join(work, 'deployment.yaml');
    await writeFile(
      file,
      `# web frontend
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: ${ref('1.1')} # pinned by bosun pin
`,
    );
    const before = await bosun('pin', '--check', file);
    const pin = await timed('5a. bosun pin --write', () => bosun('pin', '--write', ...dockerConfig(), file));
    const after = await timed('5b. bosun pin --check', () => bosun('pin', '--check', file));
    expect([before.code, pin.code, after.code]).toEqual([1, 0, 0]);
    const text = await readFile(file, 'utf8');
    expect(text).toContain(`image: ${pinned('1.1')} # pinned by bosun pin`);
  }, 60_000);

  it('6. the webhook with the configured policy library admits the pinned, signed, attested 1.1 and refuses the rest precisely', async () => {
    const tls = generateWebhookTls({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    webhookCaPem = tls.ca.certPem;
    await writeFile(join(work, 'tls.crt'), tls.serving.certPem);
    await writeFile(join(work, 'tls.key'), tls.serving.keyPem, { mode: 0o600 });
    const policies = join(work, 'policies');
    await mkdir(policies);
    const library = await configuredLibrary(registry.host, await readFile(join(work, 'cosign.pub'), 'utf8'));
    for (const [name, text] of library) await writeFile(join(policies, name), text);
    webhookUrl = await timed('6a. bosun webhook serve (start, policies loaded)', () =>
      startWebhook([
        '--policies',
        policies,
        '--tls-cert',
        join(work, 'tls.crt'),
        '--tls-key',
        join(work, 'tls.key'),
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--pull-secret',
        join(work, 'pull-secret.yaml'),
        '--registry-ca',
        registry.caFile ?? '',
      ]),
    );
    const decisions = await timed('6b. six AdmissionReviews', async () => ({
      good: await admit(pinned('1.1')),
      latest: await admit(ref('latest')),
      foreign: await admit('docker.io/library/nginx:1.27'),
      unsigned: await admit(pinned('nightly')),
      critical: await admit(pinned('1.0')),
      model: await admit(pinned('1.1-model')),
    }));
    expect(decisions.good).toEqual({ uid: expect.any(String), allowed: true });
    const denied = Object.entries(decisions)
      .filter(([name]) => name !== 'good')
      .map(([name, answer]) => [name, answer.allowed, answer.status?.code]);
    expect(denied).toEqual([
      ['latest', false, 403],
      ['foreign', false, 403],
      ['unsigned', false, 403],
      ['critical', false, 403],
      ['model', false, 403],
    ]);
    const message = (a: ReviewAnswer): string => a.status?.message ?? '';
    expect(message(decisions.latest)).toContain(
      'policy disallow-latest-tag rule autogen-validate-image-tag failed',
    );
    expect(message(decisions.latest)).toContain('the mutable tag `latest` is not allowed');
    expect(message(decisions.latest)).not.toContain('require-cosign-signature');
    expect(message(decisions.foreign)).toContain(
      'policy restrict-image-registries rule autogen-allowed-registries failed',
    );
    expect(message(decisions.foreign)).toContain('docker.io/library/nginx:1.27');
    expect(message(decisions.foreign)).toContain(`${registry.host}/*`);
    expect(message(decisions.unsigned)).toContain(
      'policy require-cosign-signature rule autogen-verify-signature failed: image signature verification failed',
    );
    expect(message(decisions.unsigned)).toContain('0 of 1 required signatures verified');
    expect(message(decisions.critical)).toContain(
      'policy require-vuln-attestation rule autogen-check-vuln-attestation failed',
    );
    expect(message(decisions.critical)).toContain(
      'the scan found more CRITICAL vulnerabilities than allowed',
    );
    expect(message(decisions.critical)).not.toContain('require-cosign-signature');
    expect(message(decisions.model)).toContain(
      'policy refuse-unsafe-models rule autogen-require-passing-model-scan failed',
    );
    expect(message(decisions.model)).toContain('the model scan verdict is not pass');
    expect(message(decisions.model)).not.toContain('require-vuln-attestation');
  }, 180_000);

  it('7. bosun model verify passes on the intact model directory and fails after one byte changes', async () => {
    const dir = join(work, 'model');
    await mkdir(dir);
    for (const f of modelFiles(false)) await writeFile(join(dir, f.path), f.body);
    const manifest = join(work, 'model.sha256');
    const hashed = await timed('7a. bosun model hash', () => bosun('model', 'hash', dir, '-o', manifest));
    const intact = await timed('7b. bosun model verify (intact)', () =>
      bosun('model', 'verify', '--manifest', manifest, dir),
    );
    const weights = join(dir, 'classifier.pkl');
    const bytes = await readFile(weights);
    bytes[10] = (bytes[10] ?? 0) ^ 0x01;
    await writeFile(weights, bytes);
    const tampered = await timed('7c. bosun model verify (one byte changed)', () =>
      bosun('model', 'verify', '--manifest', manifest, dir),
    );
    expect([hashed.code, intact.code, tampered.code]).toEqual([0, 0, 1]);
    expect(tampered.err).toEqual('changed: classifier.pkl\n');
  }, 60_000);
});
