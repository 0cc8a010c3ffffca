import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutatedText } from '../../../test/support/parser-property.ts';
import { analyzers } from '../registry.ts';
import {
  layerCacheKey,
  openLayerCache,
  parseCachedLayer,
  pruneLayerCache,
  readCachedLayer,
  serializeLayer,
  writeCachedLayer,
} from './layer-cache.ts';
import {
  decodeEntries,
  encodeEntries,
  isPackedPaths,
  packPaths,
  unpackPaths,
  type LayerRecord,
  type RecordEntry,
} from './layer-record.ts';

const DIFF_ID = `sha256:${'a'.repeat(64)}`;
const KEY = layerCacheKey(DIFF_ID, analyzers, 1024);

const RECORD: LayerRecord = {
  diffId: DIFF_ID,
  uncompressedBytes: 1234,
  entries: [
    { path: '', type: 'opaque' },
    { path: 'usr', type: 'dir' },
    { path: 'usr/bin', type: 'dir' },
    { path: 'usr/bin/sh', type: 'symlink', linkTarget: 'dash' },
    { path: 'usr/bin/dash', type: 'file' },
    { path: 'usr/bin/rbash', type: 'hardlink', linkTarget: 'usr/bin/dash' },
    { path: 'var/lib/old', type: 'whiteout' },
  ],
  results: [
    {
      analyzer: 'dpkg',
      path: 'var/lib/dpkg/status',
      result: {
        packages: [
          {
            ecosystem: 'deb',
            name: 'dash',
            version: '0.5.12-2',
            arch: 'amd64',
            licenses: [],
            purl: 'pkg:deb/debian/dash@0.5.12-2?arch=amd64',
            locations: [{ path: 'var/lib/dpkg/status', layerDigest: 'sha256:x' }],
            osOwned: true,
            properties: { multiArch: 'foreign' },
          },
        ],
        issues: [],
        ownedFiles: ['usr/bin/dash', 'usr/bin/sh', 'usr/share/doc/dash/copyright'],
        facts: [{ kind: 'dpkg-status-d' }],
        kind: 'installed',
      },
    },
  ],
  issues: [{ analyzer: 'layer', path: '../x', code: 'LAYER_PATH_UNSAFE', message: 'climbs' }],
};

const ENTRY_TYPES = ['file', 'dir', 'symlink', 'hardlink', 'other', 'whiteout', 'opaque'] as const;
const entryArb: fc.Arbitrary<RecordEntry> = fc
  .tuple(
    fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\u0000')),
    fc.constantFrom(...ENTRY_TYPES),
    fc.option(
      fc.string({ maxLength: 20 }).filter((s) => !s.includes('\u0000')),
      { nil: undefined },
    ),
  )
  .map(([path, type, linkTarget]) =>
    linkTarget === undefined ? { path, type } : { path, type, linkTarget },
  );

/** A record read from the cache keeps owned-file lists packed: unpack them to compare. */
function unpacked(record: LayerRecord | undefined): LayerRecord | undefined {
  if (record === undefined) return undefined;
  return {
    ...record,
    results: record.results.map(({ ownedPacked, ...file }) =>
      ownedPacked === undefined
        ? file
        : { ...file, result: { ...file.result, ownedFiles: unpackPaths(ownedPacked) ?? [] } },
    ),
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bosun-layer-cache-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('layer record entries', () => {
  it('front coding round-trips any entry list', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 50 }), (entries) => {
        expect(decodeEntries(encodeEntries(entries))).toEqual(entries);
      }),
    );
  });

  it('packed path lists round-trip any newline-free paths', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 30 }).filter((p) => !p.includes('\n'))), (paths) => {
        expect(unpackPaths(packPaths(paths))).toEqual(paths);
        expect(isPackedPaths(packPaths(paths))).toBe(true);
      }),
    );
    expect(packPaths(['usr/bin/a', 'usr/bin/b'])).toBe('0 usr/bin/a\n8 b');
    expect(unpackPaths('9 x')).toBeUndefined();
    expect(unpackPaths('-1 x')).toBeUndefined();
  });

  it('the packed-form check agrees with unpacking on any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 60 }),
          mutatedText(packPaths(['usr/bin/a', 'usr/bin/b', 'usr/lib/c'])),
        ),
        (text) => {
          expect(isPackedPaths(text)).toBe(unpackPaths(text) !== undefined);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('front coding shares prefixes', () => {
    expect(
      encodeEntries([
        { path: 'usr/lib/a', type: 'file' },
        { path: 'usr/lib/b', type: 'symlink', linkTarget: 'a' },
      ]),
    ).toEqual(['0Fusr/lib/a', '8Sb\u0000a']);
  });

  it.each([[['5Fx']], [['0Xabc']], [['Fabc']], [[42]], [['0F']]])('rejects malformed items %j', (items) => {
    expect(decodeEntries(items)).toBeUndefined();
  });
});

describe('layer cache files', () => {
  it('serialises and parses a record back exactly', () => {
    const text = serializeLayer(RECORD, KEY, DIFF_ID, analyzers);
    expect(text).toContain('"ownedFilesPacked":"0 usr/bin/dash\\n8 sh\\n4 share/doc/dash/copyright"');
    const parsed = parseCachedLayer(text, KEY, DIFF_ID);
    expect(parsed?.results[0]?.result.ownedFiles).toBeUndefined();
    expect(unpacked(parsed)).toEqual(RECORD);
    // Written again as read, it is the same file.
    expect(serializeLayer(parsed as LayerRecord, KEY, DIFF_ID, analyzers)).toBe(text);
    expect(
      parseCachedLayer(text.replace('"0 usr/bin/dash', '"9 usr/bin/dash'), KEY, DIFF_ID),
    ).toBeUndefined();
    expect(parseCachedLayer(text, KEY, `sha256:${'b'.repeat(64)}`)).toBeUndefined();
  });

  it('any corruption of a cache file yields the record or a miss, never an exception', () => {
    const text = serializeLayer(RECORD, KEY, DIFF_ID, analyzers);
    fc.assert(
      fc.property(mutatedText(text), (mutated) => {
        const parsed = parseCachedLayer(mutated, KEY, DIFF_ID);
        if (parsed !== undefined) expect(parsed.diffId).toBe(DIFF_ID);
      }),
      { numRuns: 500 },
    );
  });

  it('writes atomically and reads back; the key depends on diff-id, analyzers and the entry cap', async () => {
    const cache = openLayerCache(join(dir, 'rw'));
    expect(await writeCachedLayer(cache, KEY, DIFF_ID, RECORD, analyzers)).toBe(true);
    expect(unpacked(await readCachedLayer(cache, KEY, DIFF_ID))).toEqual(RECORD);
    expect(await readdir(cache.dir)).toEqual([`${KEY}.json`]);
    expect(
      new Set([
        KEY,
        layerCacheKey(DIFF_ID, analyzers.slice(1), 1024),
        layerCacheKey(DIFF_ID, analyzers, 2048),
      ]).size,
    ).toBe(3);
    expect(await readCachedLayer(cache, layerCacheKey(DIFF_ID, analyzers, 2048), DIFF_ID)).toBeUndefined();
  });

  it('does not read a file over the size limit', async () => {
    const cache = openLayerCache(join(dir, 'big'));
    await writeCachedLayer(cache, KEY, DIFF_ID, RECORD, analyzers);
    const strict = openLayerCache(join(dir, 'big'), { maxFileBytes: 10 });
    expect(await readCachedLayer(strict, KEY, DIFF_ID)).toBeUndefined();
    expect(await writeCachedLayer(strict, KEY, DIFF_ID, RECORD, analyzers)).toBe(false);
  });

  it('prunes least recently used files first, and stale temp files', async () => {
    const cache = openLayerCache(join(dir, 'prune'));
    const keys = ['1', '2', '3'].map((n) => layerCacheKey(`sha256:${n.repeat(64)}`, analyzers, 1024));
    for (const [i, key] of keys.entries()) {
      await writeCachedLayer(cache, key, `sha256:${String(i + 1).repeat(64)}`, { ...RECORD }, analyzers);
      const time = new Date(Date.UTC(2024, 0, 1 + i));
      await utimes(join(cache.dir, `${key}.json`), time, time);
    }
    await writeFile(join(cache.dir, `${keys[0]}.json.tmp-1-abc`), 'partial');
    await utimes(join(cache.dir, `${keys[0]}.json.tmp-1-abc`), new Date(0), new Date(0));
    // Reading the oldest makes it the most recently used.
    expect(await readCachedLayer(cache, keys[0] as string, `sha256:${'1'.repeat(64)}`)).toBeDefined();
    const size = Buffer.byteLength(
      serializeLayer(RECORD, keys[0] as string, `sha256:${'1'.repeat(64)}`, analyzers),
    );
    const bounded = openLayerCache(join(dir, 'prune'), { maxTotalBytes: size * 2 });
    expect(await pruneLayerCache(bounded)).toBe(2);
    expect((await readdir(cache.dir)).sort()).toEqual([`${keys[0]}.json`, `${keys[2]}.json`].sort());
  });
});
