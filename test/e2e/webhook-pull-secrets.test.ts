// The webhook reading each pod's imagePullSecrets through the Kubernetes API: a fake API server
// in this process (HTTPS with an openssl test CA, bearer token, GET secrets; there is no real
// kube-apiserver on this machine) and the real registry with basic auth holding a signed private
// image. The webhook's own credentials are none, so only the pod's secret can open the registry.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admissionReview, workload } from '../builders/admission-review.ts';
import { dockerRegistrySecret, startFakeKubeApi, type FakeKubeApi } from '../support/kube-api.ts';
import { startSigningRegistry, type SigningRegistry } from '../support/signing-registry.ts';
import { httpsCall, postReview } from '../support/webhook-client.ts';
import {
  CachedImageFacts,
  RegistryImageFacts,
  createKubeClient,
  decodeAdmissionReview,
  createPullSecretFacts,
  generateWebhookTls,
  startWebhookServer,
  type AuditRecord,
  type KubeClient,
  type PullSecretFacts,
  type WebhookServer,
} from '../../src/admission/index.ts';

let reg: SigningRegistry;
let api: FakeKubeApi;
let kube: KubeClient;
let shared: RegistryImageFacts;
let pullSecrets: PullSecretFacts;
let server: WebhookServer;
let dir: string;
let caPem: string;
let tokenFile: string;
let image: string;
const audit: AuditRecord[] = [];

beforeAll(async () => {
  reg = await startSigningRegistry();
  await reg.push('private/app', '1.0');
  image = `${reg.host}/private/app:1.0`;
  await reg.sign(image);
  api = await startFakeKubeApi('sa-token');
  const user = reg.registry.username ?? '';
  const pass = reg.registry.password ?? '';
  api.secrets.set('team-a/regcred', dockerRegistrySecret('team-a', 'regcred', reg.host, user, pass));
  api.secrets.set('team-c/regcred', dockerRegistrySecret('team-c', 'regcred', reg.host, user, 'wrong'));

  dir = await mkdtemp(join(tmpdir(), 'bosun-webhook-pull-secrets-'));
  tokenFile = join(dir, 'token');
  await writeFile(tokenFile, 'sa-token\n');
  const tls = generateWebhookTls({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  caPem = tls.ca.certPem;
  await writeFile(join(dir, 'tls.crt'), tls.serving.certPem);
  await writeFile(join(dir, 'tls.key'), tls.serving.keyPem);
  const key = reg.publicPem
    .split('\n')
    .map((l) => `                      ${l}`)
    .join('\n');
  await writeFile(
    join(dir, 'signed.yaml'),
    `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: signed-private}
spec:
  validationFailureAction: Enforce
  rules:
    - name: check-signature
      match: {any: [{resources: {kinds: [Pod, Deployment]}}]}
      verifyImages:
        - imageReferences: ["${reg.host}/private/*"]
          mutateDigest: false
          verifyDigest: false
          attestors:
            - entries:
                - keys:
                    publicKeys: |-
${key}
`,
  );
  // The token file is re-read on every call and Secrets are not reused, so the test can rotate
  // the token; scoped facts are still keyed by the Secret's resourceVersion.
  kube = createKubeClient({ apiServer: api.url, tokenFile, caPem: api.caPem, tokenRefreshMs: 0 });
  shared = new RegistryImageFacts({ insecure: true });
  const facts = new CachedImageFacts(shared);
  pullSecrets = createPullSecretFacts({ kube, shared: facts, registry: { insecure: true }, secretTtlMs: 0 });
  server = await startWebhookServer({
    tls: { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') },
    policyPaths: [join(dir, 'signed.yaml')],
    facts,
    factsFor: pullSecrets.factsFor,
    apiReadStats: { pullSecretScopes: () => pullSecrets.scopes },
    host: '127.0.0.1',
    port: 0,
    deadlineMs: 5000,
    watch: false,
    audit: (r) => audit.push(r),
  });
});

afterAll(async () => {
  await server?.close();
  await pullSecrets?.close();
  kube?.close();
  await shared?.close();
  await api?.stop();
  await reg?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

function pod(namespace: string, secrets: readonly string[], kind = 'Pod'): Record<string, unknown> {
  const object = workload(kind, 'web', namespace, [{ name: 'app', image }]);
  const spec = (
    kind === 'Pod' ? object['spec'] : (object['spec'] as { template: { spec: unknown } }).template.spec
  ) as Record<string, unknown>;
  if (secrets.length > 0) spec['imagePullSecrets'] = secrets.map((name) => ({ name }));
  return object;
}

async function review(namespace: string, secrets: readonly string[], kind = 'Pod') {
  const uid = `${namespace}-${secrets.join('+')}-${kind}-${audit.length}`;
  const answer = await postReview(
    `${server.url}/validate`,
    caPem,
    admissionReview(pod(namespace, secrets, kind), { uid }),
  );
  const record = audit.find((r) => r.uid === uid);
  return {
    allowed: answer.allowed,
    reason: /\((ADMISSION_KUBE_\w+|REGISTRY_\w+|CREDENTIALS_\w+)\)/u.exec(answer.status?.message ?? '')?.[1],
    failures: record?.factFailures.map((f) => f.code) ?? [],
  };
}

describe('webhook with pull secrets from the Kubernetes API', () => {
  it('a pod naming the right imagePullSecret is verified with it', async () => {
    expect(await review('team-a', ['regcred'])).toEqual({ allowed: true, reason: undefined, failures: [] });
    expect(api.requests.at(-1)).toEqual({ path: '/api/v1/namespaces/team-a/secrets/regcred', status: 200 });
  });

  it("a Deployment's pod template secrets are read too", async () => {
    expect(await review('team-a', ['regcred'], 'Deployment')).toEqual({
      allowed: true,
      reason: undefined,
      failures: [],
    });
  });

  it('without the secret the registry refuses: fail-closed deny', async () => {
    expect(await review('team-a', [])).toEqual({
      allowed: false,
      reason: 'REGISTRY_UNAUTHORIZED',
      failures: ['REGISTRY_UNAUTHORIZED'],
    });
  });

  it("namespace B naming a Secret it does not have gets nothing of namespace A's cached answer", async () => {
    // Same secret name, same image digest, right after team-a's positive answer was cached.
    expect(await review('team-b', ['regcred'])).toEqual({
      allowed: false,
      reason: 'REGISTRY_UNAUTHORIZED',
      failures: ['REGISTRY_UNAUTHORIZED'],
    });
    expect(api.requests.at(-1)).toEqual({ path: '/api/v1/namespaces/team-b/secrets/regcred', status: 404 });
  });

  it("namespace C's own Secret of the same name with a wrong password is its own scope", async () => {
    expect(await review('team-c', ['regcred'])).toEqual({
      allowed: false,
      reason: 'REGISTRY_UNAUTHORIZED',
      failures: ['REGISTRY_UNAUTHORIZED'],
    });
    expect(await review('team-a', ['regcred'])).toEqual({ allowed: true, reason: undefined, failures: [] });
  });

  it('the pod secret is tried before, not instead of, the webhook credentials (chained)', async () => {
    // A secret for another registry only: the chain falls through to the (anonymous) default.
    api.secrets.set('team-d/other', dockerRegistrySecret('team-d', 'other', 'other.example', 'u', 'p'));
    expect(await review('team-d', ['other'])).toEqual({
      allowed: false,
      reason: 'REGISTRY_UNAUTHORIZED',
      failures: ['REGISTRY_UNAUTHORIZED'],
    });
    expect(await review('team-d', ['other', 'missing'])).toEqual({
      allowed: false,
      reason: 'REGISTRY_UNAUTHORIZED',
      failures: ['REGISTRY_UNAUTHORIZED'],
    });
  });

  it('a token the API server rejects is an error under the failure policy, and a rotated token recovers', async () => {
    await writeFile(tokenFile, 'revoked-token\n');
    expect(await review('team-a', ['regcred'])).toEqual({
      allowed: false,
      reason: 'ADMISSION_KUBE_UNAUTHORIZED',
      failures: ['ADMISSION_KUBE_UNAUTHORIZED'],
    });
    await writeFile(tokenFile, 'sa-token\n');
    expect(await review('team-a', ['regcred'])).toEqual({ allowed: true, reason: undefined, failures: [] });
  });

  it('one scoped cache per namespace and secret set, shown in /metrics', async () => {
    // team-a/regcred@1 and team-c/regcred@1; team-b (404) and team-d (no matching registry
    // entry, but a pull secret) — team-d's secret is real, so it has a scope of its own too.
    expect(pullSecrets.scopes).toEqual(3);
    const metrics = await httpsCall(`${server.url}/metrics`, caPem, 'GET');
    expect(metrics.body).toMatch(/^bosun_webhook_pull_secret_scopes 3$/mu);
  });

  it("a Deployment naming no secret gets its service account's, as its pods will", async () => {
    const user = reg.registry.username ?? '';
    const pass = reg.registry.password ?? '';
    api.secrets.set('team-e/sa-cred', dockerRegistrySecret('team-e', 'sa-cred', reg.host, user, pass));
    // No service account yet (404): the webhook's own (anonymous) credentials, refused.
    expect((await review('team-e', [], 'Deployment')).allowed).toBe(false);
    api.serviceAccounts.set('team-e/default', ['sa-cred']);
    expect(await review('team-e', [], 'Deployment')).toEqual({
      allowed: true,
      reason: undefined,
      failures: [],
    });
    expect(api.requests.at(-2)).toEqual({
      path: '/api/v1/namespaces/team-e/serviceaccounts/default',
      status: 200,
    });
    // A Pod is left alone: the ServiceAccount admission plugin has already copied the secrets in.
    const before = api.requests.length;
    expect((await review('team-e', [])).allowed).toBe(false);
    expect(api.requests.length).toEqual(before);
  });
});

describe('createPullSecretFacts without the server', () => {
  const request = (namespace: string, secrets: readonly string[]) =>
    decodeAdmissionReview(Buffer.from(JSON.stringify(admissionReview(pod(namespace, secrets)))));

  it("falls through to the webhook's own credentials when the pod's secrets do not cover the registry", async () => {
    const credentials = async () => ({
      kind: 'basic' as const,
      username: reg.registry.username ?? '',
      password: reg.registry.password ?? '',
    });
    const base = new RegistryImageFacts({ insecure: true, credentials });
    const local = createPullSecretFacts({
      kube,
      shared: new CachedImageFacts(base),
      registry: { insecure: true, credentials },
    });
    const signal = AbortSignal.timeout(5000);
    const facts = await local.factsFor(request('team-d', ['other']), signal);
    expect(await facts.resolveDigest(image, signal)).toMatch(/^sha256:[0-9a-f]{64}$/u);
    await local.close();
    await base.close();
  });

  it('reuses a Secret read within its TTL and asks again after it', async () => {
    let now = 1000;
    const local = createPullSecretFacts({ kube, shared: new CachedImageFacts(shared), now: () => now });
    const signal = AbortSignal.timeout(5000);
    const before = api.requests.length;
    await local.factsFor(request('team-a', ['regcred']), signal);
    await local.factsFor(request('team-a', ['regcred']), signal);
    const within = api.requests.length - before;
    now += 61_000;
    await local.factsFor(request('team-a', ['regcred']), signal);
    expect([within, api.requests.length - before, local.scopes]).toEqual([1, 2, 1]);
    await local.close();
  });

  it('a changed Secret (new resourceVersion) gets a new scope', async () => {
    const local = createPullSecretFacts({ kube, shared: new CachedImageFacts(shared), secretTtlMs: 0 });
    const signal = AbortSignal.timeout(5000);
    await local.factsFor(request('team-a', ['regcred']), signal);
    const user = reg.registry.username ?? '';
    const pass = reg.registry.password ?? '';
    api.secrets.set('team-a/regcred', dockerRegistrySecret('team-a', 'regcred', reg.host, user, pass, '2'));
    await local.factsFor(request('team-a', ['regcred']), signal);
    expect(local.scopes).toEqual(2);
    await local.close();
  });
});
