// The in-cluster API client against a fake API server in this process (HTTPS, test CA, bearer
// token): there is no real kube-apiserver on this machine.
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerRegistrySecret, startFakeKubeApi, type FakeKubeApi } from '../../../test/support/kube-api.ts';
import { mutatedText, valueOrBosunError } from '../../../test/support/parser-property.ts';
import { isBosunError } from '../../util/errors.ts';
import { createKubeClient, parseNamespace, parseSecret, parseServiceAccount } from './kube-client.ts';
import { createNamespaceLookup } from './namespace-lookup.ts';
import { inClusterConfig } from './in-cluster-config.ts';
import { imagePullSecretNames, serviceAccountNameOf } from './pull-secret-facts.ts';

let api: FakeKubeApi;
let dir: string;

beforeAll(async () => {
  api = await startFakeKubeApi('good-token');
  api.secrets.set('team-a/regcred', dockerRegistrySecret('team-a', 'regcred', 'r.example', 'u', 'p'));
  dir = await mkdtemp(join(tmpdir(), 'bosun-kube-client-'));
});
afterAll(async () => {
  await api?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (error) {
    return isBosunError(error) ? error.code : String(error);
  }
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('createKubeClient', () => {
  it('reads a Secret with the bearer token, trusting only the given CA', async () => {
    const kube = createKubeClient({ apiServer: api.url, token: 'good-token', caPem: api.caPem });
    const s = await kube.getSecret('team-a', 'regcred');
    kube.close();
    expect([s.metadata.name, s.metadata.namespace, s.type]).toEqual([
      'regcred',
      'team-a',
      'kubernetes.io/dockerconfigjson',
    ]);
  });

  it.each([
    ['a wrong token', 'team-a', 'regcred', 'bad-token', 'ADMISSION_KUBE_UNAUTHORIZED'],
    ['a missing Secret', 'team-a', 'nope', 'good-token', 'ADMISSION_KUBE_NOT_FOUND'],
    ['another namespace', 'team-b', 'regcred', 'good-token', 'ADMISSION_KUBE_NOT_FOUND'],
    ['a name that is no DNS name', 'team-a', '../x', 'good-token', 'ADMISSION_KUBE_NOT_FOUND'],
  ])('%s → %s', async (_what, ns, name, token, code) => {
    const kube = createKubeClient({ apiServer: api.url, token, caPem: api.caPem });
    expect(await codeOf(kube.getSecret(ns, name))).toEqual(code);
    kube.close();
  });

  it('rejects an API server signed by another CA (the cluster CA is the only trust)', async () => {
    const other = await startFakeKubeApi('good-token');
    const kube = createKubeClient({ apiServer: api.url, token: 'good-token', caPem: other.caPem });
    expect(await codeOf(kube.getSecret('team-a', 'regcred'))).toEqual('ADMISSION_KUBE_UNREACHABLE');
    kube.close();
    await other.stop();
  });

  it('bounds the answer size', async () => {
    const kube = createKubeClient({
      apiServer: api.url,
      token: 'good-token',
      caPem: api.caPem,
      maxResponseBytes: 100,
    });
    expect(await codeOf(kube.getSecret('team-a', 'regcred'))).toEqual('ADMISSION_KUBE_RESPONSE_INVALID');
    kube.close();
  });

  it('an unreachable API server is ADMISSION_KUBE_UNREACHABLE', async () => {
    const kube = createKubeClient({
      apiServer: `https://127.0.0.1:${await closedPort()}`,
      token: 'good-token',
      caPem: api.caPem,
    });
    expect(await codeOf(kube.getSecret('team-a', 'regcred'))).toEqual('ADMISSION_KUBE_UNREACHABLE');
    kube.close();
  });

  it('re-reads a rotated token file after the API server rejects the old token', async () => {
    const tokenFile = join(dir, 'token');
    await writeFile(tokenFile, 'expired-token\n');
    const kube = createKubeClient({ apiServer: api.url, tokenFile, caPem: api.caPem });
    expect(await codeOf(kube.getSecret('team-a', 'regcred'))).toEqual('ADMISSION_KUBE_UNAUTHORIZED');
    await writeFile(tokenFile, 'good-token\n');
    expect(await codeOf(kube.getSecret('team-a', 'regcred'))).toEqual('resolved');
    kube.close();
  });

  it.each([
    ['http://127.0.0.1:1', 'x'],
    ['https://127.0.0.1:1', undefined],
  ])('refuses %s / token %s with ADMISSION_KUBE_CONFIG', (apiServer, token) => {
    expect(() =>
      createKubeClient({ apiServer, caPem: '', ...(token === undefined ? {} : { token }) }),
    ).toThrow(expect.objectContaining({ code: 'ADMISSION_KUBE_CONFIG' }));
  });
});

describe('namespaces', () => {
  it('reads a Namespace and its labels', async () => {
    api.namespaces.set('team-a', { env: 'prod' });
    const kube = createKubeClient({ apiServer: api.url, token: 'good-token', caPem: api.caPem });
    const ns = await kube.getNamespace('team-a');
    expect([ns.metadata.name, ns.metadata.labels?.['env']]).toEqual(['team-a', 'prod']);
    expect(await codeOf(kube.getNamespace('nope'))).toEqual('ADMISSION_KUBE_NOT_FOUND');
    expect(await codeOf(kube.getNamespace('../x'))).toEqual('ADMISSION_KUBE_NOT_FOUND');
    kube.close();
  });

  it('a lookup reuses answers within its TTL, shares concurrent calls and never caches failures', async () => {
    api.namespaces.set('team-t', { env: 'dev' });
    let clock = 0;
    const kube = createKubeClient({ apiServer: api.url, token: 'good-token', caPem: api.caPem });
    const lookup = createNamespaceLookup({ kube, ttlMs: 1000, now: () => clock });
    const asked = (): number => api.requests.filter((r) => r.path === '/api/v1/namespaces/team-t').length;
    const before = asked();
    const [a, b] = await Promise.all([lookup.get('team-t'), lookup.get('team-t')]);
    expect([a.labels['env'], b === a, asked() - before]).toEqual(['dev', true, 1]);
    api.namespaces.set('team-t', { env: 'prod' });
    clock = 999;
    expect((await lookup.get('team-t')).labels['env']).toEqual('dev');
    clock = 1000;
    expect((await lookup.get('team-t')).labels['env']).toEqual('prod');
    expect(await codeOf(lookup.get('gone'))).toEqual('ADMISSION_KUBE_NOT_FOUND');
    api.namespaces.set('gone', {});
    expect((await lookup.get('gone')).object['kind']).toEqual('Namespace');
    expect(lookup.stats).toEqual({ hits: 2, misses: 4, errors: 1 });
    kube.close();
  });
});

describe('service accounts', () => {
  it("reads a ServiceAccount's imagePullSecrets", async () => {
    api.serviceAccounts.set('team-a/builder', ['regcred', 'other']);
    const kube = createKubeClient({ apiServer: api.url, token: 'good-token', caPem: api.caPem });
    const sa = await kube.getServiceAccount('team-a', 'builder');
    expect(sa.imagePullSecrets?.map((r) => r.name)).toEqual(['regcred', 'other']);
    expect(await codeOf(kube.getServiceAccount('team-a', 'nope'))).toEqual('ADMISSION_KUBE_NOT_FOUND');
    kube.close();
  });

  it.each([
    ['Deployment', { spec: { template: { spec: { serviceAccountName: 'builder' } } } }, 'builder'],
    ['Deployment', { spec: { template: { spec: { serviceAccount: 'legacy' } } } }, 'legacy'],
    ['CronJob', { spec: { jobTemplate: { spec: { template: { spec: {} } } } } }, 'default'],
    ['Pod', { spec: { serviceAccountName: '' } }, 'default'],
    ['ConfigMap', { data: {} }, undefined],
  ])('%s %j runs as %s', (kind, object, name) => {
    expect(serviceAccountNameOf(kind, object as never)).toEqual(name);
  });

  const good = JSON.stringify({
    kind: 'ServiceAccount',
    metadata: { name: 'a' },
    imagePullSecrets: [{ name: 'r' }],
  });
  it('parseServiceAccount: a ServiceAccount or ADMISSION_KUBE_RESPONSE_INVALID for any answer', () => {
    fc.assert(
      fc.property(mutatedText(good), (text) => {
        valueOrBosunError(
          () => parseServiceAccount(Buffer.from(text), 'ServiceAccount ns/a'),
          ['ADMISSION_KUBE_RESPONSE_INVALID'],
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseNamespace', () => {
  const good = JSON.stringify({ kind: 'Namespace', metadata: { name: 'a', labels: { env: 'prod' } } });
  it('is a Namespace or ADMISSION_KUBE_RESPONSE_INVALID for any answer', () => {
    fc.assert(
      fc.property(mutatedText(good), (text) => {
        valueOrBosunError(
          () => parseNamespace(Buffer.from(text), 'Namespace a'),
          ['ADMISSION_KUBE_RESPONSE_INVALID'],
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('inClusterConfig', () => {
  it('builds options from the environment and the service account files', async () => {
    const sa = join(dir, 'sa');
    await import('node:fs/promises').then((fs) => fs.mkdir(sa, { recursive: true }));
    await writeFile(join(sa, 'token'), 'tok\n');
    await writeFile(join(sa, 'ca.crt'), api.caPem);
    await writeFile(join(sa, 'namespace'), 'bosun-system');
    const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' };
    expect(await inClusterConfig(env, sa)).toEqual({
      apiServer: 'https://[fd00::1]:443',
      tokenFile: join(sa, 'token'),
      caPem: api.caPem,
      namespace: 'bosun-system',
    });
  });

  it.each([
    ['no service environment', {}, 'sa'],
    ['a bad port', { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: 'https' }, 'sa'],
    ['no token file', { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, 'none'],
  ])('outside a cluster (%s) → ADMISSION_KUBE_CONFIG', async (_what, env, sub) => {
    expect(await codeOf(inClusterConfig(env, join(dir, sub)))).toEqual('ADMISSION_KUBE_CONFIG');
  });
});

describe('imagePullSecretNames', () => {
  const spec = { imagePullSecrets: [{ name: 'a' }, { name: 'b' }, { name: 'a' }, {}, 'x'], containers: [] };
  it.each([
    ['Pod', { spec }, ['a', 'b']],
    ['Deployment', { spec: { template: { spec } } }, ['a', 'b']],
    ['CronJob', { spec: { jobTemplate: { spec: { template: { spec } } } } }, ['a', 'b']],
    ['Pod', { spec: { containers: [] } }, []],
    ['ConfigMap', { spec }, []],
    ['Pod', { spec: { imagePullSecrets: 'regcred' } }, []],
  ])('%s %j → %j', (kind, object, names) => {
    expect(imagePullSecretNames(kind, object as never)).toEqual(names);
  });
});

describe('parseSecret', () => {
  const good = JSON.stringify(dockerRegistrySecret('ns', 'regcred', 'r.example', 'u', 'p'));
  it('is a Secret or ADMISSION_KUBE_RESPONSE_INVALID for any answer', () => {
    fc.assert(
      fc.property(mutatedText(good), (text) => {
        valueOrBosunError(
          () => parseSecret(Buffer.from(text), 'Secret ns/regcred'),
          ['ADMISSION_KUBE_RESPONSE_INVALID'],
        );
      }),
      { numRuns: 300 },
    );
  });
});
