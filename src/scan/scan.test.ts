// scanImage/scanDirectory over an OCI layout and a directory made by the builders, matched
// against a DB built from OSV records; the model scanner reads a pickle back out of its layer.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../../test/builders/layer.ts';
import { callPickle } from '../../test/builders/models/pickle.ts';
import { OciBlobs, writeFiles } from '../../test/builders/oci-image.ts';
import { osvRecord, range } from '../../test/builders/osv.ts';
import { isBosunError } from '../util/errors.ts';
import { buildVulnDb } from '../vulndb/index.ts';
import { scanDirectory, scanImage, type ScanProgress } from './index.ts';

const RECORDS = [
  osvRecord({
    id: 'GHSA-xvch-5gv4-984h',
    aliases: ['CVE-2021-44906'],
    database_specific: { severity: 'CRITICAL' },
    affected: [
      {
        ecosystem: 'npm',
        name: 'minimist',
        ranges: [range('SEMVER', ['introduced', '1.0.0'], ['fixed', '1.2.6'])],
      },
    ],
  }),
  osvRecord({
    id: 'PYSEC-2023-74',
    aliases: ['CVE-2023-32681'],
    affected: [
      {
        ecosystem: 'PyPI',
        name: 'requests',
        ranges: [range('ECOSYSTEM', ['introduced', '2.3.0'], ['fixed', '2.31.0'])],
      },
    ],
  }),
];

const NOW = new Date('2026-01-02T00:00:00Z');
let work: string;
let dbPath: string;
let layout: string;
let osvDir: string;

const minimist = JSON.stringify({ name: 'minimist', version: '1.2.0' });
const requestsMeta = 'Metadata-Version: 2.1\nName: requests\nVersion: 2.28.0\n';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bosun-scan-'));
  osvDir = join(work, 'osv');
  await mkdir(osvDir, { recursive: true });
  for (const r of RECORDS) await writeFile(join(osvDir, `${String(r['id'])}.json`), JSON.stringify(r));
  dbPath = join(work, 'db', 'bosun.db');
  await buildVulnDb(dbPath, [{ kind: 'dir', path: osvDir }], { now: NOW });

  const blobs = new OciBlobs();
  const base = buildLayer([
    { name: 'app/node_modules/minimist/package.json', body: minimist },
    { name: 'usr/lib/python3/site-packages/requests-2.28.0.dist-info/METADATA', body: requestsMeta },
    { name: 'models/evil.pkl', body: callPickle('os', 'system', 'id') },
  ]);
  const top = buildLayer([{ name: 'models/fine.pkl', body: callPickle('collections', 'OrderedDict', 'x') }]);
  const image = blobs.image([base, top]);
  layout = join(work, 'layout');
  await writeFiles(layout, blobs.layoutFiles([{ descriptor: image.manifest, refName: 'app' }]));
}, 60_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const db = () => ({ path: dbPath, skipUpdate: true });

describe('scanImage', () => {
  it('matches the image inventory and checks model files read out of their layers', async () => {
    const events: ScanProgress['kind'][] = [];
    const result = await scanImage(`oci:${layout}:app`, {
      db: db(),
      scanners: ['vuln', 'model'],
      now: () => NOW,
      onProgress: (e) => events.push(e.kind),
    });
    expect(result.findings.map((f) => [f.id, f.package.name, f.installedVersion, f.fixedVersions])).toEqual([
      ['CVE-2021-44906', 'minimist', '1.2.0', ['1.2.6']],
      ['CVE-2023-32681', 'requests', '2.28.0', ['2.31.0']],
    ]);
    expect(result.models?.map((m) => [m.file, m.verdict])).toEqual([
      ['models/evil.pkl', 'fail'],
      ['models/fine.pkl', 'pass'],
    ]);
    expect(result.models?.[0]?.findings[0]?.file).toBe('models/evil.pkl');
    expect(result.scanners).toEqual(['model', 'vuln']);
    expect(result.db).toMatchObject({ path: dbPath, builtAt: NOW.toISOString(), records: 2, updated: false });
    expect(result.startedAt).toBe(NOW.toISOString());
    expect(events).toContain('inventory');
    expect(events.filter((e) => e === 'model')).toHaveLength(2);
  });

  it('runs no model scanner unless asked, and no DB for a model-only scan', async () => {
    const vulnOnly = await scanImage(`oci:${layout}:app`, { db: db() });
    expect(vulnOnly.models).toBeUndefined();
    const modelOnly = await scanImage(`oci:${layout}:app`, { scanners: ['model'] });
    expect(modelOnly.findings).toEqual([]);
    expect(modelOnly.db).toBeUndefined();
    expect(modelOnly.models).toHaveLength(2);
  });

  it('fails with VULNDB_MISSING offline before reading the image', async () => {
    let caught: unknown;
    try {
      await scanImage('oci:/does/not/exist', { db: { path: join(work, 'none.db'), offline: true } });
    } catch (error) {
      caught = error;
    }
    expect(isBosunError(caught, 'VULNDB_MISSING')).toBe(true);
  });
});

describe('scanDirectory', () => {
  it('counts lockfiles and installed metadata, and scans model files in place', async () => {
    const dir = join(work, 'tree');
    await mkdir(join(dir, 'node_modules/minimist'), { recursive: true });
    await writeFile(join(dir, 'node_modules/minimist/package.json'), minimist);
    await writeFile(join(dir, 'requirements.txt'), 'requests==2.30.0\n');
    await writeFile(join(dir, 'model.pkl'), callPickle('os', 'system', 'id'));
    const result = await scanDirectory(dir, { db: db(), scanners: ['vuln', 'model'], now: () => NOW });
    expect(result.findings.map((f) => [f.id, f.installedVersion])).toEqual([
      ['CVE-2021-44906', '1.2.0'],
      ['CVE-2023-32681', '2.30.0'],
    ]);
    expect(result.models?.map((m) => [m.file, m.verdict])).toEqual([['model.pkl', 'fail']]);
  });
});

describe('DB freshness during a scan', () => {
  it('uses an old imported DB with a warning, and rebuilds it from --db-source when given', async () => {
    const path = join(work, 'old', 'bosun.db');
    const past = new Date(NOW.getTime() - 3 * 24 * 3_600_000);
    await buildVulnDb(path, [{ kind: 'dir', path: osvDir }], { now: past });
    const dir = join(work, 'tree');
    const kept = await scanDirectory(dir, { db: { path }, now: () => NOW });
    expect(kept.warnings).toHaveLength(1);
    expect(kept.warnings[0]).toContain('3 d');
    expect(kept.db?.updated).toBe(false);
    const refreshed = await scanDirectory(dir, { db: { path, source: osvDir }, now: () => NOW });
    expect(refreshed.warnings).toEqual([]);
    expect(refreshed.db).toMatchObject({ updated: true, builtAt: NOW.toISOString() });
    expect(refreshed.findings).toHaveLength(2);
  });

  it('builds a missing DB from --db-source', async () => {
    const path = join(work, 'new', 'bosun.db');
    const result = await scanDirectory(join(work, 'tree'), { db: { path, source: osvDir }, now: () => NOW });
    expect(result.db?.updated).toBe(true);
    expect(result.findings).toHaveLength(2);
  });
});
