import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import { mutatedBytes, mutatedText, valueOrBosunError } from '../../../test/support/parser-property.ts';
import type { RegistryCredential } from '../credential-types.ts';
import { kubernetesSecretProvider, parseKubernetesPullSecrets } from './kubernetes-secret-provider.ts';

const run = promisify(execFile);
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const basic = (username: string, password: string): RegistryCredential => ({
  kind: 'basic',
  username,
  password,
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bosun-k8s-secret-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** A pull secret made by kubectl itself (client-side dry run, no cluster needed). */
async function kubectlSecret(
  name: string,
  server: string,
  username: string,
  password: string,
  output: 'yaml' | 'json',
): Promise<string> {
  const { stdout } = await run('kubectl', [
    'create',
    'secret',
    'docker-registry',
    name,
    `--docker-server=${server}`,
    `--docker-username=${username}`,
    `--docker-password=${password}`,
    '--dry-run=client',
    '-o',
    output,
  ]);
  return stdout;
}

function codeOf(runIt: () => unknown): string {
  try {
    runIt();
    return 'ok';
  } catch (error) {
    return isBosunError(error) ? error.code : `other: ${String(error)}`;
  }
}

describe('kubernetesSecretProvider with secrets made by kubectl', () => {
  it.each(['yaml', 'json'] as const)('a dockerconfigjson secret as %s', async (output) => {
    const text = await kubectlSecret('regcred', 'ghcr.io', 'alice', 'pa:ss word', output);
    const provider = kubernetesSecretProvider(text, { source: 'regcred.yaml' });
    expect(await provider('ghcr.io')).toEqual(basic('alice', 'pa:ss word'));
    expect(await provider('quay.io')).toEqual(undefined);
  });

  it('Docker Hub keys written by kubectl match docker.io', async () => {
    const text = await kubectlSecret('hub', 'https://index.docker.io/v1/', 'hubuser', 'pw', 'yaml');
    expect(await kubernetesSecretProvider(text)('docker.io')).toEqual(basic('hubuser', 'pw'));
  });

  it('a multi-document YAML stream is tried in order, like imagePullSecrets', async () => {
    const first = await kubectlSecret('a', 'ghcr.io', 'first', 'pw1', 'yaml');
    const second = await kubectlSecret('b', 'ghcr.io', 'second', 'pw2', 'yaml');
    const third = await kubectlSecret('c', 'localhost:5000', 'local', 'pw3', 'yaml');
    const provider = kubernetesSecretProvider(`${first}---\n${second}---\n${third}`);
    expect([await provider('ghcr.io'), await provider('localhost:5000')]).toEqual([
      basic('first', 'pw1'),
      basic('local', 'pw3'),
    ]);
  });

  it('a generic secret of type dockercfg made from a legacy file', async () => {
    const path = join(dir, '.dockercfg');
    await writeFile(
      path,
      JSON.stringify({ 'https://quay.io': { auth: b64('q:w'), email: 'q@example.com' } }),
    );
    const { stdout } = await run('kubectl', [
      'create',
      'secret',
      'generic',
      'legacy',
      '--type=kubernetes.io/dockercfg',
      `--from-file=.dockercfg=${path}`,
      '--dry-run=client',
      '-o',
      'yaml',
    ]);
    expect(await kubernetesSecretProvider(stdout)('quay.io')).toEqual(basic('q', 'w'));
  });
});

describe('kubernetesSecretProvider: shapes', () => {
  const config = { auths: { 'ghcr.io': { auth: b64('u:p') }, '*.example.com': { auth: b64('w:c') } } };
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'regcred', namespace: 'apps' },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': b64(JSON.stringify(config)) },
  };

  it.each<[string, unknown]>([
    ['a parsed Secret', secret],
    ['a Secret as bytes', new TextEncoder().encode(JSON.stringify(secret))],
    [
      'stringData',
      {
        kind: 'Secret',
        type: 'kubernetes.io/dockerconfigjson',
        stringData: { '.dockerconfigjson': JSON.stringify(config) },
      },
    ],
    [
      'stringData over data',
      {
        ...secret,
        data: { '.dockerconfigjson': 'bm90IGpzb24=' },
        stringData: { '.dockerconfigjson': JSON.stringify(config) },
      },
    ],
    ['no type, key present', { kind: 'Secret', data: secret.data }],
    ['raw .dockerconfigjson', JSON.stringify(config)],
    ['raw .dockerconfigjson parsed', config],
    ['a List', { apiVersion: 'v1', kind: 'List', items: [secret] }],
    ['a SecretList', { kind: 'SecretList', items: [secret] }],
    ['an array', [secret]],
  ])('%s', async (_name, input) => {
    const provider = kubernetesSecretProvider(input);
    expect([
      await provider('ghcr.io'),
      await provider('a.example.com'),
      await provider('a.b.example.com'),
    ]).toEqual([basic('u', 'p'), basic('w', 'c'), undefined]);
  });

  it('ignores credHelpers and credsStore in a secret', async () => {
    const provider = kubernetesSecretProvider({
      auths: {},
      credsStore: 'evil',
      credHelpers: { 'ghcr.io': 'evil' },
    });
    expect(await provider('ghcr.io')).toEqual(undefined);
    expect(parseKubernetesPullSecrets({ auths: {}, credsStore: 'evil' })).toEqual([
      { auths: [], credHelpers: [], credsStore: undefined },
    ]);
  });

  it('prefers a host key over a wildcard, whatever the order', async () => {
    const provider = kubernetesSecretProvider({
      auths: { '*.example.com': { auth: b64('w:c') }, 'a.example.com': { auth: b64('a:b') } },
    });
    expect(await provider('a.example.com')).toEqual(basic('a', 'b'));
  });

  it.each<[string, unknown]>([
    ['empty text', ''],
    ['YAML syntax error', 'kind: Secret\n  data: [\n'],
    ['a number', 42],
    ['null', null],
    ['an empty array', []],
    ['a ConfigMap', { kind: 'ConfigMap', data: {} }],
    ['an Opaque secret', { kind: 'Secret', type: 'Opaque', data: { '.dockerconfigjson': b64('{}') } }],
    ['a secret without data', { kind: 'Secret', type: 'kubernetes.io/dockerconfigjson' }],
    ['data not an object', { kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', data: 'x' }],
    [
      'data value not base64',
      { kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': '%%%' } },
    ],
    [
      'data value not JSON',
      { kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('nope') } },
    ],
    [
      'data value a number',
      { kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 5 } },
    ],
    [
      'dockercfg with dockerconfigjson key',
      { kind: 'Secret', type: 'kubernetes.io/dockercfg', data: { '.dockerconfigjson': b64('{}') } },
    ],
    ['a List without items', { kind: 'List' }],
    ['lists nested too deep', [[[[{ auths: {} }]]]]],
    ['an object that is neither', { hello: 'world' }],
    ['too many secrets', Array.from({ length: 300 }, () => ({ auths: {} }))],
    [
      'YAML alias bomb',
      'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
    ],
    ['over the size limit', ' '.repeat(2 * 1024 * 1024)],
  ])('%s → CREDENTIALS_INVALID', (_name, input) => {
    expect(codeOf(() => kubernetesSecretProvider(input))).toEqual('CREDENTIALS_INVALID');
  });

  it('names the secret in errors', () => {
    const bad = { ...secret, data: { '.dockerconfigjson': b64('{"auths": {"ghcr.io": {"auth": 7}}}') } };
    expect(() => kubernetesSecretProvider(bad, { source: 'pod.yaml' })).toThrow(
      'pod.yaml (secret apps/regcred) .dockerconfigjson',
    );
  });
});

describe('kubernetesSecretProvider: properties', () => {
  const seedYaml = [
    'apiVersion: v1',
    'kind: Secret',
    'metadata: {name: regcred}',
    'type: kubernetes.io/dockerconfigjson',
    'data:',
    `  .dockerconfigjson: ${b64(JSON.stringify({ auths: { 'ghcr.io': { auth: b64('u:p') } } }))}`,
    'stringData:',
    `  .dockerconfigjson: '${JSON.stringify({ auths: { 'a.io': { username: 'x', password: 'y' } } })}'`,
    '',
  ].join('\n');

  it('mutated YAML secrets yield a provider or CREDENTIALS_INVALID', () => {
    fc.assert(
      fc.property(mutatedText(seedYaml), (text) => {
        valueOrBosunError(() => parseKubernetesPullSecrets(text), ['CREDENTIALS_INVALID']);
      }),
      { numRuns: 1000 },
    );
  });

  it('random bytes yield a provider or CREDENTIALS_INVALID', () => {
    fc.assert(
      fc.property(mutatedBytes(new TextEncoder().encode(seedYaml)), (bytes) => {
        valueOrBosunError(() => parseKubernetesPullSecrets(bytes), ['CREDENTIALS_INVALID']);
      }),
      { numRuns: 1000 },
    );
  });

  it('arbitrary parsed objects yield a provider or CREDENTIALS_INVALID', () => {
    const secretLike = fc.record({
      kind: fc.constantFrom('Secret', 'List', 'Other'),
      type: fc.constantFrom('kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg', 'Opaque', undefined),
      data: fc.oneof(
        fc.jsonValue(),
        fc.dictionary(fc.constantFrom('.dockerconfigjson', '.dockercfg'), fc.string()),
      ),
      items: fc.jsonValue(),
    });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), secretLike, fc.array(secretLike, { maxLength: 3 })), (value) => {
        valueOrBosunError(() => parseKubernetesPullSecrets(value), ['CREDENTIALS_INVALID']);
      }),
      { numRuns: 1000 },
    );
  });
});
