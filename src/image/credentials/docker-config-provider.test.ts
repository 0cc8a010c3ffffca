import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import {
  createTestCredentialHelper,
  HELPER_SERVERS,
  type TestCredentialHelper,
} from '../../../test/support/credential-helper.ts';
import { startRegistry, type TestRegistry } from '../../../test/support/registry.ts';
import type { RegistryCredential } from '../credential-types.ts';
import type { CredentialHelperRunner } from './credential-helper.ts';
import { dockerConfigProvider } from './docker-config-provider.ts';

const run = promisify(execFile);
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

let dir: string;
let helper: TestCredentialHelper;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bosun-dockercfg-'));
  helper = await createTestCredentialHelper([
    { ServerURL: 'helped.example', Username: 'from-helper', Secret: 'helper-pass' },
    { ServerURL: 'store.example', Username: 'from-store', Secret: 'store-pass' },
    { ServerURL: 'https://index.docker.io/v1/', Username: 'hub-helper', Secret: 'hub-pass' },
  ]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await helper.cleanup();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isBosunError(error) ? error.code : `other: ${String(error)}`;
  }
}

const basic = (username: string, password: string): RegistryCredential => ({
  kind: 'basic',
  username,
  password,
});

describe('dockerConfigProvider: auths', () => {
  const config = JSON.stringify({
    auths: {
      'https://index.docker.io/v1/': { auth: b64('hub:hub:pw') },
      'ghcr.io': { auth: b64('gh:pw') },
      'http://localhost:5000/v2/': { username: 'local', password: 'pw' },
      'quay.io/team': { auth: b64('team:pw') },
      'empty.example': {},
    },
  });

  it.each([
    ['docker.io', basic('hub', 'hub:pw')],
    ['index.docker.io', basic('hub', 'hub:pw')],
    ['ghcr.io', basic('gh', 'pw')],
    ['GHCR.io', basic('gh', 'pw')],
    ['localhost:5000', basic('local', 'pw')],
    ['localhost:5001', undefined],
    ['quay.io', basic('team', 'pw')],
    ['empty.example', undefined],
    ['other.example', undefined],
  ])('%s', async (registry, expected) => {
    const provider = dockerConfigProvider({ config });
    expect(await provider(registry)).toEqual(expected);
  });

  it('reads the file named by path', async () => {
    const path = join(dir, 'config.json');
    await writeFile(path, config);
    expect(await dockerConfigProvider({ path })('ghcr.io')).toEqual(basic('gh', 'pw'));
  });

  it('treats a missing file as no credentials', async () => {
    expect(await dockerConfigProvider({ path: join(dir, 'missing', 'config.json') })('ghcr.io')).toEqual(
      undefined,
    );
    expect(await dockerConfigProvider({})('ghcr.io')).toEqual(undefined);
  });

  it.each([
    ['malformed JSON', '{"auths":', {}],
    ['over the size limit', JSON.stringify({ auths: {}, pad: 'x'.repeat(4096) }), { maxBytes: 1024 }],
  ])('a file that is %s is CREDENTIALS_INVALID naming it', async (_name, content, extra) => {
    const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(path, content);
    const provider = dockerConfigProvider({ path, ...extra });
    expect(await codeOf(provider('ghcr.io'))).toEqual('CREDENTIALS_INVALID');
    await expect(provider('ghcr.io')).rejects.toThrow(path);
  });

  it('a directory in place of the file is CREDENTIALS_INVALID', async () => {
    const path = join(dir, 'a-directory');
    await mkdir(path);
    expect(await codeOf(dockerConfigProvider({ path })('ghcr.io'))).toEqual('CREDENTIALS_INVALID');
  });
});

describe('dockerConfigProvider: credential helpers', () => {
  const options = () => ({ helper: { searchPath: [helper.dir] } });

  it.each([
    // credsStore answers for any registry; auths entries are the fallback when it has nothing.
    [{ credsStore: 'bosuntest' }, 'store.example', basic('from-store', 'store-pass')],
    [{ credsStore: 'bosuntest' }, 'docker.io', basic('hub-helper', 'hub-pass')],
    [{ credsStore: 'bosuntest' }, 'nothing.example', undefined],
    [
      { credsStore: 'bosuntest', auths: { 'nothing.example': { auth: b64('file:pw') } } },
      'nothing.example',
      basic('file', 'pw'),
    ],
    [
      { credsStore: 'bosuntest', auths: { 'store.example': { auth: b64('file:pw') } } },
      'store.example',
      basic('from-store', 'store-pass'),
    ],
    // credHelpers wins over credsStore for its registry.
    [
      { credsStore: 'missing-store', credHelpers: { 'helped.example': 'bosuntest' } },
      'helped.example',
      basic('from-helper', 'helper-pass'),
    ],
    [
      { credHelpers: { 'https://helped.example': 'bosuntest' } },
      'helped.example',
      basic('from-helper', 'helper-pass'),
    ],
    [
      { credHelpers: { 'helped.example': 'bosuntest' }, auths: { 'other.example': { auth: b64('o:p') } } },
      'other.example',
      basic('o', 'p'),
    ],
    [
      { credHelpers: { [HELPER_SERVERS.identityToken]: 'bosuntest' } },
      HELPER_SERVERS.identityToken,
      { kind: 'identity-token', username: '', token: 'identity-SECRET-1' },
    ],
  ])('%j for %s', async (config, registry, expected) => {
    const provider = dockerConfigProvider({ config: JSON.stringify(config), ...options() });
    expect(await provider(registry)).toEqual(expected);
  });

  it('a failing helper is an error, not anonymous', async () => {
    const provider = dockerConfigProvider({
      config: JSON.stringify({ credsStore: 'bosuntest' }),
      ...options(),
    });
    expect(await codeOf(provider(HELPER_SERVERS.locked))).toEqual('CREDENTIALS_HELPER_FAILED');
  });

  it('asks the helper once per registry and retries after a failure', async () => {
    const answers: (RegistryCredential | undefined | Error)[] = [new Error('locked'), basic('a', 'b')];
    const calls: string[] = [];
    const runHelper: CredentialHelperRunner = async (name, serverUrl) => {
      calls.push(`${name} ${serverUrl}`);
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer;
    };
    const provider = dockerConfigProvider({ config: JSON.stringify({ credsStore: 'x' }), runHelper });
    await expect(provider('docker.io')).rejects.toThrow('locked');
    expect(await provider('docker.io')).toEqual(basic('a', 'b'));
    expect(await provider('index.docker.io')).toEqual(basic('a', 'b'));
    expect(calls).toEqual(['x https://index.docker.io/v1/', 'x https://index.docker.io/v1/']);
  });

  it('does not run a helper whose name is a path', async () => {
    const provider = dockerConfigProvider({
      config: JSON.stringify({ credsStore: '../../bin/sh' }),
      ...options(),
    });
    expect(await codeOf(provider('ghcr.io'))).toEqual('CREDENTIALS_INVALID');
  });
});

describe('dockerConfigProvider with files written by the docker CLI', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ auth: 'basic' });
  }, 120_000);
  afterAll(async () => registry.stop());

  async function dockerLogin(configDir: string): Promise<void> {
    const child = run(
      'docker',
      ['login', registry.host, '--username', registry.username ?? '', '--password-stdin'],
      {
        env: {
          PATH: `${helper.dir}${delimiter}${process.env['PATH'] ?? ''}`,
          DOCKER_CONFIG: configDir,
          HOME: configDir,
        },
      },
    );
    child.child.stdin?.end(registry.password);
    await child;
  }

  it('reads the auths entry `docker login` wrote', async () => {
    const configDir = await mkdtemp(join(dir, 'docker-'));
    await dockerLogin(configDir);
    const provider = dockerConfigProvider({ path: join(configDir, 'config.json') });
    expect(await provider(registry.host)).toEqual(basic(registry.username ?? '', registry.password ?? ''));
  });

  it('reads what `docker login` stored through a credential helper (credsStore)', async () => {
    const configDir = await mkdtemp(join(dir, 'docker-'));
    await writeFile(join(configDir, 'config.json'), JSON.stringify({ credsStore: helper.name }));
    await dockerLogin(configDir);
    // docker leaves an empty auths entry and gives the secret to the helper.
    expect(await readFile(join(configDir, 'config.json'), 'utf8')).not.toContain(registry.password ?? '');
    expect(
      (await helper.calls()).some((line) => line.startsWith(`store {"ServerURL":"${registry.host}"`)),
    ).toEqual(true);
    const provider = dockerConfigProvider({
      path: join(configDir, 'config.json'),
      helper: { searchPath: [helper.dir] },
    });
    expect(await provider(registry.host)).toEqual(basic(registry.username ?? '', registry.password ?? ''));
  });
});
