// `bosun db import/status`, `fs`, `sbom` and `sbom-scan` through run(argv, io), against a DB
// imported from the shared real GHSA records (never copied into the repo).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../main.ts';
import { memoryIo } from '../test-io.ts';

const GHSA = fileURLToPath(new URL('../../../../shared/osv/ghsa', import.meta.url));

let work: string;
let project: string;
let env: Record<string, string>;

async function bosun(argv: string[], cwd = work) {
  const io = memoryIo({ env, cwd });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

interface JsonVuln {
  id: string;
  pkgName: string;
  fixedVersions: string[];
}
function vulns(out: string): string[] {
  const report = JSON.parse(out) as { results: { vulnerabilities?: JsonVuln[] }[] };
  return report.results
    .flatMap((r) => (r.vulnerabilities ?? []).map((v) => `${v.pkgName} ${v.id} ${v.fixedVersions.join('|')}`))
    .sort();
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bosun-cli-scan-'));
  env = { HOME: work, XDG_CACHE_HOME: join(work, 'cache') };
  project = join(work, 'project');
  const installed: [string, string][] = [
    ['minimist', '1.2.0'],
    ['handlebars', '4.7.6'],
  ];
  for (const [name, version] of installed) {
    await mkdir(join(project, 'node_modules', name), { recursive: true });
    await writeFile(join(project, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
  }
  await writeFile(join(project, 'requirements.txt'), 'requests==2.31.0\n');
  const imported = await bosun(['db', 'import', GHSA]);
  expect(imported.code).toBe(0);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('bosun db', () => {
  it('status reports the imported records per ecosystem, as JSON and as a table', async () => {
    const json = await bosun(['db', 'status', '--format', 'json']);
    expect(json.code).toBe(0);
    const status = JSON.parse(json.out);
    expect(status.path).toBe(join(work, 'cache', 'bosun', 'db', 'bosun.db'));
    expect(status.counts).toEqual({ PyPI: 15, npm: 31 });
    expect(status.sources.map((s: { source: string }) => s.source)).toEqual([GHSA]);
    expect(status.ageSeconds).toBeGreaterThanOrEqual(0);
    const table = await bosun(['db', 'status']);
    expect(table.out).toMatch(/Records: +46 /);
  });

  it.each([
    [['db', 'status', '--db-path', 'none.db'], 5],
    [['db', 'import', 'no-such-dir', '--db-path', 'x.db'], 2],
    [['db', 'status', '--format', 'xml'], 2],
  ])('%j exits %i', async (argv, exit) => {
    expect((await bosun(argv)).code).toBe(exit);
  });
});

describe('bosun fs', () => {
  it('finds the advisories of installed npm packages and lockfile-pinned PyPI packages', async () => {
    const { code, out } = await bosun(['fs', project, '--format', 'json', '--skip-db-update']);
    expect(code).toBe(0);
    expect(vulns(out)).toEqual([
      'handlebars CVE-2021-23369 4.7.7',
      'handlebars CVE-2021-23383 4.7.7',
      'minimist CVE-2020-7598 1.2.3',
      'minimist CVE-2021-44906 1.2.6',
      'requests CVE-2024-35195 2.32.2',
      'requests CVE-2024-47081 2.32.4',
    ]);
  });

  it('lists every package with --list-all-pkgs', async () => {
    const { out } = await bosun(['fs', project, '-f', 'json', '--list-all-pkgs', '--pkg-types', 'library']);
    expect(JSON.parse(out).packages.map((p: { purl: string }) => p.purl)).toEqual([
      'pkg:npm/handlebars@4.7.6',
      'pkg:npm/minimist@1.2.0',
      'pkg:pypi/requests@2.31.0',
    ]);
  });

  it('applies --severity, --ignore-unfixed and the --exit-code gate', async () => {
    const gate = await bosun(['fs', project, '--severity', 'CRITICAL', '--exit-code', '7', '-f', 'json']);
    expect(gate.code).toBe(7);
    expect(vulns(gate.out)).toEqual([
      'handlebars CVE-2021-23369 4.7.7',
      'handlebars CVE-2021-23383 4.7.7',
      'minimist CVE-2021-44906 1.2.6',
    ]);
    const none = await bosun(['fs', project, '--severity', 'LOW', '--exit-code', '7', '-f', 'json']);
    expect(none.code).toBe(0);
  });

  it('uses .bosunignore from the working directory first, then .trivyignore, and warns about expired rules', async () => {
    const cwd = join(work, 'ignores');
    await mkdir(cwd, { recursive: true });
    await writeFile(join(cwd, '.trivyignore'), 'CVE-2021-44906\nCVE-2021-23369\nCVE-2021-23383\n');
    const trivy = await bosun(
      ['fs', project, '--severity', 'CRITICAL', '--exit-code', '1', '-f', 'json'],
      cwd,
    );
    expect(trivy.code).toBe(0);
    expect(JSON.parse(trivy.out).summary.suppressed).toBe(3);
    await writeFile(join(cwd, '.bosunignore'), 'CVE-2021-44906 exp:2020-01-01\n');
    const bosunIgnore = await bosun(
      ['fs', project, '--severity', 'CRITICAL', '--exit-code', '1', '-f', 'json'],
      cwd,
    );
    expect(bosunIgnore.code).toBe(1);
    expect(bosunIgnore.err).toContain('expired');
    const quiet = await bosun(['fs', project, '--severity', 'CRITICAL', '-q', '-f', 'json'], cwd);
    expect(quiet.err).toBe('');
  });

  it('suppresses a finding with an OpenVEX not_affected statement', async () => {
    const vex = join(work, 'vex.json');
    await writeFile(
      vex,
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        '@id': 'https://example.com/vex/1',
        author: 'test',
        timestamp: '2024-01-01T00:00:00Z',
        version: 1,
        statements: [
          {
            vulnerability: { name: 'CVE-2021-44906' },
            products: [{ '@id': 'pkg:npm/minimist@1.2.0' }],
            status: 'not_affected',
            justification: 'vulnerable_code_not_in_execute_path',
          },
        ],
      }),
    );
    const { out } = await bosun(['fs', project, '-f', 'json', '--vex', vex, '--severity', 'CRITICAL']);
    const report = JSON.parse(out);
    expect(report.summary.suppressed).toBe(1);
    expect(vulns(out)).not.toContain('minimist CVE-2021-44906 1.2.6');
  });

  it('writes the report to --output', async () => {
    const file = join(work, 'report.sarif');
    const { code, out } = await bosun(['fs', project, '-f', 'sarif', '-o', file]);
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(JSON.parse(await readFile(file, 'utf8')).version).toBe('2.1.0');
  });

  it.each([
    [['fs', 'project', '--offline', '--db-path', 'missing.db'], 5],
    [['fs', 'project', '--format', 'xml'], 2],
    [['fs', 'project', '--ignorefile', 'nope'], 2],
  ])('%j exits %i', async (argv, exit) => {
    expect((await bosun(argv)).code).toBe(exit);
  });
});

describe('progress', () => {
  it.each([
    [[], true],
    [['--quiet'], false],
  ])('draws a bar on a terminal stderr with %j: %s', async (extra, drawn) => {
    const io = memoryIo({ env, cwd: work });
    let err = '';
    const tty = { ...io, stderr: { write: (chunk: string) => (err += chunk), isTTY: true } };
    expect(await run(['fs', project, '-f', 'json', ...extra], tty)).toBe(0);
    expect(err.includes('Layers')).toBe(drawn);
    expect(JSON.parse(io.out()).schemaVersion).toBe(1);
  });
});

describe('bosun sbom and sbom-scan', () => {
  it.each([['cyclonedx'], ['spdx-json']])(
    'an SBOM written as %s scans to the same findings as the directory',
    async (format) => {
      const file = join(work, `sbom-${format}.json`);
      expect((await bosun(['sbom', project, '--format', format, '-o', file])).code).toBe(0);
      const scanned = await bosun(['sbom-scan', file, '-f', 'json']);
      expect(scanned.code).toBe(0);
      const direct = await bosun(['fs', project, '-f', 'json']);
      expect(vulns(scanned.out)).toEqual(vulns(direct.out));
    },
  );

  it.each([
    ['not JSON', '{', 2],
    ['not an SBOM', '{"kind":"Pod"}', 2],
  ])('rejects %s', async (_name, text, exit) => {
    const file = join(work, 'bad.json');
    await writeFile(file, text);
    expect((await bosun(['sbom-scan', file])).code).toBe(exit);
  });
});
