// Flag validation and exit codes of `bosun attest` without a registry (127.0.0.1:1 refuses
// connections: exit 3 means every local check passed). Round trips are in test/e2e/cli-sign.test.ts.
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
  work = await mkdtemp(join(tmpdir(), 'bosun-cli-attest-'));
  await writeKeyPair(work, await generateKeyPair('pw'));
  await writeFile(join(work, 'sbom.json'), '{"bomFormat":"CycloneDX","specVersion":"1.5"}');
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function bosun(argv: string[]) {
  const io = memoryIo({ cwd: work, env: { COSIGN_PASSWORD: 'pw' } });
  const code = await run([...argv, ...connect], io);
  return { code, out: io.out(), err: io.err() };
}

const base = ['attest', '--key', 'cosign.key'];

describe('bosun attest', () => {
  it.each([
    ['no --predicate', 2, [...base, '--type', 'cyclonedx', UNREACHABLE]],
    ['no --key', 2, ['attest', '--predicate', 'sbom.json', UNREACHABLE]],
    ['a missing predicate file', 2, [...base, '--predicate', 'nope.json', UNREACHABLE]],
    ['a directory as predicate', 2, [...base, '--predicate', '.', UNREACHABLE]],
    ['an unknown --type name', 2, [...base, '--type', 'sbom', '--predicate', 'sbom.json', UNREACHABLE]],
    ['an unknown --format', 2, [...base, '--format', 'dsse', '--predicate', 'sbom.json', UNREACHABLE]],
    ['an unknown flag', 2, [...base, '--predicate', 'sbom.json', '--no-upload', UNREACHABLE]],
    ['an unreachable registry', 3, [...base, '--type', 'cyclonedx', '--predicate', 'sbom.json', UNREACHABLE]],
  ])('%s exits %i', async (_name, exit, argv) => {
    const { code, out } = await bosun(argv);
    expect({ code, out }).toEqual({ code: exit, out: '' });
  });

  it('warns that --replace only applies to the legacy format', async () => {
    const { code, err } = await bosun([...base, '--predicate', 'sbom.json', '--replace', UNREACHABLE]);
    expect(code).toBe(3);
    expect(err).toContain('--replace applies to the legacy format');
  });

  it('--help lists the predicate types with examples', async () => {
    const { code, out } = await bosun(['attest', '--help']);
    expect(code).toBe(0);
    for (const text of ['cyclonedx', 'spdxjson', 'vuln', '--replace', 'Examples:'])
      expect(out).toContain(text);
  });
});
