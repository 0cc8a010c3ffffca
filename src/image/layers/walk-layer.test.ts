import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import {
  buildTar,
  zeroFileTarStream,
  type TarEntrySpec,
  type TarFormat,
} from '../../../test/builders/tar.ts';
import { compressStream, gzip, truncate, zstd } from '../../../test/builders/gzip.ts';
import { sha256 } from '../../../test/builders/layer.ts';
import { readBounded } from './read-bounded.ts';
import type { LayerEntry } from './types.ts';
import { walkLayer, type WalkLayerOptions } from './walk-layer.ts';

function chunked(bytes: Uint8Array, size = 65536): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.byteLength; i += size) parts.push(Buffer.from(bytes.subarray(i, i + size)));
  return Readable.from(parts, { objectMode: false });
}

async function walk(bytes: Uint8Array, options: Partial<WalkLayerOptions> = {}, chunk?: number) {
  const entries: LayerEntry[] = [];
  const bodies = new Map<string, string>();
  const result = await walkLayer(chunked(bytes, chunk), {
    name: 'test-layer',
    onEntry: (e) => entries.push(e),
    wants: () => true,
    onFile: async (e, body) => {
      bodies.set(e.path, (await readBounded(body, 1 << 20, e.path)).toString('utf8'));
    },
    ...options,
  });
  return { entries, bodies, result };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (isBosunError(error)) return error.code;
    throw error;
  }
}

const sample: TarEntrySpec[] = [
  { name: './etc/', type: 'dir' },
  { name: './etc/os-release', body: 'ID=debian\n' },
  { name: '/usr/bin/sh', type: 'symlink', linkname: 'dash' },
  { name: 'usr/bin/dash', body: 'ELF' },
  { name: 'usr/bin/dash2', type: 'hardlink', linkname: './usr/bin/dash' },
  { name: 'var/.wh.cache', body: '' },
  { name: 'opt/app/.wh..wh..opq', body: '' },
  { name: 'dev/null', type: 'char' },
];

describe('walkLayer', () => {
  it.each(['gzip', 'zstd', 'none'] as const)(
    'reads a %s layer: types, whiteouts, bodies',
    async (compression) => {
      const tar = buildTar(sample);
      const blob = compression === 'gzip' ? gzip(tar) : compression === 'zstd' ? zstd(tar) : tar;
      const { entries, bodies, result } = await walk(blob, { diffId: sha256(tar) });
      expect(entries.map((e) => [e.path, e.type, e.linkTarget])).toEqual([
        ['etc', 'dir', undefined],
        ['etc/os-release', 'file', undefined],
        ['usr/bin/sh', 'symlink', 'dash'],
        ['usr/bin/dash', 'file', undefined],
        ['usr/bin/dash2', 'hardlink', 'usr/bin/dash'],
        ['var/cache', 'whiteout', undefined],
        ['opt/app', 'opaque', undefined],
        ['dev/null', 'other', undefined],
      ]);
      expect(Object.fromEntries(bodies)).toEqual({ 'etc/os-release': 'ID=debian\n', 'usr/bin/dash': 'ELF' });
      expect(result).toEqual({
        compression,
        entries: 8,
        compressedBytes: blob.length,
        uncompressedBytes: tar.length,
        diffId: sha256(tar),
        issues: [],
      });
    },
  );

  it.each([1, 7, 511, 512, 513, 4096])(
    'gives the same result whatever the chunking (%i-byte chunks)',
    async (size) => {
      const tar = buildTar(sample, { format: 'gnu' });
      const { entries, bodies } = await walk(tar, {}, size);
      expect(entries.length).toBe(8);
      expect(bodies.get('etc/os-release')).toBe('ID=debian\n');
    },
  );

  it.each(['pax', 'gnu', 'ustar'] as const)(
    'reads long names and link targets (%s)',
    async (format: TarFormat) => {
      const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(90)}.txt`;
      const entries: TarEntrySpec[] = [{ name: long, body: 'long' }];
      if (format !== 'ustar') entries.push({ name: 'l', type: 'symlink', linkname: `/${'t'.repeat(150)}` });
      const got = await walk(buildTar(entries, { format }));
      expect(got.entries.map((e) => [e.path, e.linkTarget])).toEqual(
        format === 'ustar'
          ? [[long, undefined]]
          : [
              [long, undefined],
              ['l', `/${'t'.repeat(150)}`],
            ],
      );
      expect(got.bodies.get(long)).toBe('long');
    },
  );

  it('reads tar-stream pack output (an independent writer)', async () => {
    const pack = tarStream.pack();
    const name = `a/${'x'.repeat(200)}`;
    pack.entry({ name, mtime: new Date(0) }, 'hello');
    pack.entry({ name: 'b', type: 'symlink', linkname: 'a', mtime: new Date(0) });
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
    const got = await walk(gzip(Buffer.concat(chunks)));
    expect(got.entries.map((e) => [e.path, e.type])).toEqual([
      [name, 'file'],
      ['b', 'symlink'],
    ]);
    expect(got.bodies.get(name)).toBe('hello');
  });

  it('skips and records entries that climb above the root, or fails with unsafePaths: error', async () => {
    const tar = buildTar([
      { name: '../../etc/passwd', body: 'root:x:0:0' },
      { name: 'ok/../../x', body: 'x' },
      { name: 'link', type: 'hardlink', linkname: '../../etc/shadow' },
      { name: 'a/../b', body: 'b' },
    ]);
    const got = await walk(tar);
    expect(got.entries.map((e) => e.path)).toEqual(['b']);
    expect(got.result.issues.map((i) => [i.code, i.path])).toEqual([
      ['LAYER_PATH_UNSAFE', '../../etc/passwd'],
      ['LAYER_PATH_UNSAFE', 'ok/../../x'],
      ['LAYER_PATH_UNSAFE', '../../etc/shadow'],
    ]);
    expect(await codeOf(walk(tar, { unsafePaths: 'error' }))).toBe('LAYER_PATH_UNSAFE');
  });

  it.each([
    ['truncated gzip', gzip(buildTar(sample)).subarray(0, 60), 'LAYER_CORRUPT'],
    [
      'truncated zstd',
      truncate(zstd(buildTar([{ name: 'f', body: 'x'.repeat(5000) }])), 0.5),
      'LAYER_CORRUPT',
    ],
    [
      'corrupt gzip body',
      Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), Buffer.alloc(100, 0xff)]),
      'LAYER_CORRUPT',
    ],
    ['bzip2', Buffer.from('BZh91AY&SY'), 'LAYER_COMPRESSION_UNSUPPORTED'],
    ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2]), 'LAYER_COMPRESSION_UNSUPPORTED'],
    ['text', Buffer.from('hello world, not a tar'), 'LAYER_COMPRESSION_UNSUPPORTED'],
    [
      'truncated tar',
      buildTar([{ name: 'f', body: 'x'.repeat(2000) }]).subarray(0, 1024),
      'LAYER_TAR_INVALID',
    ],
    [
      'bad checksum',
      Buffer.concat([Buffer.from(buildTar(sample)).fill(0x31, 148, 150), Buffer.alloc(0)]),
      'LAYER_COMPRESSION_UNSUPPORTED',
    ],
    [
      'bad checksum in a later header',
      gzip(Buffer.from(buildTar(sample)).fill(0x31, 512 * 1 + 148, 512 + 150)),
      'LAYER_TAR_INVALID',
    ],
  ])('%s → %s', async (_name, bytes, code) => {
    expect(await codeOf(walk(bytes))).toBe(code);
  });

  it('empty stream is an empty layer', async () => {
    const got = await walk(Buffer.alloc(0));
    expect(got.result.entries).toBe(0);
  });

  it('fails with IMAGE_DIGEST_MISMATCH when the diff-id is wrong', async () => {
    const tar = buildTar(sample);
    expect(await codeOf(walk(gzip(tar), { diffId: sha256(Buffer.from('other')) }))).toBe(
      'IMAGE_DIGEST_MISMATCH',
    );
  });

  it.each([
    ['entries', { maxEntries: 3 }, 'entries'],
    ['path length', { maxPathLength: 10 }, 'path length'],
    ['total size', { maxTotalBytes: 2048 }, 'total uncompressed size'],
  ])('limit: %s', async (_n, limits, limit) => {
    try {
      await walk(gzip(buildTar(sample)), { limits });
      expect.unreachable();
    } catch (error) {
      expect(isBosunError(error, 'LAYER_LIMIT') && error.details).toMatchObject({
        input: 'test-layer',
        limit,
      });
    }
  });

  it('limit: pax header size', async () => {
    const tar = buildTar([{ name: `${'p'.repeat(3000)}`, body: '' }], { format: 'pax' });
    expect(await codeOf(walk(tar, { limits: { maxHeaderBytes: 1000 } }))).toBe('LAYER_LIMIT');
  });

  it.each(['gzip', 'zstd'] as const)(
    'stops a %s decompression bomb by ratio without inflating it all',
    async (c) => {
      // 1 GiB of zeros, produced and compressed lazily; the walk stops after ratioGraceBytes.
      const bomb = compressStream(zeroFileTarStream('zeros', 1024 ** 3), c);
      const limits = { maxRatio: c === 'gzip' ? 100 : 1000, ratioGraceBytes: 8 * 1024 ** 2 };
      let error: unknown;
      const result = await walkLayer(bomb, { name: 'bomb', limits }).catch((e: unknown) => (error = e));
      expect(result).toBe(error);
      expect(isBosunError(error, 'LAYER_LIMIT') && error.details.limit).toBe('decompression ratio');
    },
  );

  it('drains bodies that the visitor leaves unread and ignores unwanted ones', async () => {
    const big = 'z'.repeat(1_000_000);
    const tar = buildTar([
      { name: 'a', body: big },
      { name: 'b', body: big },
      { name: 'c', body: 'c' },
    ]);
    const seen: string[] = [];
    await walkLayer(chunked(gzip(tar)), {
      name: 'l',
      wants: (e) => e.path !== 'b',
      onFile: async (e, body) => {
        seen.push(e.path);
        if (e.path === 'a') {
          // read a little, then leave
          for await (const _chunk of body) break;
        } else {
          expect((await readBounded(body, 10, e.path)).toString()).toBe('c');
        }
      },
    });
    expect(seen).toEqual(['a', 'c']);
  });

  it('readBounded fails with LAYER_LIMIT and the walk continues with the next entry', async () => {
    const tar = buildTar([
      { name: 'big', body: 'x'.repeat(300_000) },
      { name: 'small', body: 'ok' },
    ]);
    const results: string[] = [];
    await walkLayer(chunked(tar), {
      name: 'l',
      wants: () => true,
      onFile: async (e, body) => {
        results.push(
          await readBounded(body, 1000, e.path).then(
            (b) => b.toString(),
            (err: unknown) => (isBosunError(err) ? err.code : 'other'),
          ),
        );
      },
    });
    expect(results).toEqual(['LAYER_LIMIT', 'ok']);
  });

  it('propagates a visitor error and the source error', async () => {
    const tar = buildTar(sample);
    await expect(
      walkLayer(chunked(tar), {
        name: 'l',
        wants: () => true,
        onFile: () => Promise.reject(new Error('visitor failed')),
      }),
    ).rejects.toThrow('visitor failed');
    const failing = new Readable({
      read() {
        this.destroy(new Error('socket reset'));
      },
    });
    await expect(walkLayer(failing, { name: 'l' })).rejects.toThrow('socket reset');
  });

  it('aborts with ABORTED', async () => {
    const controller = new AbortController();
    const endless = new Readable({ read() {} });
    endless.push(gzip(buildTar(sample)).subarray(0, 20));
    const walking = walkLayer(endless, { name: 'l', signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect(await codeOf(walking)).toBe('ABORTED');
  });
});

describe('walkLayer on GNU tar output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-gnutar-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, 'root');
  const deep = join('a'.repeat(80), 'b'.repeat(80), 'c'.repeat(80));
  mkdirSync(join(root, deep), { recursive: true });
  writeFileSync(join(root, deep, `${'n'.repeat(120)}.txt`), 'deep file\n');
  writeFileSync(join(root, 'top'), 'top\n');
  execFileSync('ln', ['-s', `../${'t'.repeat(120)}`, join(root, 'lnk')]);
  execFileSync('ln', [join(root, 'top'), join(root, 'top-hard')]);

  it.each(['gnu', 'posix', 'ustar'])('--format=%s', async (format) => {
    const out = join(dir, `${format}.tar`);
    const args = [
      '--sort=name',
      '--owner=0',
      '--group=0',
      '--mtime=@0',
      `--format=${format}`,
      '-C',
      root,
      '-cf',
      out,
      '.',
    ];
    if (format === 'ustar') {
      // ustar cannot hold these names: GNU tar refuses them, which is the point of pax/gnu.
      expect(() => execFileSync('tar', args, { stdio: 'pipe' })).toThrow();
      return;
    }
    execFileSync('tar', args);
    const tar = readFileSync(out);
    const got = await walk(gzip(tar), { diffId: sha256(tar) });
    const long = `${deep}/${'n'.repeat(120)}.txt`;
    expect(got.entries.map((e) => [e.path, e.type, e.linkTarget]).sort()).toEqual(
      [
        ['a'.repeat(80), 'dir', undefined],
        [join('a'.repeat(80), 'b'.repeat(80)), 'dir', undefined],
        [deep, 'dir', undefined],
        [long, 'file', undefined],
        ['lnk', 'symlink', `../${'t'.repeat(120)}`],
        ['top', 'file', undefined],
        ['top-hard', 'hardlink', 'top'],
      ].sort(),
    );
    expect(got.bodies.get(long)).toBe('deep file\n');
  });
});

describe('walkLayer on archives cut between records', () => {
  const tar = buildTar(
    [
      { name: 'etc/os-release', body: 'ID=alpine\n' },
      { name: `long/${'x'.repeat(150)}`, body: 'pax' },
    ],
    { format: 'pax' },
  );

  it.each([
    ['after a whole entry (no end-of-archive blocks)', 1024, 'ok'],
    ['after a pax record, before the entry it describes', 2048, 'LAYER_TAR_INVALID'],
    ['the whole archive', tar.length, 'ok'],
  ])('%s', async (_name, cut, expected) => {
    const outcome = await walkLayer(Readable.from([tar.subarray(0, cut)]), {
      name: 'cut',
      wants: () => false,
    }).then(
      () => 'ok',
      (error: unknown) => (isBosunError(error) ? error.code : 'other'),
    );
    expect(outcome).toBe(expected);
  });
});
