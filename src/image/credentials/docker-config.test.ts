import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import { mutatedBytes, mutatedText, valueOrBosunError } from '../../../test/support/parser-property.ts';
import { parseDockerConfig } from './docker-config.ts';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    return isBosunError(error) ? error.code : `other: ${String(error)}`;
  }
}

describe('parseDockerConfig: credentials', () => {
  it.each([
    ['auth user:pass', { auth: b64('user:pass') }, { kind: 'basic', username: 'user', password: 'pass' }],
    [
      'colons in password',
      { auth: b64('user:pa:ss:') },
      { kind: 'basic', username: 'user', password: 'pa:ss:' },
    ],
    ['empty password', { auth: b64('user:') }, { kind: 'basic', username: 'user', password: '' }],
    ['unicode', { auth: b64('ünï:pässwörd') }, { kind: 'basic', username: 'ünï', password: 'pässwörd' }],
    [
      'unpadded base64',
      { auth: b64('ab:c').replace(/=+$/, '') },
      { kind: 'basic', username: 'ab', password: 'c' },
    ],
    [
      'base64 with line breaks',
      { auth: `${b64('user:pass').slice(0, 4)}\n${b64('user:pass').slice(4)}` },
      { kind: 'basic', username: 'user', password: 'pass' },
    ],
    [
      'username/password fields',
      { username: 'u', password: 'p' },
      { kind: 'basic', username: 'u', password: 'p' },
    ],
    [
      'auth overrides fields',
      { auth: b64('a:b'), username: 'u', password: 'p' },
      { kind: 'basic', username: 'a', password: 'b' },
    ],
    [
      'identity token',
      { auth: b64('u:'), identitytoken: 'tok' },
      { kind: 'identity-token', username: 'u', token: 'tok' },
    ],
    [
      'identity token alone',
      { identitytoken: 'tok' },
      { kind: 'identity-token', username: '', token: 'tok' },
    ],
    [
      'registry token',
      { registrytoken: 'bearer', identitytoken: 'tok' },
      { kind: 'bearer', token: 'bearer' },
    ],
    ['empty entry', {}, undefined],
    ['empty auth', { auth: '' }, undefined],
    ['nulls', { auth: null, username: null }, undefined],
    ['email only (legacy)', { email: 'a@b' }, undefined],
  ])('%s', (_name, entry, expected) => {
    const config = parseDockerConfig(JSON.stringify({ auths: { 'ghcr.io': entry } }));
    expect(config.auths).toEqual([{ key: 'ghcr.io', credential: expected }]);
  });

  it('keeps file order, credHelpers and credsStore', () => {
    const text = JSON.stringify({
      auths: { 'https://index.docker.io/v1/': {}, 'ghcr.io': { auth: b64('a:b') } },
      credHelpers: { 'gcr.io': 'gcloud', '123.dkr.ecr.us-east-1.amazonaws.com': 'ecr-login' },
      credsStore: 'desktop',
      psFormat: 'ignored',
    });
    expect(parseDockerConfig(new TextEncoder().encode(text))).toEqual({
      auths: [
        { key: 'https://index.docker.io/v1/', credential: undefined },
        { key: 'ghcr.io', credential: { kind: 'basic', username: 'a', password: 'b' } },
      ],
      credHelpers: [
        { key: 'gcr.io', helper: 'gcloud' },
        { key: '123.dkr.ecr.us-east-1.amazonaws.com', helper: 'ecr-login' },
      ],
      credsStore: 'desktop',
    });
  });

  it.each([
    ['{}', { auths: [], credHelpers: [], credsStore: undefined }],
    ['{"auths":null,"credsStore":""}', { auths: [], credHelpers: [], credsStore: undefined }],
  ])('%s', (text, expected) => {
    expect(parseDockerConfig(text)).toEqual(expected);
  });

  it('reads the legacy .dockercfg map', () => {
    const text = JSON.stringify({ 'https://quay.io': { auth: b64('q:w'), email: 'x@y' } });
    expect(parseDockerConfig(text, { format: 'dockercfg' }).auths).toEqual([
      { key: 'https://quay.io', credential: { kind: 'basic', username: 'q', password: 'w' } },
    ]);
  });
});

describe('parseDockerConfig: malformed input', () => {
  it.each([
    ['not JSON', 'not json'],
    ['truncated JSON', '{"auths": {'],
    ['array', '[]'],
    ['string', '"x"'],
    ['null', 'null'],
    ['auths array', '{"auths": []}'],
    ['auths string', '{"auths": "x"}'],
    ['entry string', '{"auths": {"a": "x"}}'],
    ['entry array', '{"auths": {"a": []}}'],
    ['auth number', '{"auths": {"a": {"auth": 5}}}'],
    ['password object', '{"auths": {"a": {"password": {}}}}'],
    ['auth not base64', `{"auths": {"a": {"auth": "!!!"}}}`],
    ['auth base64 of 5 chars', `{"auths": {"a": {"auth": "abcde"}}}`],
    ['auth padding in the middle', `{"auths": {"a": {"auth": "ab=c"}}}`],
    ['auth without colon', `{"auths": {"a": {"auth": "${b64('userpass')}"}}}`],
    ['auth with empty username', `{"auths": {"a": {"auth": "${b64(':pass')}"}}}`],
    ['auth not UTF-8', `{"auths": {"a": {"auth": "${Buffer.from([0x75, 0x3a, 0xff]).toString('base64')}"}}}`],
    ['credHelpers array', '{"credHelpers": []}'],
    ['credHelpers value number', '{"credHelpers": {"a": 1}}'],
    ['credHelpers value empty', '{"credHelpers": {"a": ""}}'],
    ['credsStore number', '{"credsStore": 1}'],
  ])('%s → CREDENTIALS_INVALID', (_name, text) => {
    expect(codeOf(() => parseDockerConfig(text, { source: '/home/u/.docker/config.json' }))).toEqual(
      'CREDENTIALS_INVALID',
    );
  });

  it('names the file and the key, not the secret', () => {
    const text = `{"auths": {"ghcr.io": {"auth": "${b64('TOPSECRETNOCOLON')}"}}}`;
    let message = '';
    try {
      parseDockerConfig(text, { source: '/home/u/.docker/config.json' });
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('/home/u/.docker/config.json');
    expect(message).toContain('ghcr.io');
    expect(message).not.toContain('TOPSECRET');
    expect(message).not.toContain(b64('TOPSECRETNOCOLON'));
  });

  it.each([
    ['size (bytes)', () => parseDockerConfig(new Uint8Array(2048), { maxBytes: 1024 })],
    ['size (text)', () => parseDockerConfig(' '.repeat(2048), { maxBytes: 1024 })],
    [
      'entries',
      () => parseDockerConfig(JSON.stringify({ auths: { a: {}, b: {}, c: {} } }), { maxEntries: 2 }),
    ],
    ['invalid UTF-8', () => parseDockerConfig(new Uint8Array([0x7b, 0xff, 0x7d]))],
  ])('limit/encoding: %s', (_name, run) => {
    expect(codeOf(run)).toEqual('CREDENTIALS_INVALID');
  });
});

describe('parseDockerConfig: properties', () => {
  const seed = JSON.stringify({
    auths: {
      'https://index.docker.io/v1/': { auth: b64('user:pa:ss') },
      'ghcr.io': { username: 'u', password: 'p', identitytoken: 't' },
    },
    credHelpers: { 'gcr.io': 'gcloud' },
    credsStore: 'desktop',
  });

  it('random or mutated text yields a config or CREDENTIALS_INVALID', () => {
    fc.assert(
      fc.property(mutatedText(seed), (text) => {
        valueOrBosunError(() => parseDockerConfig(text), ['CREDENTIALS_INVALID']);
      }),
      { numRuns: 1000 },
    );
  });

  it('random or mutated bytes yield a config or CREDENTIALS_INVALID', () => {
    fc.assert(
      fc.property(mutatedBytes(new TextEncoder().encode(seed)), (bytes) => {
        valueOrBosunError(() => parseDockerConfig(bytes), ['CREDENTIALS_INVALID']);
      }),
      { numRuns: 1000 },
    );
  });

  it('arbitrary JSON values yield a config or CREDENTIALS_INVALID', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), fc.record({ auths: fc.dictionary(fc.string(), fc.jsonValue()) })),
        fc.constantFrom<'config' | 'dockercfg'>('config', 'dockercfg'),
        (value, format) => {
          valueOrBosunError(
            () => parseDockerConfig(JSON.stringify(value) ?? 'null', { format }),
            ['CREDENTIALS_INVALID'],
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});
