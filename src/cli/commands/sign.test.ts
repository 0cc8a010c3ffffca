// Flag validation and exit codes of `bosun sign` without a registry (127.0.0.1:1 refuses
// connections: reaching it means every local check passed). Round trips are in test/e2e/cli-sign.test.ts.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, writeKeyPair } from '../../sign/index.ts';
import { run } from '../main.ts';
import { memoryIo } from '../test-io.ts';

let work: string;
const PASSWORD = { COSIGN_PASSWORD: 'correct horse' };
const UNREACHABLE = '127.0.0.1:1/team/app:1.0';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bosun-cli-sign-'));
  await writeKeyPair(work, await generateKeyPair(PASSWORD.COSIGN_PASSWORD));
  const plain = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await writeFile(join(work, 'plain.key'), plain.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(join(work, 'not-a-key.pem'), 'hello\n');
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function bosun(argv: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  const io = memoryIo({ ...options, cwd: work });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const connect = ['--insecure', '--timeout', '2', '--docker-config', 'none'];

describe('bosun sign', () => {
  it.each([
    ['no --key', 2, ['sign', UNREACHABLE], {}],
    ['no image', 2, ['sign', '--key', 'cosign.key'], PASSWORD],
    ['an unknown flag', 2, ['sign', '--key', 'cosign.key', '--recursive', UNREACHABLE], PASSWORD],
    ['an unknown --format', 2, ['sign', '--key', 'cosign.key', '--format', 'v2', UNREACHABLE], PASSWORD],
    ['-a without =', 2, ['sign', '--key', 'cosign.key', '-a', 'team', UNREACHABLE], PASSWORD],
    ['-a with an empty key', 2, ['sign', '--key', 'cosign.key', '-a', '=x', UNREACHABLE], PASSWORD],
    [
      '-a twice with one key',
      2,
      ['sign', '--key', 'cosign.key', '-a', 'a=1', '-a', 'a=2', UNREACHABLE],
      PASSWORD,
    ],
    ['a missing key file', 2, ['sign', '--key', 'missing.key', UNREACHABLE], PASSWORD],
    ['a key file that is not PEM', 2, ['sign', '--key', 'not-a-key.pem', UNREACHABLE], PASSWORD],
    ['a public key as --key', 2, ['sign', '--key', 'cosign.pub', UNREACHABLE], PASSWORD],
    ['the wrong password', 2, ['sign', '--key', 'cosign.key', UNREACHABLE], { COSIGN_PASSWORD: 'wrong' }],
    ['an invalid reference', 2, ['sign', '--key', 'cosign.key', 'UPPER/Case:tag'], PASSWORD],
    ['a local image', 2, ['sign', '--key', 'cosign.key', 'oci:./layout'], PASSWORD],
    ['--platform', 2, ['sign', '--key', 'cosign.key', '--platform', 'linux/amd64', UNREACHABLE], PASSWORD],
    [
      'a signature repo with a tag',
      2,
      ['sign', '--key', 'cosign.key', '--signature-repo', 'r.example/sigs:1', UNREACHABLE],
      PASSWORD,
    ],
    ['an unreachable registry', 3, ['sign', '--key', 'cosign.key', UNREACHABLE], PASSWORD],
    ['an unencrypted key and no password', 3, ['sign', '--key', 'plain.key', UNREACHABLE], {}],
  ])('%s exits %i', async (_name, exit, argv, env) => {
    const { code, out, err } = await bosun([...argv, ...connect], { env });
    expect({ code, out }).toEqual({ code: exit, out: '' });
    expect(err).not.toContain('correct horse');
  });

  it('reads the key password from piped stdin after a prompt on stderr', async () => {
    const { code, err } = await bosun(['sign', '--key', 'cosign.key', UNREACHABLE, ...connect], {
      stdin: 'correct horse\n',
    });
    // Past the key (3: the registry is unreachable) means the password was right.
    expect(code).toBe(3);
    expect(err).toContain('Enter password for private key:');
  });

  it('refuses to read the key password from stdin when --password-stdin carries the registry password', async () => {
    const { code, err } = await bosun(
      ['sign', '--key', 'cosign.key', '--username', 'u', '--password-stdin', UNREACHABLE, ...connect],
      { stdin: 'registry-secret\n' },
    );
    expect(code).toBe(2);
    expect(err).toContain('COSIGN_PASSWORD');
  });

  it('--help lists the cosign flags with examples', async () => {
    const { code, out } = await bosun(['sign', '--help']);
    expect(code).toBe(0);
    for (const flag of ['--key', '--format', '--annotations', '--signature-repo', '--ca-file', 'Examples:']) {
      expect(out).toContain(flag);
    }
  });
});
