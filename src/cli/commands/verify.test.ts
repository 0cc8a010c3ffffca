// Flag validation and exit codes of `bosun verify` and `bosun verify-attestation` without a
// registry (127.0.0.1:1 refuses connections: exit 3 means every local check passed).
// Round trips are in test/e2e/cli-sign.test.ts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, writeKeyPair } from '../../sign/index.ts';
import { run } from '../main.ts';
import { memoryIo } from '../test-io.ts';

let work: string;
const UNREACHABLE = '127.0.0.1:1/team/app:1.0';
const connect = ['--insecure', '--timeout', '2', '--docker-config', 'none'];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bosun-cli-verify-'));
  await writeKeyPair(work, await generateKeyPair(''));
  await writeFile(join(work, 'garbage.pub'), '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n');
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function bosun(argv: string[]) {
  const io = memoryIo({ cwd: work });
  const code = await run([...argv, ...connect], io);
  return { code, out: io.out(), err: io.err() };
}

describe('bosun verify', () => {
  it.each([
    ['no --key', 2, ['verify', UNREACHABLE]],
    ['no image', 2, ['verify', '--key', 'cosign.pub']],
    ['an unknown flag', 2, ['verify', '--key', 'cosign.pub', '--certificate-identity', 'x', UNREACHABLE]],
    ['a private key as --key', 2, ['verify', '--key', 'cosign.key', UNREACHABLE]],
    ['a malformed public key', 2, ['verify', '--key', 'garbage.pub', UNREACHABLE]],
    ['a missing key file', 2, ['verify', '--key', 'cosign.pub', '--key', 'other.pub', UNREACHABLE]],
    ['--min-signatures 0', 2, ['verify', '--key', 'cosign.pub', '--min-signatures', '0', UNREACHABLE]],
    ['--min-signatures two', 2, ['verify', '--key', 'cosign.pub', '--min-signatures', 'two', UNREACHABLE]],
    ['-o yaml', 2, ['verify', '--key', 'cosign.pub', '-o', 'yaml', UNREACHABLE]],
    ['-a without =', 2, ['verify', '--key', 'cosign.pub', '-a', 'env', UNREACHABLE]],
    ['an invalid reference', 2, ['verify', '--key', 'cosign.pub', 'UPPER/Case']],
    ['an unreachable registry', 3, ['verify', '--key', 'cosign.pub', UNREACHABLE]],
    [
      'two keys and every option',
      3,
      [
        'verify',
        '--key',
        'cosign.pub',
        '--key',
        'cosign.pub',
        '-a',
        'env=prod',
        '--min-signatures',
        '2',
        '--check-docker-reference',
        '--signature-repo',
        '127.0.0.1:1/sigs',
        '-o',
        'text',
        UNREACHABLE,
      ],
    ],
  ])('%s exits %i', async (_name, exit, argv) => {
    const { code, out } = await bosun(argv);
    expect({ code, out }).toEqual({ code: exit, out: '' });
  });

  it('--help lists the flags with examples', async () => {
    const { code, out } = await bosun(['verify', '--help']);
    expect(code).toBe(0);
    for (const text of ['--key', '--min-signatures', '--check-docker-reference', '--output', 'Examples:']) {
      expect(out).toContain(text);
    }
  });
});

describe('bosun verify-attestation', () => {
  it.each([
    ['no --key', 2, ['verify-attestation', '--type', 'vuln', UNREACHABLE]],
    [
      'an unknown --type name',
      2,
      ['verify-attestation', '--key', 'cosign.pub', '--type', 'sbom', UNREACHABLE],
    ],
    [
      'an unknown condition',
      2,
      ['verify-attestation', '--key', 'cosign.pub', '--type', 'vuln', '--condition', 'no-high', UNREACHABLE],
    ],
    [
      'a bad duration',
      2,
      [
        'verify-attestation',
        '--key',
        'cosign.pub',
        '--type',
        'vuln',
        '--condition',
        'max-age=1y',
        UNREACHABLE,
      ],
    ],
    [
      'a condition on another type',
      2,
      [
        'verify-attestation',
        '--key',
        'cosign.pub',
        '--type',
        'cyclonedx',
        '--condition',
        'no-critical',
        UNREACHABLE,
      ],
    ],
    [
      '--min-signatures -1',
      2,
      ['verify-attestation', '--key', 'cosign.pub', '--min-signatures', '-1', UNREACHABLE],
    ],
    [
      'an unreachable registry',
      3,
      [
        'verify-attestation',
        '--key',
        'cosign.pub',
        '--type',
        'vuln',
        '--condition',
        'no-critical,max-age=24h',
        UNREACHABLE,
      ],
    ],
    [
      'a CEL condition that does not compile',
      2,
      ['verify-attestation', '--key', 'cosign.pub', '--condition', 'predicate.a ==', UNREACHABLE],
    ],
    [
      'a CEL condition naming an unknown variable',
      2,
      ['verify-attestation', '--key', 'cosign.pub', '--condition', 'object.a == 1', UNREACHABLE],
    ],
    [
      'a CEL condition on another type',
      3,
      [
        'verify-attestation',
        '--key',
        'cosign.pub',
        '--type',
        'cyclonedx',
        '--condition',
        "predicate.bomFormat == 'CycloneDX' && statement.subject.size() > 0",
        UNREACHABLE,
      ],
    ],
    [
      'a predicate type URI',
      3,
      ['verify-attestation', '--key', 'cosign.pub', '--type', 'https://example.com/p/v1', UNREACHABLE],
    ],
  ])('%s exits %i', async (_name, exit, argv) => {
    const { code, out } = await bosun(argv);
    expect({ code, out }).toEqual({ code: exit, out: '' });
  });

  it('--help documents CEL conditions and the built-in shortcuts', async () => {
    const { code, out } = await bosun(['verify-attestation', '--help']);
    expect(code).toBe(0);
    for (const text of ['no-critical', 'max-age=', 'CEL', "duration('24h')", 'Examples:']) {
      expect(out).toContain(text);
    }
  });
});
