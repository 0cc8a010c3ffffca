// The webhook reading namespace labels through the Kubernetes API for policies that select by
// namespaceSelector: the real HTTPS server with the generated CA, and a fake API server in this
// process (HTTPS with an openssl test CA, bearer token; there is no kube-apiserver on this
// machine). An AdmissionReview carries no namespace labels, so without the lookup such a policy
// would never select anything.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admissionReview, workload } from '../builders/admission-review.ts';
import { startFakeKubeApi, type FakeKubeApi } from '../support/kube-api.ts';
import { httpsCall, postReview } from '../support/webhook-client.ts';
import { InMemoryImageFacts } from '../../src/policy/index.ts';
import {
  createKubeClient,
  createNamespaceLookup,
  generateWebhookTls,
  startWebhookServer,
  type KubeClient,
  type WebhookServer,
} from '../../src/admission/index.ts';

const PROD_REGISTRIES = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: prod-registries}
spec:
  validationFailureAction: Enforce
  rules:
    - name: registries
      match:
        any:
          - resources:
              kinds: [Pod]
              namespaceSelector: {matchLabels: {env: prod}}
      validate:
        message: "prod images come from registry.example"
        pattern: {spec: {containers: [{image: "registry.example/*"}]}}
`;

let api: FakeKubeApi;
let kube: KubeClient;
let server: WebhookServer;
let dir: string;
let caPem: string;

beforeAll(async () => {
  api = await startFakeKubeApi('sa-token');
  api.namespaces.set('shop', { env: 'prod' });
  api.namespaces.set('sandbox', { env: 'dev' });
  dir = await mkdtemp(join(tmpdir(), 'bosun-webhook-namespaces-'));
  const tls = generateWebhookTls({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  caPem = tls.ca.certPem;
  await writeFile(join(dir, 'tls.crt'), tls.serving.certPem);
  await writeFile(join(dir, 'tls.key'), tls.serving.keyPem);
  await writeFile(join(dir, 'prod.yaml'), PROD_REGISTRIES);
  kube = createKubeClient({ apiServer: api.url, token: 'sa-token', caPem: api.caPem });
  const namespaces = createNamespaceLookup({ kube });
  server = await startWebhookServer({
    tls: { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') },
    policyPaths: [join(dir, 'prod.yaml')],
    facts: new InMemoryImageFacts(),
    namespaceFor: namespaces.get,
    apiReadStats: { namespaces: () => namespaces.stats },
    host: '127.0.0.1',
    port: 0,
    deadlineMs: 3000,
    watch: false,
  });
});

afterAll(async () => {
  await server?.close();
  kube?.close();
  await api?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function admit(namespace: string, image: string) {
  const pod = workload('Pod', 'web', namespace, [{ name: 'app', image }]);
  return postReview(`${server.url}/validate`, caPem, admissionReview(pod, { uid: `${namespace}-uid` }));
}

describe('webhook with namespace labels from the API', () => {
  it('applies a namespaceSelector policy in a labelled namespace only', async () => {
    const prod = await admit('shop', 'docker.io/other/web:1');
    const dev = await admit('sandbox', 'docker.io/other/web:1');
    const good = await admit('shop', 'registry.example/web:1');
    expect([prod.allowed, dev.allowed, good.allowed]).toEqual([false, true, true]);
    expect(prod.status?.message).toContain('policy prod-registries rule registries failed');
  });

  it('reads each namespace once within the cache TTL', async () => {
    const reads = api.requests.filter((r) => r.path === '/api/v1/namespaces/shop').length;
    await admit('shop', 'registry.example/web:2');
    await admit('shop', 'registry.example/web:3');
    expect(api.requests.filter((r) => r.path === '/api/v1/namespaces/shop').length).toEqual(reads);
  });

  it('counts namespace lookups in /metrics', async () => {
    const metrics = await httpsCall(`${server.url}/metrics`, caPem, 'GET');
    const count = (result: string): number =>
      Number(
        new RegExp(`bosun_webhook_namespace_lookups_total\\{result="${result}"\\} (\\d+)`, 'u').exec(
          metrics.body,
        )?.[1],
      );
    expect([count('miss'), count('hit') >= 3]).toEqual([2, true]);
  });

  it('denies with a clear message when the namespace cannot be read (fail-closed default)', async () => {
    const answer = await admit('unknown-ns', 'registry.example/web:1');
    expect(answer.allowed).toBe(false);
    expect(answer.status?.message).toContain(
      'the labels of namespace unknown-ns could not be read (ADMISSION_KUBE_NOT_FOUND)',
    );
  });
});
