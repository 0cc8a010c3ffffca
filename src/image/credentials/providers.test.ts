import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import type { CredentialProvider, RegistryCredential } from '../credential-types.ts';
import { chainCredentialProviders } from './chain.ts';
import { defaultDockerConfigPath } from './default-path.ts';
import { staticCredentialProvider } from './static-provider.ts';

const basic = (username: string): RegistryCredential => ({ kind: 'basic', username, password: 'pw' });

describe('staticCredentialProvider', () => {
  it.each([
    ['ghcr.io', 'ghcr.io', true],
    ['ghcr.io', 'GHCR.IO', true],
    ['https://ghcr.io', 'ghcr.io', true],
    ['ghcr.io', 'quay.io', false],
    ['docker.io', 'docker.io', true],
    ['docker.io', 'index.docker.io', true],
    ['https://index.docker.io/v1/', 'docker.io', true],
    ['localhost:5000', 'localhost:5000', true],
    ['localhost:5000', 'localhost', false],
    ['ghcr.io/owner', 'ghcr.io', false],
  ])('configured %s, asked %s → %s', async (configured, asked, matches) => {
    const provider = staticCredentialProvider(configured, basic('u'));
    expect(await provider(asked)).toEqual(matches ? basic('u') : undefined);
  });
});

describe('chainCredentialProviders', () => {
  const none: CredentialProvider = async () => undefined;
  const only =
    (registry: string, credential: RegistryCredential): CredentialProvider =>
    async (asked) =>
      asked === registry ? credential : undefined;

  it('returns the first credential in order', async () => {
    const chain = chainCredentialProviders(
      none,
      only('a', basic('first')),
      only('a', basic('second')),
      only('b', basic('b')),
    );
    expect([await chain('a'), await chain('b'), await chain('c')]).toEqual([
      basic('first'),
      basic('b'),
      undefined,
    ]);
  });

  it('an empty chain is anonymous', async () => {
    expect(await chainCredentialProviders()('a')).toEqual(undefined);
  });

  it('propagates errors and passes the signal on', async () => {
    const seen: (AbortSignal | undefined)[] = [];
    const failing: CredentialProvider = async (_registry, signal) => {
      seen.push(signal);
      throw new Error('helper broke');
    };
    const controller = new AbortController();
    await expect(chainCredentialProviders(none, failing)('a', controller.signal)).rejects.toThrow(
      'helper broke',
    );
    expect(seen).toEqual([controller.signal]);
  });

  it('stops when aborted', async () => {
    let error: unknown;
    try {
      await chainCredentialProviders(none)('a', AbortSignal.abort());
    } catch (caught) {
      error = caught;
    }
    expect(isBosunError(error, 'ABORTED')).toEqual(true);
  });
});

describe('defaultDockerConfigPath', () => {
  it.each([
    [{}, '/home/u', join('/home/u', '.docker', 'config.json')],
    [{ DOCKER_CONFIG: '' }, '/home/u', join('/home/u', '.docker', 'config.json')],
    [{ DOCKER_CONFIG: '/etc/docker-cfg' }, '/home/u', join('/etc/docker-cfg', 'config.json')],
    [{ HOME: '/elsewhere' }, '/home/u', join('/home/u', '.docker', 'config.json')],
  ])('%j, %s → %s', (env, home, expected) => {
    expect(defaultDockerConfigPath(env, home)).toEqual(expected);
  });
});
