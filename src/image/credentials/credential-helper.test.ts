import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import {
  createTestCredentialHelper,
  HELPER_SECRETS,
  HELPER_SERVERS,
  type TestCredentialHelper,
} from '../../../test/support/credential-helper.ts';
import { createCredentialHelperRunner, parseHelperOutput } from './credential-helper.ts';

let helper: TestCredentialHelper;

beforeAll(async () => {
  helper = await createTestCredentialHelper([
    { ServerURL: 'store.example', Username: 'alice', Secret: 'pa:ss:word' },
    { ServerURL: 'https://index.docker.io/v1/', Username: 'hubuser', Secret: 'hub-pass' },
  ]);
});
afterAll(async () => helper.cleanup());

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isBosunError(error) ? error.code : `other: ${String(error)}`;
  }
}

describe('createCredentialHelperRunner with a real helper script', () => {
  it.each([
    ['store.example', { kind: 'basic', username: 'alice', password: 'pa:ss:word' }],
    ['https://index.docker.io/v1/', { kind: 'basic', username: 'hubuser', password: 'hub-pass' }],
    [HELPER_SERVERS.identityToken, { kind: 'identity-token', username: '', token: HELPER_SECRETS[0] }],
    [HELPER_SERVERS.empty, undefined],
    ['unknown.example', undefined],
  ])('get %s', async (server, expected) => {
    const run = createCredentialHelperRunner({ searchPath: ['/nonexistent-dir', helper.dir] });
    expect(await run(helper.name, server)).toEqual(expected);
  });

  it('writes the server URL on stdin and passes the get action', async () => {
    const run = createCredentialHelperRunner({ searchPath: [helper.dir] });
    await run(helper.name, 'stdin-check.example');
    expect((await helper.calls()).at(-1)).toEqual('get stdin-check.example');
  });

  it.each([
    [HELPER_SERVERS.locked, 'CREDENTIALS_HELPER_FAILED'],
    [HELPER_SERVERS.garbage, 'CREDENTIALS_HELPER_FAILED'],
    [HELPER_SERVERS.failWithJson, 'CREDENTIALS_HELPER_FAILED'],
    [HELPER_SERVERS.huge, 'CREDENTIALS_HELPER_FAILED'],
  ])('%s fails with %s', async (server, code) => {
    const run = createCredentialHelperRunner({ searchPath: [helper.dir] });
    expect(await codeOf(run(helper.name, server))).toEqual(code);
  });

  it('says why a helper failed, from its output', async () => {
    const run = createCredentialHelperRunner({ searchPath: [helper.dir] });
    await expect(run(helper.name, HELPER_SERVERS.locked)).rejects.toThrow(
      'exited with 2: keychain is locked',
    );
  });

  it('times out a helper that hangs', async () => {
    const run = createCredentialHelperRunner({ searchPath: [helper.dir], timeoutMs: 300 });
    expect(await codeOf(run(helper.name, HELPER_SERVERS.slow))).toEqual('CREDENTIALS_HELPER_FAILED');
  });

  it('stops a helper when the signal aborts', async () => {
    const run = createCredentialHelperRunner({ searchPath: [helper.dir] });
    const controller = new AbortController();
    const pending = run(helper.name, HELPER_SERVERS.slow, controller.signal);
    setTimeout(() => controller.abort(), 100);
    expect(await codeOf(pending)).toEqual('ABORTED');
  });

  it('refuses to start when the signal is already aborted', async () => {
    const run = createCredentialHelperRunner({ searchPath: [helper.dir] });
    expect(await codeOf(run(helper.name, 'store.example', AbortSignal.abort()))).toEqual('ABORTED');
  });

  it('fails when the helper is not in the search path', async () => {
    const run = createCredentialHelperRunner({ searchPath: ['/nonexistent-dir'] });
    expect(await codeOf(run('bosun-missing', 'store.example'))).toEqual('CREDENTIALS_HELPER_FAILED');
  });

  it('fails when the helper cannot be spawned from the inherited PATH', async () => {
    const run = createCredentialHelperRunner();
    expect(await codeOf(run('bosun-missing-helper', 'store.example'))).toEqual('CREDENTIALS_HELPER_FAILED');
  });

  it.each(['../evil', 'a/b', '', '-rf', 'x'.repeat(65), 'a b'])('rejects helper name %j', async (name) => {
    const run = createCredentialHelperRunner({ searchPath: [helper.dir] });
    expect(await codeOf(run(name, 'store.example'))).toEqual('CREDENTIALS_INVALID');
  });
});

describe('parseHelperOutput', () => {
  it.each([
    ['{"Username":"u","Secret":"s"}', { kind: 'basic', username: 'u', password: 's' }],
    [
      '{"ServerURL":"x","Username":"<token>","Secret":"t"}',
      { kind: 'identity-token', username: '', token: 't' },
    ],
    ['{"Username":"","Secret":""}', undefined],
    ['{}', undefined],
  ])('%s', (stdout, expected) => {
    expect(parseHelperOutput(stdout, 'docker-credential-x')).toEqual(expected);
  });

  it.each(['', 'null', '[]', '{"Username":1,"Secret":"s"}', '{"Username":"u","Secret":null', 'SECRET'])(
    '%j is CREDENTIALS_HELPER_FAILED',
    (stdout) => {
      let thrown: unknown;
      try {
        parseHelperOutput(stdout, 'docker-credential-x');
      } catch (error) {
        thrown = error;
      }
      expect(isBosunError(thrown, 'CREDENTIALS_HELPER_FAILED')).toEqual(true);
    },
  );
});
