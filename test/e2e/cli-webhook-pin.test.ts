// `bosun pin` against the real registry and `bosun webhook serve|manifests` as a user runs them.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir, cp } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { run } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/test-io.ts';
import { admissionReview, workload } from '../builders/admission-review.ts';
import { buildLayer } from '../builders/layer.ts';
import { OciBlobs, writeFiles } from '../builders/oci-image.ts';
import { spawnBosun, waitForLogLine } from '../support/cli-process.ts';
import { validateKubernetesObject } from '../support/kubernetes-schemas.ts';
import { createCa, createServerCert } from '../support/pki.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { postReview } from '../support/webhook-client.ts';

const exec = promisify(execFile);
const POLICIES = fileURLToPath(new URL('../../policies/', import.meta.url));

let work: string;
let registry: TestRegistry;
let digest: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bosun-cli-webhook-'));
  const blobs = new OciBlobs();
  const image = blobs.image([buildLayer([{ name: 'app/run', body: '#!/bin/sh\n' }])]);
  digest = image.manifest.digest;
  await writeFiles(join(work, 'layout'), blobs.layoutFiles([{ descriptor: image.manifest, refName: 'v1' }]));
  registry = await startRegistry();
  await exec('skopeo', [
    'copy',
    '--dest-tls-verify=false',
    `oci:${join(work, 'layout')}:v1`,
    `docker://${registry.host}/team/api:1.4`,
  ]);
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

async function bosun(argv: string[]) {
  const io = memoryIo({ cwd: work });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const deployment = (host: string) => `# Deployment of the API (comments must survive pinning)
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      initContainers:
        - name: migrate
          image: "${host}/team/api:1.4"   # quoted on purpose
      containers:
        - name: api
          image: ${host}/team/api:1.4
---
apiVersion: v1
kind: ConfigMap
metadata: {name: not-a-workload}
data: {image: "${host}/team/api:1.4"}
`;

describe('bosun pin', () => {
  it('--check lists unpinned images and exits 1 without touching the network', async () => {
    await writeFile(join(work, 'deploy.yaml'), deployment('127.0.0.1:1'));
    const { code, out } = await bosun(['pin', '--check', 'deploy.yaml']);
    expect(code).toBe(1);
    expect(out.trim().split('\n')).toHaveLength(2);
    expect(out).toContain('Deployment/api');
  });

  it('--write pins tags to the registry digest, keeps comments and quoting, then --check passes', async () => {
    const file = join(work, 'pinned.yaml');
    await writeFile(file, deployment(registry.host));
    const { code, err } = await bosun(['pin', '--write', '--insecure', 'pinned.yaml']);
    expect(err).toContain('2 reference(s) pinned and written');
    expect(code).toBe(0);
    const text = await readFile(file, 'utf8');
    expect(text).toContain(`image: "${registry.host}/team/api:1.4@${digest}"   # quoted on purpose`);
    expect(text).toContain(`image: ${registry.host}/team/api:1.4@${digest}\n`);
    expect(text).toContain('# Deployment of the API (comments must survive pinning)');
    // The ConfigMap's data is not an image field.
    expect(text).toContain(`data: {image: "${registry.host}/team/api:1.4"}`);
    expect((await bosun(['pin', '--check', 'pinned.yaml'])).code).toBe(0);
  });

  it('prints pinned YAML to stdout without --write', async () => {
    await writeFile(join(work, 'stdout.yaml'), deployment(registry.host));
    const { code, out } = await bosun(['pin', '--insecure', 'stdout.yaml']);
    expect(code).toBe(0);
    expect(out).toContain(`@${digest}`);
    expect(await readFile(join(work, 'stdout.yaml'), 'utf8')).not.toContain('@sha256');
  });

  it('exits 3 when a tag cannot be resolved', async () => {
    await writeFile(join(work, 'missing.yaml'), deployment(registry.host).replaceAll(':1.4', ':9.9'));
    expect((await bosun(['pin', '--insecure', 'missing.yaml'])).code).toBe(3);
  });

  it.each([[['pin', '--write', '--check', 'x.yaml']], [['pin', 'no-such-dir/']]])(
    'bosun %j is a usage error',
    async (argv) => {
      expect((await bosun(argv)).code).toBe(2);
    },
  );
});

describe('bosun webhook manifests', () => {
  it('prints objects that validate against the Kubernetes schemas and ships the policies', async () => {
    const { code, out } = await bosun([
      'webhook',
      'manifests',
      '--namespace',
      'guard',
      '--policies',
      join(POLICIES, 'disallow-latest-tag'),
      '--no-match',
      'deny',
      '--replicas',
      '3',
    ]);
    expect(code).toBe(0);
    const objects = parseAllDocuments(out).map((d) => d.toJSON() as Record<string, unknown>);
    const kinds = objects.map((o) => o['kind']);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Namespace',
        'Deployment',
        'Service',
        'ValidatingWebhookConfiguration',
        'MutatingWebhookConfiguration',
        'ConfigMap',
      ]),
    );
    for (const object of objects) expect(await validateKubernetesObject(object)).toBeUndefined();
    const deploymentObject = objects.find((o) => o['kind'] === 'Deployment') as {
      spec: { replicas: number; template: { spec: { containers: { args: string[] }[] } } };
    };
    expect(deploymentObject.spec.replicas).toBe(3);
    expect(deploymentObject.spec.template.spec.containers[0]!.args.join(' ')).toContain('deny');
    const configMap = objects.find((o) => o['kind'] === 'ConfigMap') as { data: Record<string, string> };
    expect(Object.keys(configMap.data).some((k) => k.endsWith('.yaml'))).toBe(true);
    expect(Object.keys(configMap.data)).not.toContain('kyverno-test.yaml');
  });

  it.each([
    [['webhook', 'manifests', '--no-match', 'maybe']],
    [['webhook', 'manifests', '--timeout-seconds', '99']],
    [['webhook', 'manifests', '--failure-policy', 'fail']],
  ])('bosun %j is a usage error', async (argv) => {
    expect((await bosun(argv)).code).toBe(2);
  });
});

describe('bosun webhook serve', () => {
  it('answers AdmissionReviews over HTTPS with the given policies and stops on SIGTERM', async () => {
    const pki = join(work, 'pki');
    await mkdir(pki, { recursive: true });
    const ca = await createCa(pki);
    const cert = await createServerCert(pki, ca);
    const policies = join(work, 'policies');
    await cp(join(POLICIES, 'disallow-latest-tag'), policies, { recursive: true });
    const child = spawnBosun(
      [
        'webhook',
        'serve',
        '--policies',
        policies,
        '--tls-cert',
        cert.certFile,
        '--tls-key',
        cert.keyFile,
        '--port',
        '0',
        '--host',
        '127.0.0.1',
      ],
      { cwd: work },
    );
    const exited = once(child, 'exit') as Promise<[number | null]>;
    try {
      const listening = await waitForLogLine(child, (e) => e['msg'] === 'listening');
      const url = String(listening['url']);
      const denied = await postReview(
        `${url}/validate`,
        ca.certPem,
        admissionReview(workload('Pod', 'web', 'default', [{ name: 'web', image: 'nginx:latest' }])),
      );
      expect(denied.allowed).toBe(false);
      expect(denied.status?.message).toContain('Container web uses image nginx:latest');
      const allowed = await postReview(
        `${url}/validate`,
        ca.certPem,
        admissionReview(workload('Pod', 'web', 'default', [{ name: 'web', image: `nginx:1.27@${digest}` }])),
      );
      expect(allowed.allowed).toBe(true);
    } finally {
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
    }
  });
});
