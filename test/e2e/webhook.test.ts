// The webhook end to end: real HTTPS with a generated CA, AdmissionReviews shaped as the API
// server sends them, images, signatures and attestations in the real local registry.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../builders/layer.ts';
import { OciBlobs } from '../builders/oci-image.ts';
import { admissionReview, workload } from '../builders/admission-review.ts';
import { pushBuiltImage } from '../support/push-image.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { decodePatch, httpsCall, postReview } from '../support/webhook-client.ts';
import { RegistryClient } from '../../src/image/index.ts';
import { attestImage, loadPrivateKey, signImage } from '../../src/sign/index.ts';
import {
  CachedImageFacts,
  RegistryImageFacts,
  generateWebhookTls,
  startWebhookServer,
  type AuditRecord,
  type WebhookServer,
} from '../../src/admission/index.ts';

let registry: TestRegistry;
let client: RegistryClient;
let server: WebhookServer;
let facts: RegistryImageFacts;
let dir: string;
let caPem: string;
let publicPem: string;
const digests: Record<string, string> = {};
const audit: AuditRecord[] = [];

async function pushImage(repo: string, tag: string, body: string): Promise<string> {
  const blobs = new OciBlobs();
  const image = blobs.image([buildLayer([{ name: 'app', body }])], { config: { config: { User: '65532' } } });
  await pushBuiltImage(client, repo, blobs, image.manifest, tag);
  return image.manifest.digest;
}

function policies(host: string): Record<string, string> {
  const key = publicPem
    .trim()
    .split('\n')
    .map((l) => `                      ${l}`)
    .join('\n');
  return {
    'registries.yaml': `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: allowed-registries}
spec:
  validationFailureAction: Enforce
  rules:
    - name: local-registry-only
      match: {any: [{resources: {kinds: [Pod, Pod/ephemeralcontainers]}}]}
      validate:
        message: "image {{ element.image }} must come from ${host}"
        foreach:
          - list: "request.object.spec.[containers, initContainers, ephemeralContainers][] || \`[]\`"
            deny:
              conditions:
                any:
                  - {key: "{{ element.image }}", operator: NotEquals, value: "${host}/*"}
`,
    'signed.yaml': `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: signed-images}
spec:
  validationFailureAction: Enforce
  webhookTimeoutSeconds: 10
  rules:
    - name: check-signature
      match: {any: [{resources: {kinds: [Pod]}}]}
      verifyImages:
        - imageReferences: ["${host}/shop/*"]
          mutateDigest: true
          attestors:
            - entries:
                - keys:
                    publicKeys: |-
${key}
    - name: check-signature-ephemeral
      match: {any: [{resources: {kinds: [Pod/ephemeralcontainers]}}]}
      verifyImages:
        - imageReferences: ["${host}/shop/*"]
          mutateDigest: false
          attestors:
            - entries:
                - keys:
                    publicKeys: |-
${key}
`,
    'vuln.yaml': `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: vuln-scanned}
spec:
  validationFailureAction: Enforce
  rules:
    - name: no-critical-vulnerabilities
      match: {any: [{resources: {kinds: [Pod]}}]}
      verifyImages:
        - imageReferences: ["${host}/scanned/*"]
          mutateDigest: false
          verifyDigest: false
          attestations:
            - type: https://cosign.sigstore.dev/attestation/vuln/v1
              attestors:
                - entries:
                    - keys:
                        publicKeys: |-
${key.replaceAll('\n', '\n    ').replace(/^/u, '    ')}
              conditions:
                - all:
                    - {key: "{{ scanner.result.criticals }}", operator: Equals, value: 0}
`,
    'audit.yaml': `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: team-label}
spec:
  validationFailureAction: Audit
  rules:
    - name: require-team-label
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        message: "label team is required"
        pattern: {metadata: {labels: {team: "?*"}}}
`,
  };
}

beforeAll(async () => {
  registry = await startRegistry({ auth: 'none' });
  client = new RegistryClient({ registry: registry.host, insecure: true });
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const key = await loadPrivateKey(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const h = registry.host;
  digests['signed'] = await pushImage('shop/signed', '1.2', 'signed');
  digests['unsigned'] = await pushImage('shop/unsigned', '1.0', 'unsigned');
  digests['scanned'] = await pushImage('scanned/clean', '1.0', 'clean');
  digests['unscanned'] = await pushImage('scanned/dirty', '1.0', 'dirty');
  await signImage({ reference: `${h}/shop/signed:1.2`, key, client, format: 'legacy' });
  const predicate = Buffer.from(
    JSON.stringify({ scanner: { uri: 'bosun', version: '0.1.0', result: { criticals: 0 } } }),
  );
  await attestImage({ reference: `${h}/scanned/clean:1.0`, key, client, type: 'vuln', predicate });
  const criticals = Buffer.from(
    JSON.stringify({ scanner: { uri: 'bosun', version: '0.1.0', result: { criticals: 3 } } }),
  );
  await attestImage({ reference: `${h}/scanned/dirty:1.0`, key, client, type: 'vuln', predicate: criticals });

  dir = await mkdtemp(join(tmpdir(), 'bosun-webhook-e2e-'));
  const tls = generateWebhookTls({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  caPem = tls.ca.certPem;
  await writeFile(join(dir, 'tls.crt'), tls.serving.certPem);
  await writeFile(join(dir, 'tls.key'), tls.serving.keyPem);
  for (const [name, text] of Object.entries(policies(h))) await writeFile(join(dir, name), text);
  facts = new RegistryImageFacts({ insecure: true });
  server = await startWebhookServer({
    tls: { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') },
    policyPaths: [dir],
    facts: new CachedImageFacts(facts),
    host: '127.0.0.1',
    port: 0,
    deadlineMs: 5000,
    watch: false,
    audit: (r) => audit.push(r),
  });
});

afterAll(async () => {
  await server?.close();
  await facts?.close();
  await client?.close();
  await registry?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const pod = (images: Record<string, string>, labels: Record<string, string> = { team: 'shop' }) => {
  const p = workload(
    'Pod',
    'web',
    'shop',
    Object.entries(images).map(([name, image]) => ({ name, image })),
  );
  (p['metadata'] as Record<string, unknown>)['labels'] = labels;
  return p;
};
const validate = (review: unknown) => postReview(`${server.url}/validate`, caPem, review);
const mutate = (review: unknown) => postReview(`${server.url}/mutate`, caPem, review);

describe('webhook over HTTPS', () => {
  it('Pod CREATE, signed image by tag: allowed, and the mutating webhook pins the digest', async () => {
    const image = `${registry.host}/shop/signed:1.2`;
    const review = admissionReview(pod({ app: image }), { uid: 'pod-signed' });
    expect(await validate(review)).toEqual({ uid: 'pod-signed', allowed: true });
    const m = await mutate(review);
    expect([m.allowed, m.patchType, decodePatch(m)]).toEqual([
      true,
      'JSONPatch',
      [{ op: 'replace', path: '/spec/containers/0/image', value: `${image}@${digests['signed']}` }],
    ]);
  });

  it('Pod CREATE, unsigned image: denied naming policy, rule, container and image', async () => {
    const image = `${registry.host}/shop/unsigned:1.0`;
    const r = await validate(admissionReview(pod({ app: image }), { uid: 'pod-unsigned' }));
    expect([r.uid, r.allowed, r.status?.code]).toEqual(['pod-unsigned', false, 403]);
    expect(r.status?.message).toContain('policy signed-images rule check-signature failed');
    expect(r.status?.message).toContain(`container "app" image "${image}"`);
  });

  it('Deployment UPDATE with oldObject, signed image by digest: allowed, nothing to patch', async () => {
    const image = `${registry.host}/shop/signed:1.2@${digests['signed']}`;
    const obj = workload('Deployment', 'web', 'shop', [{ name: 'app', image }]);
    const old = workload('Deployment', 'web', 'shop', [
      { name: 'app', image: `${registry.host}/shop/signed:1.1` },
    ]);
    const review = admissionReview(obj, { uid: 'deploy-update', operation: 'UPDATE', oldObject: old });
    expect(await validate(review)).toEqual({
      uid: 'deploy-update',
      allowed: true,
      warnings: [expect.stringContaining('team-label')],
    });
    expect(await mutate(review)).toEqual({ uid: 'deploy-update', allowed: true });
  });

  it('CronJob with an unsigned image: denied through the autogen rule', async () => {
    const obj = workload('CronJob', 'nightly', 'shop', [
      { name: 'job', image: `${registry.host}/shop/unsigned:1.0` },
    ]);
    const r = await validate(admissionReview(obj, { uid: 'cron' }));
    expect(r.allowed).toEqual(false);
    expect(r.status?.message).toContain('rule autogen-cronjob-check-signature failed');
  });

  it('image from a registry that is not allowed: denied', async () => {
    const r = await validate(
      admissionReview(pod({ app: 'docker.io/library/nginx:1.27' }), { uid: 'foreign' }),
    );
    expect(r.allowed).toEqual(false);
    expect(r.status?.message).toContain('policy allowed-registries rule local-registry-only failed');
    expect(r.status?.message).toContain('container "app" image "docker.io/library/nginx:1.27"');
  });

  it.each([
    ['clean', true],
    ['dirty', false],
  ] as const)('vulnerability attestation (%s)', async (name, allowed) => {
    const r = await validate(
      admissionReview(pod({ app: `${registry.host}/scanned/${name}:1.0` }), { uid: `vuln-${name}` }),
    );
    expect(r.allowed).toEqual(allowed);
    if (!allowed)
      expect(r.status?.message).toContain('policy vuln-scanned rule no-critical-vulnerabilities failed');
  });

  it('Audit-mode failures are warnings', async () => {
    const r = await validate(
      admissionReview(pod({ app: `${registry.host}/shop/signed:1.2` }, {}), { uid: 'audit' }),
    );
    expect(r).toEqual({
      uid: 'audit',
      allowed: true,
      warnings: [expect.stringContaining('policy team-label rule require-team-label failed')],
    });
  });

  it('dryRun: the same decision, recorded as a dry run', async () => {
    const r = await validate(
      admissionReview(pod({ app: `${registry.host}/shop/unsigned:1.0` }), { uid: 'dry', dryRun: true }),
    );
    expect(r.allowed).toEqual(false);
    expect(audit.find((a) => a.uid === 'dry')).toEqual(
      expect.objectContaining({ dryRun: true, decision: 'deny' }),
    );
  });

  it('an ephemeral container with an unsigned image is denied', async () => {
    const old = pod({ app: `${registry.host}/shop/signed:1.2@${digests['signed']}` });
    const obj = structuredClone(old) as { spec: Record<string, unknown> };
    obj.spec['ephemeralContainers'] = [
      { name: 'debugger', image: `${registry.host}/shop/unsigned:1.0`, targetContainerName: 'app' },
    ];
    const r = await validate(
      admissionReview(obj, {
        uid: 'ephemeral',
        operation: 'UPDATE',
        oldObject: old,
        subResource: 'ephemeralcontainers',
      }),
    );
    expect(r.allowed).toEqual(false);
    expect(r.status?.message).toContain(`container "debugger" image "${registry.host}/shop/unsigned:1.0"`);
  });

  it('serves health, readiness and metrics', async () => {
    const [health, ready, metrics] = await Promise.all(
      ['/healthz', '/readyz', '/metrics'].map((p) => httpsCall(`${server.url}${p}`, caPem, 'GET')),
    );
    expect([health!.status, ready!.status, JSON.parse(ready!.body).policies]).toEqual([200, 200, 4]);
    expect(metrics!.body).toMatch(
      /bosun_webhook_requests_total\{mode="validate",kind="Pod",decision="deny"\} \d+/u,
    );
    expect(metrics!.body).toMatch(/bosun_webhook_facts_cache_hits_total \d+/u);
    expect(metrics!.body).toContain('bosun_webhook_request_duration_seconds_bucket');
  });

  it('audit records carry no objects or secrets', () => {
    const text = audit.map((a) => JSON.stringify(a)).join('\n');
    expect(text).not.toContain('BEGIN');
    expect(text).not.toContain('"spec"');
  });
});
