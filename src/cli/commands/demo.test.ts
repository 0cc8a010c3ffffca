import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../main.ts';
import { memoryIo } from '../test-io.ts';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bosun-demo-test-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('bosun demo', () => {
  it.each([
    [['demo', '--help'], 0, 'Examples:'],
    [['demo', '--bogus'], 2, "unknown option '--bogus'"],
    [['demo', 'extra'], 2, 'too many arguments'],
  ])('%j exits %i', async (argv, code, text) => {
    const io = memoryIo({ cwd: work });
    expect(await run(argv, io)).toEqual(code);
    expect(io.out() + io.err()).toContain(text);
  });

  it('refuses a --dir that is not empty (exit 2), before doing anything', async () => {
    await writeFile(join(work, 'marker'), '');
    const io = memoryIo({ cwd: work });
    expect(await run(['demo', '--dir', '.'], io)).toEqual(2);
    expect(io.err()).toContain('is not empty');
  });

  it('runs the whole pipeline offline and every step behaves as expected (exit 0), keeping --dir', async () => {
    const dir = join(work, 'kept');
    const io = memoryIo({ cwd: work });
    expect(await run(['demo', '--dir', dir, '--timings'], io)).toEqual(0);
    const out = io.out();
    for (const line of [
      /app:1\.0 .* 3 CRITICAL, 2 HIGH, 1 MEDIUM .* gate: exit 1 \(blocked\)/,
      /app:1\.1 .* no vulnerabilities .* gate: exit 0 \(passes\)/,
      /app:1\.1 +verified \(1 signature\)/,
      /app:nightly +NOT verified/,
      /ALLOWED +app:1\.1, pinned, signed, attested/,
      /require-vuln-attestation: the scan found more CRITICAL vulnerabilities than allowed/,
      /refuse-unsafe-models: the model scan verdict is not pass/,
      /require-cosign-signature: 0 of 1 required signatures verified/,
      /disallow-latest-tag: .*latest/,
      /restrict-image-registries: .*docker\.io\/library\/nginx:1\.27/,
      /models\/classifier\.pkl +FAIL +CRITICAL os\.system/,
      /after changing one byte of classifier\.pkl: FAILED \(changed: classifier\.pkl\)/,
      /All \d+ checks behaved as expected/,
    ]) {
      expect(out).toMatch(line);
    }
    expect(io.err()).toContain('step timings:');
    expect((await readdir(dir)).sort()).toEqual(
      expect.arrayContaining([
        'bosun.db',
        'cosign.key',
        'cosign.pub',
        'deployment.yaml',
        'model.sha256',
        'policies',
      ]),
    );
  }, 180_000);
});
