/**
 * `bosun demo`: the whole pipeline on this machine, no internet. Example images are built in
 * code and served by a loopback registry (HTTPS with a CA made for the run); the example OSV
 * records become the vulnerability DB; then scan → gate → sign → attest → verify → pin → admission
 * decisions by the webhook running the built-in policy library → model checks. Every step says
 * what it expected and what happened; the caller turns "all as expected" into exit code 0.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CachedImageFacts,
  RegistryImageFacts,
  generateWebhookTls,
  startWebhookServer,
  type WebhookServer,
} from '../../admission/index.ts';
import { RegistryClient } from '../../image/index.ts';
import { hashModelDir, verifyModelDir } from '../../models/index.ts';
import { checkText, pinText, registryDigestResolver } from '../../pin/index.ts';
import {
  artifactFromTarget,
  countBySeverity,
  exitCodeForFindings,
  filterFindings,
  type ScanReport,
} from '../../report/index.ts';
import { scanImage, type ScanResult } from '../../scan/index.ts';
import {
  attestImage,
  generateKeyPair,
  loadPrivateKey,
  loadPublicKey,
  signImage,
  verifyImageSignatures,
  writeKeyPair,
} from '../../sign/index.ts';
import { buildVulnDb, dbStatus } from '../../vulndb/index.ts';
import { deploymentReview, postReview } from './admission-review.ts';
import { clip, denialReasons, findingLines, formatCounts, pad, seconds, shortDigest } from './demo-render.ts';
import { buildExampleImages, modelFiles, type ExampleImage } from './example-images.ts';
import { configuredLibrary, examplesDir } from './library-policies.ts';
import { startLoopbackRegistry } from './loopback-registry.ts';
import { MODEL_SCAN_PREDICATE_TYPE, modelScanPredicate, vulnPredicate } from './predicates.ts';

export interface DemoOptions {
  /** An empty directory the demo owns (keys, DB, policies, manifests, model directory). */
  readonly dir: string;
  readonly toolVersion: string;
  /** Receives the demo's output, line by line. */
  readonly write: (line: string) => void;
  /** The example OSV records (default: `examples/osv`). */
  readonly osvDir?: string;
  readonly signal?: AbortSignal;
}

export interface DemoCheck {
  readonly step: string;
  readonly what: string;
  readonly ok: boolean;
}

export interface DemoResult {
  readonly checks: readonly DemoCheck[];
  readonly timings: readonly { readonly step: string; readonly ms: number }[];
}

const REPOSITORY = 'demo/app';
const STEPS = 7;

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { dir, write, toolVersion, signal } = options;
  const checks: DemoCheck[] = [];
  const timings: { step: string; ms: number }[] = [];
  let current = '';
  let started = 0;
  const step = (n: number, title: string, command?: string): void => {
    if (current !== '') timings.push({ step: current, ms: performance.now() - started });
    current = title;
    started = performance.now();
    write('');
    write(`[${n}/${STEPS}] ${title}`);
    if (command !== undefined) write(`      $ ${command}`);
  };
  const expect = (what: string, ok: boolean): void => {
    checks.push({ step: current, what, ok });
    if (!ok) write(`      ✗ unexpected: ${what}`);
  };
  const say = (line: string): void => write(`      ${line}`);

  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    // 1. Images and registry.
    step(1, 'Build the example images in code and push them to a loopback registry');
    const tls = generateWebhookTls({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const caPems = [tls.ca.certPem];
    const registry = await startLoopbackRegistry({
      certPem: tls.serving.certPem,
      keyPem: tls.serving.keyPem,
    });
    cleanups.push(() => registry.close());
    const client = new RegistryClient({ registry: registry.host, caPems });
    cleanups.push(() => client.close());
    const images = await buildExampleImages();
    const refs = new Map<string, string>();
    const digests = new Map<string, string>();
    for (const image of images) {
      await pushImage(client, image);
      refs.set(image.tag, `${registry.host}/${REPOSITORY}:${image.tag}`);
      digests.set(image.tag, image.manifest.digest);
      say(
        `${pad(`${REPOSITORY}:${image.tag}`, 20)} ${shortDigest(image.manifest.digest)}…  ${image.description}`,
      );
    }
    // Someone also tagged the fixed build `latest`: admission must still refuse the mutable tag.
    const fixed = images.find((i) => i.tag === '1.1');
    if (fixed !== undefined)
      await client.putManifest(REPOSITORY, 'latest', fixed.manifest.bytes, fixed.manifest.mediaType);
    say(
      `${pad(`${REPOSITORY}:latest`, 20)} ${shortDigest(fixed?.manifest.digest ?? '')}…  the same image as 1.1, by a mutable tag`,
    );
    say(`registry: https://${registry.host} (in-process, TLS with a CA made for this run)`);
    const ref = (tag: string): string => refs.get(tag) ?? '';
    const pinned = (tag: string): string => `${ref(tag)}@${digests.get(tag) ?? ''}`;

    // 2. Vulnerability DB from the example OSV records.
    const osvDir = options.osvDir ?? join(examplesDir(), 'osv');
    const dbPath = join(dir, 'bosun.db');
    step(
      2,
      'Import the example OSV records into the vulnerability DB',
      `bosun db import examples/osv --db-path ${dbPath}`,
    );
    await buildVulnDb(dbPath, [{ kind: 'dir', path: osvDir }]);
    const status = await dbStatus(dbPath);
    say(
      `${status.records} records (${Object.keys(status.counts).sort().join(', ')}), written from real advisories`,
    );
    expect('the example records import', status.records > 0);

    // 3. Scan and gate.
    step(
      3,
      'Scan each image and gate on CRITICAL findings',
      'bosun image <image> --severity CRITICAL --exit-code 1 --offline',
    );
    const scans = new Map<string, ScanResult>();
    for (const tag of ['1.0', '1.1', '1.1-model']) {
      const result = await scanImage(ref(tag), {
        scanners: ['vuln', 'model'],
        db: { path: dbPath, offline: true },
        open: { registry: { caPems } },
        cacheDir: join(dir, 'cache'),
        tempDir: dir,
        ...(signal === undefined ? {} : { signal }),
      });
      scans.set(tag, result);
      const gate = exitCodeForFindings(
        filterFindings(result.findings, { severities: ['CRITICAL'] }).findings,
        1,
      );
      say(
        `${pad(`app:${tag}`, 14)} ${pad(`${result.inventory.packages.length} packages`, 12)} ${pad(formatCounts(countBySeverity(result.findings)), 40)} gate: exit ${gate} ${gate === 0 ? '(passes)' : '(blocked)'}`,
      );
      if (tag === '1.0') for (const line of findingLines(result.findings)) say(`    ${line}`);
      expect(`gate on app:${tag}`, gate === (tag === '1.0' ? 1 : 0));
    }

    // 4. Keys, signatures, attestations.
    step(
      4,
      'Sign the pipeline-built images and attach the scan results as attestations',
      'bosun generate-key-pair && bosun sign --key cosign.key <image> && bosun attest --key cosign.key --type vuln --predicate vuln.json <image>',
    );
    const pair = await generateKeyPair('');
    await writeKeyPair(dir, pair);
    const key = await loadPrivateKey(pair.privatePem, '');
    const publicKey = loadPublicKey(pair.publicPem);
    say(`new key pair: ${join(dir, 'cosign.key')} (ECDSA P-256, cosign format) and cosign.pub`);
    for (const tag of ['1.0', '1.1', '1.1-model']) {
      const result = scans.get(tag);
      if (result === undefined) continue;
      const signed = await signImage({ reference: ref(tag), key, client });
      const report: ScanReport = {
        artifact: artifactFromTarget(result.inventory.target),
        inventory: result.inventory,
        findings: result.findings,
        ...(result.models === undefined ? {} : { models: result.models }),
      };
      const vuln = vulnPredicate(result, report, toolVersion);
      await writeFile(join(dir, `vuln-${tag}.json`), `${JSON.stringify(vuln, null, 2)}\n`);
      await attestImage({
        reference: ref(tag),
        key,
        client,
        type: 'vuln',
        predicate: Buffer.from(JSON.stringify(vuln)),
      });
      const model = modelScanPredicate(result.models ?? [], result.finishedAt, toolVersion);
      await attestImage({
        reference: ref(tag),
        key,
        client,
        type: MODEL_SCAN_PREDICATE_TYPE,
        predicate: Buffer.from(JSON.stringify(model)),
      });
      say(
        `app:${pad(tag, 10)} signed ${shortDigest(signed.digest)}…; attested: vuln (${countBySeverity(result.findings).CRITICAL} CRITICAL), model-scan (${String(model['verdict'])})`,
      );
    }
    say('app:nightly  not signed (built outside the pipeline)');

    // 5. Verify.
    step(5, 'Verify signatures with the public key', 'bosun verify --key cosign.pub <image>');
    for (const tag of ['1.1', 'nightly']) {
      const v = await verifyImageSignatures({ reference: ref(tag), keys: [publicKey], client });
      const reason = v.failures[0]?.reason ?? 'no signature found';
      say(
        `${pad(`app:${tag}`, 14)} ${v.ok ? `verified (${v.verified.length} signature${v.verified.length === 1 ? '' : 's'})` : `NOT verified: ${String(reason)}`}`,
      );
      expect(`verify app:${tag}`, v.ok === (tag === '1.1'));
    }

    // 6. Pin and admission.
    step(
      6,
      'Pin a Deployment to digests, then ask the admission webhook (built-in policy library)',
      'bosun pin --write deployment.yaml && bosun webhook serve --policies policies/ ...',
    );
    const manifestPath = join(dir, 'deployment.yaml');
    const manifest = deploymentYaml(ref('1.1'));
    await writeFile(manifestPath, manifest);
    const resolver = registryDigestResolver({ caPems });
    cleanups.push(() => resolver.close());
    const pin = await pinText(manifest, manifestPath, resolver, signal === undefined ? {} : { signal });
    await writeFile(manifestPath, pin.text);
    const pinnedImage = pin.changes[0]?.pinned ?? '';
    say(`deployment.yaml: ${clip(pinnedImage, 110)}`);
    expect(
      'pin writes the digest and --check passes',
      checkText(pin.text, manifestPath).unpinned.length === 0,
    );
    expect('the pinned digest is the pushed one', pinnedImage === pinned('1.1'));

    const policiesDir = join(dir, 'policies');
    await mkdir(policiesDir, { recursive: true });
    const library = await configuredLibrary(registry.host, pair.publicPem);
    for (const [name, text] of library) await writeFile(join(policiesDir, name), text);
    say(`policies: ${[...library.keys()].map((n) => n.replace(/\.yaml$/, '')).join(', ')}`);
    say(`          (configured for ${registry.host} and cosign.pub: ${policiesDir})`);
    await writeFile(join(dir, 'tls.crt'), tls.serving.certPem);
    await writeFile(join(dir, 'tls.key'), tls.serving.keyPem, { mode: 0o600 });
    const facts = new RegistryImageFacts({ caPems });
    cleanups.push(() => facts.close());
    const server: WebhookServer = await startWebhookServer({
      tls: { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') },
      policyPaths: [policiesDir],
      facts: new CachedImageFacts(facts),
      host: '127.0.0.1',
      port: 0,
      watch: false,
    });
    cleanups.push(() => server.close());
    const cases: { label: string; image: string; allow: boolean; policy?: string }[] = [
      { label: 'app:1.1, pinned, signed, attested', image: pinnedImage, allow: true },
      {
        label: 'app:1.0 (CRITICAL findings)',
        image: pinned('1.0'),
        allow: false,
        policy: 'require-vuln-attestation',
      },
      {
        label: 'app:1.1-model (unsafe model)',
        image: pinned('1.1-model'),
        allow: false,
        policy: 'refuse-unsafe-models',
      },
      {
        label: 'app:nightly (unsigned)',
        image: pinned('nightly'),
        allow: false,
        policy: 'require-cosign-signature',
      },
      {
        label: 'app:latest (same image as 1.1)',
        image: `${registry.host}/${REPOSITORY}:latest`,
        allow: false,
        policy: 'disallow-latest-tag',
      },
      {
        label: 'nginx from Docker Hub',
        image: 'docker.io/library/nginx:1.27',
        allow: false,
        policy: 'restrict-image-registries',
      },
    ];
    for (const c of cases) {
      const answer = await postReview(
        `${server.url}/validate`,
        tls.ca.certPem,
        deploymentReview('web', 'shop', c.image),
      );
      const message = answer.status?.message ?? '';
      say(`${answer.allowed ? 'ALLOWED' : 'DENIED '}  ${c.label}`);
      if (!answer.allowed) for (const reason of denialReasons(message)) say(`           ${reason}`);
      expect(
        `admission of ${c.label}`,
        answer.allowed === c.allow && (c.policy === undefined || message.includes(c.policy)),
      );
    }

    // 7. Models.
    step(
      7,
      'Model files: what the scan found in app:1.1-model, and pinning a model directory',
      'bosun model scan <image> && bosun model hash/verify <dir>',
    );
    for (const m of scans.get('1.1-model')?.models ?? []) {
      const f = m.findings[0];
      say(
        `${pad(m.file, 26)} ${m.verdict.toUpperCase()}${f === undefined ? '' : `  ${f.severity} ${f.callable ?? f.kind}: ${clip(f.message, 80)}`}`,
      );
    }
    expect(
      'the poisoned pickle fails the model scan',
      (scans.get('1.1-model')?.models ?? []).some((m) => m.verdict === 'fail'),
    );
    const modelDir = join(dir, 'model');
    await mkdir(modelDir, { recursive: true });
    for (const f of modelFiles(false)) await writeFile(join(modelDir, f.path), f.body);
    const hashes = await hashModelDir(modelDir);
    await writeFile(join(dir, 'model.sha256'), hashes.manifest);
    const intact = await verifyModelDir(hashes.manifest, modelDir);
    say(
      `model/ hashed into model.sha256 (${hashes.entries.length} files); verify: ${intact.ok ? 'OK' : 'FAILED'}`,
    );
    const weights = join(modelDir, 'classifier.pkl');
    const bytes = await readFile(weights);
    bytes[bytes.length - 2] = (bytes[bytes.length - 2] ?? 0) ^ 0x01;
    await writeFile(weights, bytes);
    const tampered = await verifyModelDir(hashes.manifest, modelDir);
    say(
      `after changing one byte of classifier.pkl: ${tampered.ok ? 'OK' : `FAILED (changed: ${tampered.changed.join(', ')})`}`,
    );
    expect('model verify passes on the intact directory', intact.ok);
    expect(
      'model verify fails after one byte changes',
      !tampered.ok && tampered.changed.includes('classifier.pkl'),
    );
    timings.push({ step: current, ms: performance.now() - started });
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
  const failed = checks.filter((c) => !c.ok);
  const total = timings.reduce((n, t) => n + t.ms, 0);
  write('');
  write(
    failed.length === 0
      ? `All ${checks.length} checks behaved as expected (${seconds(total)}).`
      : `${failed.length} of ${checks.length} checks did not behave as expected: ${failed.map((c) => c.what).join('; ')}`,
  );
  return { checks, timings };
}

async function pushImage(client: RegistryClient, image: ExampleImage): Promise<void> {
  for (const blob of [image.config, ...image.layers]) {
    await client.pushBlob(REPOSITORY, { digest: blob.digest, size: blob.size, bytes: blob.bytes });
  }
  await client.putManifest(REPOSITORY, image.tag, image.manifest.bytes, image.manifest.mediaType);
}

function deploymentYaml(image: string): string {
  return `# The demo's Deployment: bosun pin rewrites the image to name:tag@digest in place.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: ${image}
          ports:
            - containerPort: 8080
`;
}
