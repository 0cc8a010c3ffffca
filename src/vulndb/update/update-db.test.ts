import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { osvRecord, range } from '../../../test/builders/osv.ts';
import { buildZip } from '../../../test/builders/zip.ts';
import { isBosunError } from '../../util/errors.ts';
import { dbStatus } from '../db/db-status.ts';
import { openVulnDb } from '../db/schema.ts';
import { matchInventory } from '../match/match-inventory.ts';
import { updateVulnDb, type UpdateProgress } from './update-db.ts';

/** A local mirror laid out like OSV's bucket: `/<ecosystem>/all.zip`, `modified_id.csv`, `<id>.json`. */
const files = new Map<string, Buffer>();
const requests: string[] = [];
let failWith: number | undefined;
let server: Server;
let base: string;
const dir = mkdtempSync(join(tmpdir(), 'bosun-update-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    if (failWith !== undefined) {
      res.writeHead(failWith).end();
      return;
    }
    const body = files.get(path);
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  files.clear();
  requests.length = 0;
  failWith = undefined;
});

function npmRecord(id: string, modified: string, name: string, fixed: string) {
  return osvRecord({
    id,
    modified,
    aliases: [`CVE-${id}`],
    affected: [{ ecosystem: 'npm', name, ranges: [range('SEMVER', ['introduced', '0'], ['fixed', fixed])] }],
    database_specific: { severity: 'HIGH' },
  });
}

/** Publishes records for an ecosystem: each as `<id>.json`, all in `all.zip`, listed newest first in `modified_id.csv`. */
function publish(ecosystem: string, records: Record<string, unknown>[]) {
  const sorted = [...records].sort((a, b) => String(b['modified']).localeCompare(String(a['modified'])));
  for (const record of records)
    files.set(`/${ecosystem}/${String(record['id'])}.json`, Buffer.from(JSON.stringify(record)));
  files.set(
    `/${ecosystem}/all.zip`,
    buildZip(records.map((r) => ({ name: `${String(r['id'])}.json`, data: Buffer.from(JSON.stringify(r)) }))),
  );
  files.set(
    `/${ecosystem}/modified_id.csv`,
    Buffer.from(sorted.map((r) => `${String(r['modified'])},${String(r['id'])}\n`).join('')),
  );
}

function npm(name: string, version: string) {
  return {
    ecosystem: 'npm' as const,
    name,
    version,
    licenses: [],
    purl: `pkg:npm/${name}@${version}`,
    locations: [],
  };
}

function findingIds(path: string, packages: ReturnType<typeof npm>[]) {
  const db = openVulnDb(path);
  try {
    return matchInventory(db, { packages }).map(
      (f) => `${f.package.name}:${f.records.join('+')}:${f.fixedVersions.join(',')}`,
    );
  } finally {
    db.close();
  }
}

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    return isBosunError(error) ? error.code : `not a BosunError: ${String(error)}`;
  }
}

describe('updateVulnDb from an OSV-style HTTP mirror', () => {
  it('downloads all.zip first, then fetches only records changed since, from modified_id.csv', async () => {
    const path = join(dir, 'incremental.db');
    const a = npmRecord('GHSA-aaaa', '2024-01-01T00:00:00Z', 'left-pad', '1.1.0');
    const b = npmRecord('GHSA-bbbb', '2024-02-01T00:00:00Z', 'right-pad', '2.0.0');
    publish('npm', [a, b]);
    const progress: UpdateProgress[] = [];
    const first = await updateVulnDb({
      dbPath: path,
      source: base,
      ecosystems: ['npm'],
      onProgress: (p) => progress.push(p),
    });
    expect(first.updates.map((u) => ({ mode: u.mode, records: u.records }))).toEqual([
      { mode: 'full', records: 2 },
    ]);
    expect(requests).toEqual(['/npm/all.zip']);
    expect(progress.some((p) => p.phase === 'download')).toBe(true);
    expect(first.status.sources).toEqual([
      expect.objectContaining({ name: 'npm', lastModified: '2024-02-01T00:00:00Z', records: 2 }),
    ]);

    // Upstream: b is revised (new fix), c is new, a is unchanged.
    const b2 = npmRecord('GHSA-bbbb', '2024-03-01T00:00:00Z', 'right-pad', '2.0.1');
    const c = npmRecord('GHSA-cccc', '2024-03-02T00:00:00Z', 'is-odd', '3.0.0');
    publish('npm', [a, b2, c]);
    requests.length = 0;
    const second = await updateVulnDb({ dbPath: path, source: base });
    expect(second.updates.map((u) => ({ ecosystem: u.ecosystem, mode: u.mode, records: u.records }))).toEqual(
      [{ ecosystem: 'npm', mode: 'incremental', records: 2 }],
    );
    expect(requests.sort()).toEqual(['/npm/GHSA-bbbb.json', '/npm/GHSA-cccc.json', '/npm/modified_id.csv']);
    expect(second.status.records).toBe(3);
    expect(second.status.sources[0]).toEqual(
      expect.objectContaining({ lastModified: '2024-03-02T00:00:00Z', records: 3 }),
    );
    expect(
      findingIds(path, [npm('left-pad', '1.0.0'), npm('right-pad', '2.0.0'), npm('is-odd', '2.9.0')]),
    ).toEqual(['is-odd:GHSA-cccc:3.0.0', 'left-pad:GHSA-aaaa:1.1.0', 'right-pad:GHSA-bbbb:2.0.1']);

    // Nothing changed: only the CSV is read.
    requests.length = 0;
    const third = await updateVulnDb({ dbPath: path, source: base });
    expect(requests).toEqual(['/npm/modified_id.csv']);
    expect(third.updates[0]?.records).toBe(0);
  });

  it('a record listed as changed but gone upstream is removed', async () => {
    const path = join(dir, 'removed.db');
    const a = npmRecord('GHSA-aaaa', '2024-01-01T00:00:00Z', 'left-pad', '1.1.0');
    publish('npm', [a]);
    await updateVulnDb({ dbPath: path, source: base, ecosystems: ['npm'] });
    files.set('/npm/modified_id.csv', Buffer.from('2024-05-01T00:00:00Z,GHSA-aaaa\n'));
    files.delete('/npm/GHSA-aaaa.json');
    const result = await updateVulnDb({ dbPath: path, source: base });
    expect(result.updates[0]).toEqual(expect.objectContaining({ mode: 'incremental', removed: 1 }));
    expect(result.status.records).toBe(0);
  });

  it('too many changes fall back to all.zip', async () => {
    const path = join(dir, 'fallback.db');
    publish('npm', [npmRecord('GHSA-aaaa', '2024-01-01T00:00:00Z', 'left-pad', '1.1.0')]);
    await updateVulnDb({ dbPath: path, source: base, ecosystems: ['npm'] });
    publish('npm', [
      npmRecord('GHSA-aaaa', '2024-02-01T00:00:00Z', 'left-pad', '1.2.0'),
      npmRecord('GHSA-bbbb', '2024-02-02T00:00:00Z', 'right-pad', '1.0.0'),
    ]);
    requests.length = 0;
    const result = await updateVulnDb({ dbPath: path, source: base, maxIncrementalRecords: 1 });
    expect(result.updates[0]?.mode).toBe('full');
    expect(requests).toEqual(['/npm/modified_id.csv', '/npm/all.zip']);
    expect(result.status.records).toBe(2);
  });

  it('a full refresh drops the records of that ecosystem that are gone upstream', async () => {
    const path = join(dir, 'full-refresh.db');
    publish('npm', [
      npmRecord('GHSA-aaaa', '2024-01-01T00:00:00Z', 'left-pad', '1.1.0'),
      npmRecord('GHSA-bbbb', '2024-01-02T00:00:00Z', 'right-pad', '1.0.0'),
    ]);
    await updateVulnDb({ dbPath: path, source: base, ecosystems: ['npm'] });
    publish('npm', [npmRecord('GHSA-bbbb', '2024-02-02T00:00:00Z', 'right-pad', '1.0.1')]);
    const result = await updateVulnDb({ dbPath: path, source: base, maxIncrementalRecords: 0 });
    expect(result.updates[0]).toEqual(expect.objectContaining({ mode: 'full', records: 1, removed: 2 }));
    expect(result.status.records).toBe(1);
    expect(findingIds(path, [npm('left-pad', '1.0.0'), npm('right-pad', '1.0.0')])).toEqual([
      'right-pad:GHSA-bbbb:1.0.1',
    ]);
  });

  it('a server error fails with VULNDB_FETCH and leaves the old DB as it was', async () => {
    const path = join(dir, 'failing.db');
    publish('npm', [npmRecord('GHSA-aaaa', '2024-01-01T00:00:00Z', 'left-pad', '1.1.0')]);
    await updateVulnDb({ dbPath: path, source: base, ecosystems: ['npm'] });
    const before = await dbStatus(path);
    failWith = 500;
    expect(await codeOf(() => updateVulnDb({ dbPath: path, source: base }))).toBe('VULNDB_FETCH');
    expect(await dbStatus(path)).toEqual(before);
  });

  it('a missing ecosystem export is VULNDB_FETCH', async () => {
    expect(
      await codeOf(() => updateVulnDb({ dbPath: join(dir, 'none.db'), source: base, ecosystems: ['npm'] })),
    ).toBe('VULNDB_FETCH');
  });

  it('a download over the limit is LIMIT_EXCEEDED', async () => {
    publish('npm', [npmRecord('GHSA-aaaa', '2024-01-01T00:00:00Z', 'left-pad', '1.1.0')]);
    const run = () =>
      updateVulnDb({
        dbPath: join(dir, 'big.db'),
        source: base,
        ecosystems: ['npm'],
        limits: { downloadBytes: 100 },
      });
    expect(await codeOf(run)).toBe('LIMIT_EXCEEDED');
  });

  it('a directory or zip source rebuilds the DB from it', async () => {
    const zipPath = join(dir, 'local.zip');
    const a = npmRecord('GHSA-aaaa', '2024-01-01T00:00:00Z', 'left-pad', '1.1.0');
    writeFileSync(zipPath, buildZip([{ name: 'GHSA-aaaa.json', data: Buffer.from(JSON.stringify(a)) }]));
    const result = await updateVulnDb({ dbPath: join(dir, 'local.db'), source: zipPath });
    expect(result.updates).toEqual([
      { ecosystem: zipPath, mode: 'full', records: 1, removed: 0, invalid: 0, issues: [] },
    ]);
    expect(result.status.counts).toEqual({ npm: 1 });
    expect(await codeOf(() => updateVulnDb({ dbPath: join(dir, 'x.db'), source: join(dir, 'nope') }))).toBe(
      'VULNDB_INVALID',
    );
  });
});
