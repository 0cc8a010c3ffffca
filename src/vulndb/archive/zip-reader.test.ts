import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildZip } from '../../../test/builders/zip.ts';
import { mutatedBytes } from '../../../test/support/parser-property.ts';
import { isBosunError } from '../../util/errors.ts';
import { DEFAULT_ZIP_LIMITS, openZip, readZipBuffer, type ZipEntry } from './zip-reader.ts';

const dir = mkdtempSync(join(tmpdir(), 'bosun-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (id: string) => Buffer.from(JSON.stringify({ id, modified: '2024-01-01T00:00:00Z' }));

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    return isBosunError(error) ? error.code : `not a BosunError: ${String(error)}`;
  }
}

describe('zip reader', () => {
  it.each([
    { what: 'deflated', zip64: false, method: 'deflate' as const },
    { what: 'stored', zip64: false, method: 'store' as const },
    { what: 'ZIP64 records', zip64: true, method: 'deflate' as const },
  ])('reads $what entries', async ({ zip64, method }) => {
    const zip = buildZip(
      [
        { name: 'A-1.json', data: record('A-1'), method },
        { name: 'B-2.json', data: record('B-2'), method },
      ],
      { zip64 },
    );
    const entries = await readZipBuffer(zip);
    expect(entries.map((e) => ({ name: e.name, text: e.data.toString() }))).toEqual([
      { name: 'A-1.json', text: record('A-1').toString() },
      { name: 'B-2.json', text: record('B-2').toString() },
    ]);
  });

  it.each([false, true])(
    'reads a zip written by Python zipfile (force_zip64=%s) from a file',
    async (zip64) => {
      const path = join(dir, `py-${zip64}.zip`);
      const script = [
        'import sys, zipfile, json',
        'with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:',
        '  for i in range(300):',
        `    with z.open("GHSA-%04d.json" % i, "w", force_zip64=${zip64 ? 'True' : 'False'}) as f:`,
        '      f.write(json.dumps({"id": "GHSA-%04d" % i, "modified": "2024-01-01T00:00:00Z", "details": "x" * i}).encode())',
      ].join('\n');
      execFileSync('python3', ['-c', script, path]);
      const zip = await openZip(path);
      try {
        expect(zip.entries.length).toBe(300);
        const last = JSON.parse((await zip.read(zip.entries[299]!)).toString()) as {
          id: string;
          details: string;
        };
        expect(last).toEqual({ id: 'GHSA-0299', modified: '2024-01-01T00:00:00Z', details: 'x'.repeat(299) });
      } finally {
        await zip.close();
      }
    },
  );

  it('reads entries in any order, and entries larger than its read window, from a file', async () => {
    // Random bytes do not compress: stored and deflated entries of several MiB span read windows.
    const noise = (n: number, seed: number) => {
      const out = Buffer.alloc(n);
      let x = seed;
      for (let i = 0; i < n; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
      return out;
    };
    const entries = [
      ...Array.from({ length: 2_000 }, (_, i) => ({ name: `R-${i}.json`, data: record(`R-${i}`) })),
      { name: 'big-stored.bin', data: noise(5 * 1024 * 1024, 1), method: 'store' as const },
      { name: 'big-deflated.bin', data: noise(6 * 1024 * 1024, 2) },
      ...Array.from({ length: 2_000 }, (_, i) => ({ name: `S-${i}.json`, data: noise(3_000, i) })),
    ];
    const path = join(dir, 'windows.zip');
    writeFileSync(path, buildZip(entries));
    const expected = new Map(entries.map((e) => [e.name, Buffer.from(e.data).toString('base64')]));
    const orders = {
      file: (list: readonly ZipEntry[]) => [...list],
      reverse: (list: readonly ZipEntry[]) => [...list].reverse(),
      interleaved: (list: readonly ZipEntry[]) => list.map((_, i) => list[(i * 7919) % list.length]!),
    };
    for (const [order, arrange] of Object.entries(orders)) {
      const zip = await openZip(path);
      try {
        const wrong: string[] = [];
        for (const entry of arrange(zip.entries)) {
          if ((await zip.read(entry)).toString('base64') !== expected.get(entry.name)) wrong.push(entry.name);
        }
        expect({ order, wrong }).toEqual({ order, wrong: [] });
      } finally {
        await zip.close();
      }
    }
  });

  it.each([
    {
      what: 'a bomb that declares a small size and inflates to far more',
      zip: () => buildZip([{ name: 'bomb.json', data: Buffer.alloc(5_000_000, 0x20), declaredSize: 2_000 }]),
      code: 'LIMIT_EXCEEDED',
    },
    {
      what: 'an honest entry over the ratio limit',
      zip: () => buildZip([{ name: 'ratio.json', data: Buffer.alloc(200_000, 0x20) }]),
      limits: { ...DEFAULT_ZIP_LIMITS, maxRatio: 100 },
      code: 'LIMIT_EXCEEDED',
    },
    {
      what: 'an entry over the size limit',
      zip: () =>
        buildZip([
          { name: 'big.json', data: Buffer.alloc(1024), declaredSize: DEFAULT_ZIP_LIMITS.maxEntryBytes + 1 },
        ]),
      code: 'LIMIT_EXCEEDED',
    },
    {
      what: 'a CRC-32 mismatch',
      zip: () => buildZip([{ name: 'crc.json', data: record('C-1'), crc32: 1234 }]),
      code: 'VULNDB_INVALID',
    },
    {
      what: 'an entry count the directory cannot hold',
      zip: () => buildZip([{ name: 'a.json', data: record('A') }], { declaredCount: 60_000 }),
      code: 'VULNDB_INVALID',
    },
    {
      what: 'no end record',
      zip: () => Buffer.from('not a zip at all, just some bytes here'),
      code: 'VULNDB_INVALID',
    },
    {
      what: 'truncated',
      zip: () => buildZip([{ name: 'a.json', data: record('A') }]).subarray(0, 40),
      code: 'VULNDB_INVALID',
    },
  ])('$what → $code', async ({ zip, code, limits }) => {
    expect(await codeOf(() => readZipBuffer(zip(), limits))).toBe(code);
  });

  it('limits the entry count', async () => {
    const zip = buildZip(
      Array.from({ length: 5 }, (_, i) => ({ name: `${i}.json`, data: record(String(i)) })),
    );
    expect(await codeOf(() => readZipBuffer(zip, { ...DEFAULT_ZIP_LIMITS, maxEntries: 4 }))).toBe(
      'LIMIT_EXCEEDED',
    );
  });

  it('limits the total size', async () => {
    const zip = buildZip(
      Array.from({ length: 5 }, (_, i) => ({ name: `${i}.json`, data: Buffer.alloc(1000, 0x41) })),
    );
    expect(await codeOf(() => readZipBuffer(zip, { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: 4_500 }))).toBe(
      'LIMIT_EXCEEDED',
    );
  });

  it('reads a zip from disk the same as from memory', async () => {
    const path = join(dir, 'disk.zip');
    writeFileSync(path, buildZip([{ name: 'D-1.json', data: record('D-1') }]));
    const zip = await openZip(path);
    expect((await zip.read(zip.entries[0]!)).toString()).toBe(record('D-1').toString());
    await zip.close();
    expect(readFileSync(path).length).toBeGreaterThan(0);
  });

  it('property: mutated zips give entries or VULNDB_INVALID/LIMIT_EXCEEDED', async () => {
    const seeds = [
      buildZip([
        { name: 'A-1.json', data: record('A-1') },
        { name: 'B-2.json', data: record('B-2'), method: 'store' },
      ]),
      buildZip([{ name: 'Z-1.json', data: record('Z-1') }], { zip64: true }),
    ];
    for (const seed of seeds) {
      await fc.assert(
        fc.asyncProperty(mutatedBytes(seed), async (bytes) => {
          const code = await codeOf(() =>
            readZipBuffer(bytes, { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: 1 << 20 }),
          );
          expect(['ok', 'VULNDB_INVALID', 'LIMIT_EXCEEDED']).toContain(code);
        }),
        { numRuns: 400 },
      );
    }
  });
});
