// The GitHub Action's shell steps (action.yml), run by bash as the runner would, against an image
// built in code: the SARIF step writes a valid SARIF report without failing, the gate step fails on
// CRITICAL findings of app:1.0 and passes on app:1.1. The DB comes from the example OSV records
// (`db-source` set to a directory), so nothing leaves the machine. Setup/upload steps (`uses:`)
// are GitHub's own actions and are only checked for their inputs.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildExampleImages, type ExampleImage } from '../../src/cli/demo/example-images.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Step {
  name: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { default?: string; required?: boolean }>;
  runs: { using: string; steps: Step[] };
}

let work: string;
let action: Action;

async function writeLayout(dir: string, images: readonly ExampleImage[]): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const image of images)
    for (const blob of [image.manifest, image.config, ...image.layers])
      await writeFile(join(dir, 'blobs', 'sha256', blob.digest.slice(7)), blob.bytes);
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: images.map((i) => ({
        mediaType: i.manifest.mediaType,
        digest: i.manifest.digest,
        size: i.manifest.size,
        annotations: { 'org.opencontainers.image.ref.name': i.tag },
      })),
    }),
  );
}

/** Replaces `${{ inputs.x }}` as the runner does, from the given inputs and the defaults. */
function expand(value: string, inputs: Record<string, string>): string {
  return value.replace(
    /\$\{\{\s*inputs\.([a-z-]+)\s*\}\}/g,
    (_m, name: string) => inputs[name] ?? action.inputs[name]?.default ?? '',
  );
}

/** Runs one `run:` step with bash -eo pipefail (GitHub's bash shell), returning its exit code. */
async function runStep(name: string, inputs: Record<string, string>): Promise<{ code: number; out: string }> {
  const step = action.runs.steps.find((s) => s.name === name);
  if (step?.run === undefined) throw new Error(`no run step ${name}`);
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: work,
    GITHUB_ENV: join(work, 'github-env'),
    GITHUB_OUTPUT: join(work, 'github-output'),
    BOSUN_BIN: join(work, 'bosun-entry.mjs'),
  };
  for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(v, inputs);
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run ?? ''],
      { cwd: work, env },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 70;
        resolve({ code, out: stdout + stderr });
      },
    );
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bosun-action-'));
  action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as Action;
  await writeLayout(join(work, 'layout'), await buildExampleImages());
  await writeFile(
    join(work, 'bosun-entry.mjs'),
    `import { main } from ${JSON.stringify(join(ROOT, 'src', 'cli', 'main.ts'))};\nprocess.exitCode = await main(process.argv.slice(2));\n`,
  );
}, 60_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('action.yml', () => {
  it('is a composite action: Node 24, install, SARIF, upload with the SARIF file and category, gate', () => {
    expect(action.runs.using).toEqual('composite');
    expect(action.runs.steps.map((s) => [s.name, s.uses ?? 'run'])).toEqual([
      ['Set up Node 24', 'actions/setup-node@v4'],
      ['Install Bosun', 'run'],
      ['Cache the vulnerability DB and layer cache', 'actions/cache@v4'],
      ['Write the SARIF report', 'run'],
      ['Upload the SARIF report to code scanning', 'github/codeql-action/upload-sarif@v3'],
      ['Scan and gate', 'run'],
    ]);
    const upload = action.runs.steps[4];
    expect([upload?.if, upload?.with]).toEqual([
      "inputs.upload-sarif == 'true'",
      { sarif_file: '${{ inputs.sarif-file }}', category: '${{ inputs.sarif-category }}' },
    ]);
    expect(action.inputs['image']?.required).toEqual(true);
  });

  it('SARIF step: writes the report and never fails the job; gate step: exit 1 on app:1.0, 0 on app:1.1', async () => {
    const common = {
      severity: 'CRITICAL',
      'upload-sarif': 'true',
      'db-source': join(ROOT, 'examples', 'osv'),
      args: `--db-path ${join(work, 'bosun.db')} --quiet`,
    };
    const sarif = await runStep('Write the SARIF report', {
      ...common,
      image: `oci:${join(work, 'layout')}:1.0`,
    });
    expect([sarif.code, await readFile(join(work, 'github-output'), 'utf8')]).toEqual([
      0,
      'file=bosun.sarif\n',
    ]);
    const report = JSON.parse(await readFile(join(work, 'bosun.sarif'), 'utf8')) as {
      version: string;
      runs: { results: { ruleId: string }[] }[];
    };
    expect(report.version).toEqual('2.1.0');
    expect(report.runs[0]?.results.map((r) => r.ruleId).sort()).toEqual([
      'CVE-2020-14343',
      'CVE-2021-44906',
      'CVE-2022-37434',
    ]);
    const blocked = await runStep('Scan and gate', { ...common, image: `oci:${join(work, 'layout')}:1.0` });
    const passed = await runStep('Scan and gate', { ...common, image: `oci:${join(work, 'layout')}:1.1` });
    expect([blocked.code, passed.code]).toEqual([1, 0]);
    expect(blocked.out).toContain('CVE-2022-37434');
  }, 120_000);
});
