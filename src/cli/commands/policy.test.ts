import { mkdtemp, rm, writeFile, cp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../main.ts';
import { memoryIo } from '../test-io.ts';

const suites = fileURLToPath(new URL('../../../../shared/conformance/kyverno-cli/test/', import.meta.url));

const DISALLOW_LATEST = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: disallow-latest-tag
spec:
  validationFailureAction: Enforce
  rules:
    - name: validate-image-tag
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "Using a mutable image tag e.g. 'latest' is not allowed."
        pattern:
          spec:
            containers:
              - image: "!*:latest"
`;

const pod = (name: string, image: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
    - name: app
      image: ${image}
`;

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bosun-policy-cli-'));
  await writeFile(join(work, 'policy.yaml'), DISALLOW_LATEST);
  await writeFile(join(work, 'good.yaml'), pod('good', 'nginx:1.27'));
  await writeFile(join(work, 'bad.yaml'), pod('bad', 'nginx:latest'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function bosun(argv: string[]) {
  const io = memoryIo({ cwd: work });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('bosun policy apply', () => {
  it('passes a pinned tag', async () => {
    const { code, out } = await bosun(['policy', 'apply', '-p', 'policy.yaml', '-r', 'good.yaml']);
    expect(code).toBe(0);
    expect(out).toContain('PASS  disallow-latest-tag/validate-image-tag Pod/good');
  });

  it('fails an Enforce rule with exit code 1 and says why', async () => {
    const { code, out } = await bosun([
      'policy',
      'apply',
      '-p',
      'policy.yaml',
      '-r',
      'good.yaml',
      'bad.yaml',
      '-o',
      'json',
    ]);
    expect(code).toBe(1);
    const results = JSON.parse(out) as { resource: string; rules: { status: string; message: string }[] }[];
    const byResource = Object.fromEntries(results.map((r) => [r.resource, r.rules[0]?.status]));
    expect(byResource).toEqual({ 'Pod/good': 'pass', 'Pod/bad': 'fail' });
  });

  it('reports Audit failures without failing', async () => {
    await writeFile(join(work, 'audit.yaml'), DISALLOW_LATEST.replace('Enforce', 'Audit'));
    const { code, out } = await bosun(['policy', 'apply', '-p', 'audit.yaml', '-r', 'bad.yaml']);
    expect(code).toBe(0);
    expect(out).toContain('FAIL  disallow-latest-tag/validate-image-tag Pod/bad [Audit]');
  });

  it('rejects a missing file as a usage error', async () => {
    expect((await bosun(['policy', 'apply', '-p', 'nope.yaml', '-r', 'good.yaml'])).code).toBe(2);
  });
});

describe('bosun policy test', () => {
  it("agrees with one of Kyverno's own suites", async () => {
    const { code, out } = await bosun(['policy', 'test', join(suites, 'variables')]);
    expect(out).toMatch(/\d+ cases, \d+ pass, 0 fail, 0 unsupported/);
    expect(code).toBe(0);
  });

  it('fails when an expected result is changed', async () => {
    const copy = join(work, 'variables');
    await cp(join(suites, 'variables'), copy, { recursive: true });
    const file = join(copy, 'kyverno-test.yaml');
    const text = await readFile(file, 'utf8');
    const flipped = text.replace(
      /result: (\w+)/,
      (_m, r: string) => `result: ${r === 'pass' ? 'fail' : 'pass'}`,
    );
    expect(flipped).not.toBe(text);
    await writeFile(file, flipped);
    const { code, out } = await bosun(['policy', 'test', copy]);
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL /);
  });

  it('prints one JSON record per case', async () => {
    const { out } = await bosun(['policy', 'test', join(suites, 'variables'), '--output', 'json']);
    const parsed = JSON.parse(out) as { summary: { total: number }; cases: unknown[] };
    expect(parsed.cases.length).toBe(parsed.summary.total);
  });
});
