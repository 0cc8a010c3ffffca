// `bosun image` end to end: a Debian image (a root made by dpkg itself) with an application layer
// holding old npm packages, Python dist-info, a Go binary built by the Go toolchain and a pickle
// model, written as an OCI layout and pushed by skopeo to a real registry with basic auth. The
// DB is imported with `bosun db import` from the shared real OSV records (Go, PyPI, GHSA). Every
// output format is checked: findings and fixed versions, SARIF/CycloneDX/SPDX against their
// schemas, the cosign vuln predicate, the --exit-code gate with an ignore file, and --offline.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/test-io.ts';
import { buildLayer } from '../builders/layer.ts';
import { callPickle } from '../builders/models/pickle.ts';
import { OciBlobs, writeFiles } from '../builders/oci-image.ts';
import type { TarEntrySpec } from '../builders/tar.ts';
import { debianImageStages, layerEntries } from '../support/debian-image.ts';
import { goAvailable, goFixture } from '../support/go-fixtures.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { cycloneDxValidator, sarifValidator, spdxValidator } from '../support/schemas.ts';

const exec = promisify(execFile);
const SHARED_OSV = fileURLToPath(new URL('../../../shared/osv', import.meta.url));
const HAS_GO = goAvailable();

let work: string;
let registry: TestRegistry;
let image: string;
let dbPath: string;

const NPM: readonly (readonly [string, string])[] = [
  ['lodash', '4.17.15'],
  ['minimist', '1.2.0'],
];
const PYTHON: readonly (readonly [string, string])[] = [
  ['requests', '2.31.0'],
  ['urllib3', '1.26.5'],
  ['Jinja2', '3.1.2'],
];

async function appLayerEntries(): Promise<TarEntrySpec[]> {
  const entries: TarEntrySpec[] = [];
  for (const [name, version] of NPM) {
    entries.push({
      name: `srv/app/node_modules/${name}/package.json`,
      body: JSON.stringify({ name, version, license: 'MIT' }),
    });
  }
  for (const [name, version] of PYTHON) {
    entries.push({
      name: `usr/local/lib/python3.11/site-packages/${name}-${version}.dist-info/METADATA`,
      body: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`,
    });
  }
  if (HAS_GO) {
    entries.push({ name: 'usr/local/bin/app', body: await readFile(goFixture('amd64').binary), mode: 0o755 });
  }
  entries.push({ name: 'srv/models/classifier.pkl', body: callPickle('os', 'system', 'echo pwned') });
  return entries;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bosun-cli-image-'));
  const { stages } = await debianImageStages();
  const blobs = new OciBlobs();
  const base = buildLayer(await layerEntries(undefined, stages[0]));
  const app = buildLayer(await appLayerEntries());
  const built = blobs.image([base, app], { config: { config: { Cmd: ['/usr/local/bin/app'] } } });
  const layout = join(work, 'layout');
  await writeFiles(layout, blobs.layoutFiles([{ descriptor: built.manifest, refName: 'app' }]));
  registry = await startRegistry({ auth: 'basic' });
  image = `${registry.host}/team/app:1.0`;
  await exec('skopeo', [
    'copy',
    '--dest-tls-verify=false',
    `--dest-creds=${registry.username}:${registry.password}`,
    `oci:${layout}:app`,
    `docker://${image}`,
  ]);
  dbPath = join(work, 'db', 'bosun.db');
  const imported = await bosun(['db', 'import', SHARED_OSV, '--db-path', dbPath]);
  expect(imported.code).toBe(0);
}, 600_000);

afterAll(async () => {
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

async function bosun(argv: string[], options: { stdin?: string } = {}) {
  const env = { HOME: work, XDG_CACHE_HOME: join(work, 'cache'), BOSUN_PASSWORD: 'db-key-password' };
  const io = memoryIo({ ...options, cwd: work, env });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** `bosun image` against the registry with basic auth, the imported DB, no refresh. */
async function scan(...extra: string[]) {
  return bosun(
    [
      'image',
      image,
      '--insecure',
      '--username',
      registry.username as string,
      '--password-stdin',
      '--docker-config',
      join(work, 'no-docker-config'),
      '--db-path',
      dbPath,
      '--skip-db-update',
      ...extra,
    ],
    { stdin: `${registry.password}\n` },
  );
}

interface JsonVulnerability {
  id: string;
  pkgName: string;
  installedVersion: string;
  fixedVersions: string[];
  severity: string;
}
interface JsonReport {
  artifact: { name: string; digest: string; repoDigests?: string[] };
  os: { family: string } | null;
  summary: { vulnerabilities: Record<string, number>; suppressed: number; modelsFailed: number };
  results: { target: string; class: string; vulnerabilities?: JsonVulnerability[]; verdict?: string }[];
}

function findings(report: JsonReport): JsonVulnerability[] {
  return report.results.flatMap((r) => r.vulnerabilities ?? []);
}

function row(v: JsonVulnerability): string {
  return `${v.pkgName} ${v.installedVersion} ${v.id} ${v.fixedVersions.join('|')}`;
}

describe('bosun image', () => {
  let report: JsonReport;

  beforeAll(async () => {
    const { code, out, err } = await scan('--format', 'json');
    expect(err).toBe('');
    expect(code).toBe(0);
    report = JSON.parse(out) as JsonReport;
  }, 120_000);

  it('reports the advisories of every ecosystem in the image, with fixed versions', () => {
    const rows = findings(report).map(row);
    expect(rows).toEqual(
      expect.arrayContaining([
        'minimist 1.2.0 CVE-2021-44906 1.2.6',
        'minimist 1.2.0 CVE-2020-7598 1.2.3',
        'lodash 4.17.15 CVE-2020-8203 4.17.19',
        'lodash 4.17.15 CVE-2021-23337 4.17.21',
        'requests 2.31.0 CVE-2024-35195 2.32.2',
        'requests 2.31.0 CVE-2024-47081 2.32.4',
        'urllib3 1.26.5 CVE-2024-37891 1.26.19',
        'Jinja2 3.1.2 CVE-2024-22195 3.1.3',
        ...(HAS_GO ? ['stdlib v1.19.8 CVE-2023-29406 1.19.11'] : []),
      ]),
    );
    expect(findings(report).find((v) => v.id === 'CVE-2021-44906')?.severity).toBe('CRITICAL');
    // Nothing from packages that are not in the image.
    expect(findings(report).some((v) => v.pkgName === 'axios' || v.pkgName === 'handlebars')).toBe(false);
  });

  it('names the image by its reference, digest and repository digest, and finds the Debian OS', () => {
    expect(report.artifact.name).toBe(image);
    expect(report.artifact.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(report.artifact.repoDigests).toEqual([`${registry.host}/team/app@${report.artifact.digest}`]);
    expect(report.os?.family).toBe('debian');
    expect(report.results.some((r) => r.class === 'os-pkgs')).toBe(true);
  });

  it('writes SARIF that validates against the SARIF 2.1.0 schema', async () => {
    const { code, out } = await scan('--format', 'sarif', '--quiet');
    expect(code).toBe(0);
    const log = JSON.parse(out);
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors.slice(0, 3))).toBe(true);
    const ruleIds = new Set(log.runs[0].results.map((r: { ruleId: string }) => r.ruleId));
    expect(ruleIds.has('CVE-2021-44906')).toBe(true);
  });

  it('writes a CycloneDX 1.6 BOM with vulnerabilities that validates against its schema', async () => {
    const { code, out } = await scan('--format', 'cyclonedx');
    expect(code).toBe(0);
    const bom = JSON.parse(out);
    const validate = cycloneDxValidator();
    expect(validate(bom), JSON.stringify(validate.errors.slice(0, 3))).toBe(true);
    expect(bom.vulnerabilities.map((v: { id: string }) => v.id)).toContain('CVE-2021-44906');
    expect(bom.components.map((c: { purl?: string }) => c.purl)).toContain('pkg:npm/minimist@1.2.0');
  });

  it('writes an SPDX 2.3 document that validates against its schema', async () => {
    const file = join(work, 'image.spdx.json');
    const { code, out } = await scan('--format', 'spdx-json', '-o', file);
    expect(code).toBe(0);
    expect(out).toBe('');
    const doc = JSON.parse(await readFile(file, 'utf8'));
    const validate = spdxValidator();
    expect(validate(doc), JSON.stringify(validate.errors.slice(0, 3))).toBe(true);
  });

  it('writes a table and an HTML page naming the findings', async () => {
    const table = await scan();
    expect(table.code).toBe(0);
    expect(table.out).toContain('CVE-2021-44906');
    expect(table.out).toContain('srv/app/node_modules/minimist/package.json');
    const html = await scan('--format', 'html');
    expect(html.out).toMatch(/^<!DOCTYPE html>/i);
    expect(html.out).toContain('CVE-2021-44906');
  });

  it("writes cosign's vuln attestation predicate around the JSON report", async () => {
    const { code, out } = await scan('--format', 'cosign-vuln');
    expect(code).toBe(0);
    const predicate = JSON.parse(out);
    expect(Object.keys(predicate)).toEqual(['invocation', 'scanner', 'metadata']);
    expect(predicate.scanner.uri).toMatch(/^pkg:npm\/bosun@/);
    expect(predicate.scanner.db).toEqual({ uri: SHARED_OSV, version: expect.any(String) });
    expect(predicate.scanner.result.schemaVersion).toBe(1);
    expect(findings(predicate.scanner.result as JsonReport).map(row)).toEqual(findings(report).map(row));
    expect(Date.parse(predicate.metadata.scanFinishedOn)).toBeGreaterThanOrEqual(
      Date.parse(predicate.metadata.scanStartedOn),
    );
  });

  it('gates on --severity CRITICAL --exit-code 1, and passes once an ignore file suppresses them', async () => {
    // The image also carries a malicious pickle, which the default model scanner gates on too.
    const withModels = await scan('--severity', 'CRITICAL', '--exit-code', '1', '--format', 'json');
    expect(withModels.code).toBe(1);
    const gated = await scan(
      '--scanners',
      'vuln',
      '--severity',
      'CRITICAL',
      '--exit-code',
      '1',
      '--format',
      'json',
    );
    expect(gated.code).toBe(1);
    const critical = findings(JSON.parse(gated.out) as JsonReport).map((v) => v.id);
    expect(critical).toContain('CVE-2021-44906');
    const ignore = join(work, 'ignore.txt');
    await writeFile(
      ignore,
      `${[...new Set(critical)].map((id) => `${id} # accepted for the test`).join('\n')}\n`,
    );
    const passed = await scan(
      '--scanners',
      'vuln',
      '--severity',
      'CRITICAL',
      '--exit-code',
      '1',
      '--format',
      'json',
      '--ignorefile',
      ignore,
    );
    expect(passed.code).toBe(0);
    const after = JSON.parse(passed.out) as JsonReport;
    expect(findings(after)).toEqual([]);
    expect(after.summary.suppressed).toBe(critical.length);
  });

  it('drops language packages with --pkg-types os', async () => {
    const { out } = await scan('--format', 'json', '--pkg-types', 'os');
    expect(findings(JSON.parse(out) as JsonReport).filter((v) => v.pkgName === 'minimist')).toEqual([]);
  });

  it('checks the model file with --scanners vuln,model and fails the gate on it', async () => {
    const { code, out } = await scan(
      '--scanners',
      'vuln,model',
      '--format',
      'json',
      '--severity',
      'LOW',
      '--exit-code',
      '3',
    );
    const json = JSON.parse(out) as JsonReport;
    expect(json.summary.modelsFailed).toBe(1);
    expect(json.results.find((r) => r.class === 'model')).toMatchObject({
      target: 'srv/models/classifier.pkl',
      verdict: 'fail',
    });
    expect(code).toBe(3);
  });

  it('stops with exit 5 when --offline and there is no DB, before any report', async () => {
    const { code, out, err } = await scan('--offline', '--db-path', join(work, 'missing', 'bosun.db'));
    expect(code).toBe(5);
    expect(out).toBe('');
    expect(err).toContain('VULNDB_MISSING');
  });

  it('exits 3 without credentials', async () => {
    const { code } = await bosun([
      'image',
      image,
      '--insecure',
      '--docker-config',
      join(work, 'no-docker-config'),
      '--db-path',
      dbPath,
      '--skip-db-update',
    ]);
    expect(code).toBe(3);
  });
});

describe('bosun db push and db update --db-repository', () => {
  const registryFlags = () => [
    '--insecure',
    '--username',
    registry.username as string,
    '--password-stdin',
    '--docker-config',
    join(work, 'no-docker-config'),
  ];
  const withPassword = () => ({ stdin: `${registry.password}\n` });
  let repo: string;

  beforeAll(async () => {
    repo = `${registry.host}/security/bosun-db`;
    for (const prefix of ['release', 'other']) {
      expect((await bosun(['generate-key-pair', '--output-key-prefix', join(work, prefix)])).code).toBe(0);
    }
    const pushed = await bosun(
      [
        'db',
        'push',
        `${repo}:latest`,
        '--db-path',
        dbPath,
        '--key',
        join(work, 'release.key'),
        ...registryFlags(),
      ],
      withPassword(),
    );
    expect(pushed.err).toContain('signed');
    expect(pushed.code).toBe(0);
    expect(pushed.out.trim()).toMatch(new RegExp(`^${repo}@sha256:[0-9a-f]{64}$`));
  }, 120_000);

  async function status(path: string) {
    const { code, out } = await bosun(['db', 'status', '--db-path', path, '--format', 'json']);
    if (code !== 0) return code;
    const { records, counts, builtAt } = JSON.parse(out) as {
      records: number;
      counts: unknown;
      builtAt: string;
    };
    return { records, counts, builtAt };
  }

  it('pulls the signed DB after verifying it with the public key, and scans with it', async () => {
    const target = join(work, 'pulled', 'bosun.db');
    const { code, out } = await bosun(
      [
        'db',
        'update',
        '--db-repository',
        `${repo}:latest`,
        '--key',
        join(work, 'release.pub'),
        '--db-path',
        target,
        ...registryFlags(),
      ],
      withPassword(),
    );
    expect(code).toBe(0);
    expect(out).toContain(`${repo}@sha256:`);
    expect(await status(target)).toEqual(await status(dbPath));
    const scanned = await scan('--format', 'json', '--db-path', target);
    expect(findings(JSON.parse(scanned.out) as JsonReport).map(row)).toEqual(
      findings(JSON.parse((await scan('--format', 'json')).out) as JsonReport).map(row),
    );
  });

  it('refuses a DB signed by another key (exit 4) and leaves no DB behind', async () => {
    const target = join(work, 'refused', 'bosun.db');
    const { code, err } = await bosun(
      [
        'db',
        'update',
        '--db-repository',
        `${repo}:latest`,
        '--key',
        join(work, 'other.pub'),
        '--db-path',
        target,
        ...registryFlags(),
      ],
      withPassword(),
    );
    expect(code).toBe(4);
    expect(err).toContain('SIGN_SIGNATURE_INVALID');
    expect(await status(target)).toBe(5);
  });

  it('pulls without a key with a warning, and rejects an image that is not a DB artifact', async () => {
    const target = join(work, 'unverified', 'bosun.db');
    const pulled = await bosun(
      ['db', 'update', '--db-repository', `${repo}:latest`, '--db-path', target, ...registryFlags()],
      withPassword(),
    );
    expect(pulled.code).toBe(0);
    expect(pulled.err).toContain('without signature verification');
    const wrong = await bosun(
      ['db', 'update', '--db-repository', image, '--db-path', join(work, 'wrong.db'), ...registryFlags()],
      withPassword(),
    );
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('VULNDB_INVALID');
  });
});
