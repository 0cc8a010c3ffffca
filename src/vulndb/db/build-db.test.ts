import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { osvRecord, range, syntheticOsvRecords } from '../../../test/builders/osv.ts';
import { buildZip } from '../../../test/builders/zip.ts';
import { isBosunError } from '../../util/errors.ts';
import { buildVulnDb } from './build-db.ts';
import { dbStatus } from './db-status.ts';

const dir = mkdtempSync(join(tmpdir(), 'bosun-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHARED_GHSA = fileURLToPath(new URL('../../../../shared/osv/ghsa', import.meta.url));
const NOW = new Date('2026-01-02T03:04:05Z');

function recordFile(id: string, name = 'left-pad') {
  const record = osvRecord({
    id,
    aliases: [`CVE-2024-${id.length}`],
    affected: [
      { ecosystem: 'npm', name, ranges: [range('SEMVER', ['introduced', '0'], ['fixed', '1.0.0'])] },
    ],
  });
  return { name: `${id}.json`, bytes: Buffer.from(JSON.stringify(record)) };
}

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    return isBosunError(error) ? error.code : `not a BosunError: ${String(error)}`;
  }
}

describe('buildVulnDb and dbStatus', () => {
  it('imports a directory of real records and reports counts per ecosystem', async () => {
    const path = join(dir, 'ghsa.db');
    const [result] = await buildVulnDb(path, [{ kind: 'dir', path: SHARED_GHSA }], { now: NOW });
    expect(result).toEqual({
      source: SHARED_GHSA,
      imported: 46,
      withdrawn: 0,
      invalid: 0,
      issues: [],
      lastModified: expect.any(String),
    });
    const status = await dbStatus(path);
    expect({ ...status, sizeBytes: status.sizeBytes > 0 }).toEqual({
      path,
      schemaVersion: 3,
      builtAt: NOW.toISOString(),
      records: 46,
      withdrawn: 0,
      counts: { PyPI: 15, npm: 31 },
      sources: [
        {
          name: SHARED_GHSA,
          source: SHARED_GHSA,
          importedAt: NOW.toISOString(),
          lastModified: result?.lastModified,
          records: 46,
        },
      ],
      sizeBytes: true,
    });
  });

  it('imports a zip, reports invalid records without stopping, and replaces records by id', async () => {
    const zipPath = join(dir, 'all.zip');
    writeFileSync(
      zipPath,
      buildZip([
        { name: 'A-1.json', data: recordFile('A-1').bytes },
        { name: 'broken.json', data: Buffer.from('{"id": "B-1", ') },
        { name: 'README.txt', data: Buffer.from('not a record') },
        { name: 'A-1-again.json', data: recordFile('A-1', 'other').bytes },
      ]),
    );
    const path = join(dir, 'zip.db');
    const [result] = await buildVulnDb(path, [{ kind: 'zip', path: zipPath }], { now: NOW });
    expect(result?.imported).toBe(2);
    expect(result?.invalid).toBe(1);
    expect(result?.issues).toEqual([
      { file: 'broken.json', code: 'VULNDB_INVALID', message: expect.any(String) },
    ]);
    expect((await dbStatus(path)).records).toBe(1);
  });

  it('strict mode stops at the first invalid record and keeps the old DB', async () => {
    const path = join(dir, 'strict.db');
    await buildVulnDb(path, [{ kind: 'files', label: 'old', files: [recordFile('OLD-1')] }], { now: NOW });
    const files = [recordFile('NEW-1'), { name: 'bad.json', bytes: Buffer.from('[]') }];
    expect(
      await codeOf(() => buildVulnDb(path, [{ kind: 'files', label: 'new', files }], { strict: true })),
    ).toBe('VULNDB_INVALID');
    expect((await dbStatus(path)).sources.map((s) => s.name)).toEqual(['old']);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('an import aborted midway leaves the old DB readable with its old counts', async () => {
    const path = join(dir, 'abort.db');
    await buildVulnDb(
      path,
      [{ kind: 'files', label: 'old', files: [recordFile('OLD-1'), recordFile('OLD-2')] }],
      { now: NOW },
    );
    const controller = new AbortController();
    const files = [...syntheticOsvRecords(3_000, 100)].map((r, i) => ({
      name: `${i}.json`,
      bytes: Buffer.from(JSON.stringify(r)),
    }));
    const code = await codeOf(() =>
      buildVulnDb(path, [{ kind: 'files', label: 'new', files }], {
        batchSize: 500,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.records >= 1_000) controller.abort();
        },
      }),
    );
    expect(code).toBe('ABORTED');
    const status = await dbStatus(path);
    expect({ records: status.records, counts: status.counts }).toEqual({ records: 2, counts: { npm: 2 } });
  });

  it('a process killed mid-import leaves the old DB readable; the next build removes its temp file', async () => {
    const path = join(dir, 'killed.db');
    await buildVulnDb(path, [{ kind: 'files', label: 'old', files: [recordFile('OLD-1')] }], { now: NOW });
    const script = `
      import { buildVulnDb } from ${JSON.stringify(new URL('./build-db.ts', import.meta.url).href)};
      import { syntheticOsvRecords } from ${JSON.stringify(new URL('../../../test/builders/osv.ts', import.meta.url).href)};
      function* files() { let i = 0; for (const r of syntheticOsvRecords(1e7, 1000)) yield { name: (i++) + '.json', bytes: Buffer.from(JSON.stringify(r)) }; }
      await buildVulnDb(${JSON.stringify(path)}, [{ kind: 'files', label: 'new', files: files() }], {
        batchSize: 1000, onProgress: (p) => { if (p.records === 5000) process.stdout.write('busy\\n'); },
      });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('busy')) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    await new Promise((resolve) => child.on('close', resolve));
    const left = readdirSync(dir).filter((name) => name.startsWith('.killed.db.'));
    expect([
      left.some((name) => name.endsWith('.tmp')),
      left.some((name) => name.endsWith('.tmp-staging')),
    ]).toEqual([true, true]);
    expect((await dbStatus(path)).records).toBe(1);
    await buildVulnDb(
      path,
      [{ kind: 'files', label: 'next', files: [recordFile('NEXT-1'), recordFile('NEXT-2')] }],
      { now: NOW },
    );
    expect((await dbStatus(path)).records).toBe(2);
    expect(readdirSync(dir).filter((name) => name.startsWith('.killed.db.'))).toEqual([]);
  });

  it.each([
    { what: 'no DB file', setup: () => join(dir, 'missing.db'), code: 'VULNDB_MISSING' },
    {
      what: 'a file that is not a Bosun DB',
      setup: () => {
        const path = join(dir, 'not-a-db.db');
        writeFileSync(path, 'hello');
        return path;
      },
      code: 'VULNDB_STALE',
    },
  ])('dbStatus: $what → $code', async ({ setup, code }) => {
    expect(await codeOf(() => dbStatus(setup()))).toBe(code);
  });

  it('a zip bomb stops the build with LIMIT_EXCEEDED and no DB appears', async () => {
    const zipPath = join(dir, 'bomb.zip');
    writeFileSync(
      zipPath,
      buildZip([{ name: 'bomb.json', data: Buffer.alloc(20_000_000, 0x20), declaredSize: 1_000 }]),
    );
    const path = join(dir, 'bomb.db');
    expect(await codeOf(() => buildVulnDb(path, [{ kind: 'zip', path: zipPath }]))).toBe('LIMIT_EXCEEDED');
    expect(existsSync(path)).toBe(false);
  });
});
