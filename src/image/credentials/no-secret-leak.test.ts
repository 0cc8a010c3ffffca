// Every error raised while reading credentials must name the input but never carry a secret, in
// its message, its details or anywhere in its cause chain.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import {
  createTestCredentialHelper,
  HELPER_SECRETS,
  HELPER_SERVERS,
  type TestCredentialHelper,
} from '../../../test/support/credential-helper.ts';
import { parseDockerConfig } from './docker-config.ts';
import { dockerConfigProvider } from './docker-config-provider.ts';
import { kubernetesSecretProvider } from './kubernetes-secret-provider.ts';

const SECRET = 'Sup3r-S3cret-Value';
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

let helper: TestCredentialHelper;
let dir: string;
beforeAll(async () => {
  helper = await createTestCredentialHelper();
  dir = await mkdtemp(join(tmpdir(), 'bosun-leak-'));
});
afterAll(async () => {
  await helper.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** Everything an error could show: message, details, stack and causes, as inspect prints them. */
function everything(error: unknown): string {
  return inspect(error, { depth: 10, showHidden: true });
}

async function caught(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

// Fragments too: V8's JSON errors quote only about ten characters of the input.
const secrets = [SECRET, 'Sup3r', 'S3cret', b64(SECRET).slice(0, 12), ...HELPER_SECRETS, 'SECRET-'];

describe('secrets never appear in errors', () => {
  it.each<[string, () => unknown]>([
    ['auth without colon', () => parseDockerConfig(`{"auths":{"r.io":{"auth":"${b64(SECRET)}"}}}`)],
    ['invalid JSON around a secret', () => parseDockerConfig(`{"auths":{"r.io":{"password":"${SECRET}"}`)],
    ['invalid JSON starting with the secret', () => parseDockerConfig(`${SECRET}"}`)],
    [
      'password of the wrong type next to a secret',
      () => parseDockerConfig(`{"auths":{"r.io":{"auth":"${b64(`u:${SECRET}`)}","password":1}}}`),
    ],
    [
      'YAML syntax error in a secret',
      () => kubernetesSecretProvider(`stringData:\n  .dockerconfigjson: ${SECRET}\n  : [\n`),
    ],
    [
      'YAML secret with bad dockerconfigjson',
      () =>
        kubernetesSecretProvider({
          kind: 'Secret',
          type: 'kubernetes.io/dockerconfigjson',
          stringData: { '.dockerconfigjson': `{"auths": ${SECRET}` },
        }),
    ],
    [
      'base64 data that is the secret',
      () =>
        kubernetesSecretProvider({
          kind: 'Secret',
          type: 'kubernetes.io/dockerconfigjson',
          data: { '.dockerconfigjson': `${SECRET}!` },
        }),
    ],
    [
      'helper prints garbage with a secret',
      () =>
        dockerConfigProvider({ config: '{"credsStore":"bosuntest"}', helper: { searchPath: [helper.dir] } })(
          HELPER_SERVERS.garbage,
        ),
    ],
    [
      'helper fails after printing JSON with a secret',
      () =>
        dockerConfigProvider({ config: '{"credsStore":"bosuntest"}', helper: { searchPath: [helper.dir] } })(
          HELPER_SERVERS.failWithJson,
        ),
    ],
    [
      'config file with a secret and bad JSON',
      async () => {
        const path = join(dir, 'config.json');
        await writeFile(path, `{"auths":{"r.io":{"auth":"${b64(`u:${SECRET}`)}"}},`);
        return dockerConfigProvider({ path })('r.io');
      },
    ],
  ])('%s', async (_name, run) => {
    const error = await caught(run);
    expect(isBosunError(error)).toEqual(true);
    const shown = everything(error);
    for (const secret of secrets) expect(shown).not.toContain(secret);
  });
});
