import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRpmNdb, zlibAdler32 } from '../../../../test/builders/rpm-ndb.ts';
import { mutatedBytes, valueOrBosunError } from '../../../../test/support/parser-property.ts';
import {
  BDB_VARIANTS,
  rpmFixture,
  rpmListFiles,
  rpmQueryAll,
  type RpmFixture,
} from '../../../../test/support/rpm-db.ts';
import type { AnalyzerInput } from '../../analyzer.ts';
import type { Package } from '../../types.ts';
import { readBdbValues } from './rpm-bdb.ts';
import { parseRpmHeader } from './rpm-header.ts';
import { adler32, readNdbBlobs } from './rpm-ndb.ts';
import { parseSourceRpm, rpmPackageFromHeader } from './rpm-package.ts';
import { readRpmSqliteBlobs } from './rpm-sqlite.ts';
import { readRpmBlobs, rpmAnalyzer } from './rpm.ts';

const LOCATION = { path: 'var/lib/rpm/rpmdb.sqlite' };

function inputOf(path: string, bytes: Uint8Array): AnalyzerInput {
  return { path, size: bytes.byteLength, read: async () => bytes };
}

/** The row `rpm -qa --qf` prints for a package we parsed. */
function qaRow(pkg: Package): string {
  const epoch = pkg.properties?.['epoch'] ?? '(none)';
  const evr = pkg.version.replace(/^\d+:/, '');
  const dash = evr.lastIndexOf('-');
  return [
    pkg.name,
    epoch,
    evr.slice(0, dash),
    evr.slice(dash + 1),
    pkg.arch ?? '(none)',
    pkg.licenses[0] ?? '(none)',
    pkg.properties?.['sourceRpm'] ?? '(none)',
    pkg.properties?.['modularityLabel'] ?? '(none)',
  ].join(' ');
}

let fixture: RpmFixture;
let sqliteBytes: Uint8Array;
let blobs: Uint8Array[];

beforeAll(async () => {
  fixture = await rpmFixture();
  sqliteBytes = await readFile(join(fixture.sqliteDbPath, 'rpmdb.sqlite'));
  blobs = await readRpmSqliteBlobs(sqliteBytes, 'rpmdb.sqlite', { maxPackages: 10 });
});

describe('rpm analyzer on databases written by rpm and libdb', () => {
  it('reads the SQLite rpmdb exactly as rpm -qa does', async () => {
    const result = await rpmAnalyzer.analyze(inputOf('var/lib/rpm/rpmdb.sqlite', sqliteBytes), {});
    expect(result.issues).toEqual([]);
    expect(result.packages.map(qaRow).sort()).toEqual(await rpmQueryAll(fixture.sqliteDbPath, 'sqlite'));
  });

  it('owns the files rpm -ql lists', async () => {
    const result = await rpmAnalyzer.analyze(inputOf('usr/lib/sysimage/rpm/rpmdb.sqlite', sqliteBytes), {});
    const expected: string[] = [];
    for (const name of ['bosun-big', 'bosun-hello', 'bosun-tiny']) {
      for (const path of await rpmListFiles(fixture.sqliteDbPath, name))
        expected.push(path.replace(/^\//, ''));
    }
    expect([...(result.ownedFiles ?? [])].sort()).toEqual(expected.sort());
    expect(result.ownedFiles).toHaveLength(625);
  });

  it('builds rpm versions, purls and properties', async () => {
    const result = await rpmAnalyzer.analyze(inputOf('var/lib/rpm/rpmdb.sqlite', sqliteBytes), {});
    const byName = new Map(result.packages.map((p) => [p.name, p]));
    expect(byName.get('bosun-hello')).toEqual({
      ecosystem: 'rpm',
      name: 'bosun-hello',
      version: '2:1.2.3-4',
      sourceName: 'bosun-hello',
      sourceVersion: '2:1.2.3-4',
      arch: 'noarch',
      licenses: ['MIT and (GPLv2+ or BSD)'],
      purl: 'pkg:rpm/bosun-hello@1.2.3-4?arch=noarch&epoch=2',
      locations: [{ path: 'var/lib/rpm/rpmdb.sqlite' }],
      osOwned: true,
      properties: { sourceRpm: 'bosun-hello-1.2.3-4.src.rpm', epoch: '2' },
    });
    expect(byName.get('bosun-tiny')?.properties).toEqual({
      sourceRpm: 'bosun-tiny-0.1-1.src.rpm',
      modularityLabel: 'bosun:1:2:3',
    });
    expect(byName.get('bosun-big')?.version).toEqual('7.0.1-2.el9');
  });

  it.each(BDB_VARIANTS.map((v) => [v.join('-')]))(
    'reads Berkeley DB %s as rpm (bdb_ro) does',
    async (variant) => {
      const dbPath = fixture.bdbDbPaths[variant] ?? '';
      const bytes = await readFile(join(dbPath, 'Packages'));
      const result = await rpmAnalyzer.analyze(inputOf('var/lib/rpm/Packages', bytes), {});
      expect(result.issues).toEqual([]);
      const fromRpm = await rpmQueryAll(dbPath, 'bdb_ro');
      expect(fromRpm).toHaveLength(3);
      expect(result.packages.map(qaRow).sort()).toEqual(fromRpm);
      expect(result.ownedFiles).toHaveLength(625);
    },
  );

  it('reads an NDB Packages.db built from the same headers', async () => {
    const bytes = buildRpmNdb(blobs, { freeSlotsFirst: 2 });
    const result = await rpmAnalyzer.analyze(inputOf('usr/lib/sysimage/rpm/Packages.db', bytes), {});
    expect(result.packages.map(qaRow).sort()).toEqual(await rpmQueryAll(fixture.sqliteDbPath, 'sqlite'));
  });

  it('reports a corrupt header as an issue and keeps the other packages', async () => {
    const broken = blobs[0]?.slice() ?? new Uint8Array();
    new DataView(broken.buffer).setUint32(4, 0x0fffffff, false); // data length past the blob
    const result = await rpmAnalyzer.analyze(
      inputOf('usr/lib/sysimage/rpm/Packages.db', buildRpmNdb([broken, ...blobs.slice(1)])),
      {},
    );
    expect(result.packages).toHaveLength(2);
    expect(result.issues.map((issue) => [issue.analyzer, issue.code, issue.path])).toEqual([
      ['rpm', 'INVENTORY_PARSE', 'usr/lib/sysimage/rpm/Packages.db'],
    ]);
  });
});

describe('rpm formats', () => {
  it.each([
    ['bash-5.1.8-6.el9.src.rpm', { name: 'bash', version: '5.1.8-6.el9' }],
    ['python3-pip-21.2.3-7.el9.nosrc.rpm', { name: 'python3-pip', version: '21.2.3-7.el9' }],
    ['(none)', undefined],
    [undefined, undefined],
  ])('source rpm %s', (value, expected) => {
    expect(parseSourceRpm(value)).toEqual(expected);
  });

  it('computes Adler-32 as zlib does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20_000 }), (data) => {
        expect(adler32(data)).toEqual(zlibAdler32(data));
      }),
      { numRuns: 50 },
    );
  });

  it.each([
    ['not sqlite', new TextEncoder().encode('definitely not a database'.repeat(10))],
    [
      'sqlite magic then garbage',
      new Uint8Array([...new TextEncoder().encode('SQLite format 3\0'), ...new Uint8Array(4000).fill(7)]),
    ],
  ])('rejects %s as INVENTORY_PARSE', async (_name, bytes) => {
    await expect(readRpmBlobs(bytes, 'rpmdb.sqlite')).rejects.toMatchObject({ code: 'INVENTORY_PARSE' });
  });

  it('rejects an NDB blob whose checksum does not match', () => {
    const bytes = buildRpmNdb(blobs);
    bytes[4096 + 16 + 100] = (bytes[4096 + 16 + 100] ?? 0) ^ 0xff;
    expect(() => readNdbBlobs(bytes, 'Packages.db', { maxValues: 10 })).toThrow(
      expect.objectContaining({ code: 'INVENTORY_PARSE' }),
    );
  });

  it('enforces the package limit in every backend', async () => {
    const bdb = await readFile(join(fixture.bdbDbPaths['hash-4096-1234'] ?? '', 'Packages'));
    const limit = expect.objectContaining({ code: 'INVENTORY_LIMIT' });
    expect(() => readBdbValues(bdb, 'Packages', { maxValues: 2 })).toThrow(limit);
    expect(() => readNdbBlobs(buildRpmNdb(blobs), 'Packages.db', { maxValues: 2 })).toThrow(limit);
    await expect(readRpmSqliteBlobs(sqliteBytes, 'rpmdb.sqlite', { maxPackages: 2 })).rejects.toMatchObject({
      code: 'INVENTORY_LIMIT',
    });
  });

  it.each([
    ['var/lib/rpm/rpmdb.sqlite', true],
    ['var/lib/rpm/Packages', true],
    ['usr/lib/sysimage/rpm/Packages.db', true],
    ['usr/lib/sysimage/rpm/rpmdb.sqlite', true],
    ['var/lib/rpm/rpmdb.sqlite-wal', false],
    ['var/lib/rpm/Name', false],
  ])('wants(%s) = %s', (path, expected) => {
    expect(rpmAnalyzer.wants(path, { size: 1, type: 'file' })).toEqual(expected);
  });
});

describe('rpm parsers on random and mutated bytes (property)', () => {
  const codes = ['INVENTORY_PARSE', 'INVENTORY_LIMIT'] as const;

  it('header parser: a package or a BosunError', () => {
    const seed = blobs[1] ?? new Uint8Array();
    fc.assert(
      fc.property(mutatedBytes(seed), (bytes) => {
        valueOrBosunError(() => rpmPackageFromHeader(parseRpmHeader(bytes, 'h'), LOCATION, 10_000), codes);
      }),
      { numRuns: 1000 },
    );
  });

  it('Berkeley DB reader: values or a BosunError', async () => {
    for (const variant of ['hash-65536-1234', 'btree-4096-1234']) {
      const seed = new Uint8Array(await readFile(join(fixture.bdbDbPaths[variant] ?? '', 'Packages')));
      fc.assert(
        fc.property(mutatedBytes(seed), (bytes) => {
          const values = valueOrBosunError(() => readBdbValues(bytes, 'Packages', { maxValues: 20 }), codes);
          if (values !== undefined) {
            expect(values.length).toBeLessThanOrEqual(20);
            for (const value of values) expect(value.byteLength).toBeLessThanOrEqual(bytes.byteLength);
          }
        }),
        { numRuns: 150 },
      );
    }
  });

  it('SQLite reader: blobs or a BosunError (SQLite errors become INVENTORY_PARSE)', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedBytes(sqliteBytes), async (bytes) => {
        try {
          await readRpmSqliteBlobs(bytes, 'rpmdb.sqlite', { maxPackages: 20 });
        } catch (error) {
          expect(error).toMatchObject({ code: expect.stringMatching(/^INVENTORY_(PARSE|LIMIT)$/) });
        }
      }),
      { numRuns: 60 },
    );
  });

  it('NDB reader: blobs or a BosunError', () => {
    const seed = buildRpmNdb(blobs.slice(0, 2));
    fc.assert(
      fc.property(mutatedBytes(seed), (bytes) => {
        valueOrBosunError(() => readNdbBlobs(bytes, 'Packages.db', { maxValues: 20 }), codes);
      }),
      { numRuns: 500 },
    );
  });
});
