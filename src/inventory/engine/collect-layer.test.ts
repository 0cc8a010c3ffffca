import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildLayer } from '../../../test/builders/layer.ts';
import { readInput, type Analyzer } from '../analyzer.ts';
import { collectDirectory, collectLayer } from './collect-layer.ts';

/** An analyzer that records what it was offered and read (the engine's side of the contract). */
function probe(id: string, match: RegExp, max = 1024): Analyzer & { offered: string[]; read: string[] } {
  const offered: string[] = [];
  const read: string[] = [];
  return {
    id,
    version: 1,
    offered,
    read,
    wants(path, info) {
      offered.push(`${path}:${info.size}`);
      return match.test(path);
    },
    async analyze(input) {
      const bytes = await readInput(input, max);
      read.push(`${input.path}=${Buffer.from(bytes).toString('utf8')}`);
      return {
        packages: [],
        issues: [],
        ownedFiles: [`${id}:${input.path}:${input.layerDigest ?? '-'}:${input.diffId ?? '-'}`],
      };
    },
  };
}

describe('collectLayer', () => {
  const layer = buildLayer([
    { name: 'etc/', type: 'dir' },
    { name: 'etc/a.conf', body: 'alpha' },
    { name: 'etc/b.conf', body: 'bravo' },
    { name: 'etc/link', type: 'symlink', linkname: 'a.conf' },
    { name: 'etc/big.conf', body: 'x'.repeat(5000) },
    { name: 'etc/.wh.old', body: '' },
    { name: 'var/.wh..wh..opq', body: '' },
  ]);

  it('offers every regular file to every analyzer once; a file two analyzers want is read for both', async () => {
    const one = probe('one', /\.conf$/);
    const two = probe('two', /a\.conf$/);
    const record = await collectLayer(Readable.from([layer.blob]), {
      name: 'layer',
      analyzers: [one, two],
      layerDigest: layer.digest,
      diffId: layer.diffId,
    });
    expect(one.offered).toEqual(['etc/a.conf:5', 'etc/b.conf:5', 'etc/big.conf:5000']);
    expect(two.offered).toEqual(one.offered);
    expect(one.read).toEqual(['etc/a.conf=alpha', 'etc/b.conf=bravo']);
    expect(two.read).toEqual(['etc/a.conf=alpha']);
    expect(record.results.map((r) => `${r.analyzer} ${r.path}`)).toEqual([
      'one etc/a.conf',
      'two etc/a.conf',
      'one etc/b.conf',
      'one etc/big.conf',
    ]);
    expect(record.results[0]?.result.ownedFiles).toEqual([`one:etc/a.conf:${layer.digest}:${layer.diffId}`]);
    // A file over the analyzer's limit is an issue, not a stop.
    expect(record.results[3]?.result.issues.map((i) => i.code)).toEqual(['INVENTORY_LIMIT']);
    expect(record.entries).toEqual([
      { path: 'etc', type: 'dir' },
      { path: 'etc/a.conf', type: 'file' },
      { path: 'etc/b.conf', type: 'file' },
      { path: 'etc/link', type: 'symlink', linkTarget: 'a.conf' },
      { path: 'etc/big.conf', type: 'file' },
      { path: 'etc/old', type: 'whiteout' },
      { path: 'var', type: 'opaque' },
    ]);
    expect(record.diffId).toBe(layer.diffId);
  });

  it('caps what any analyzer may buffer at maxBufferedEntryBytes', async () => {
    const greedy = probe('greedy', /big\.conf$/, 1 << 20);
    const record = await collectLayer(Readable.from([layer.blob]), {
      name: 'layer',
      analyzers: [greedy],
      limits: { maxBufferedEntryBytes: 4096 },
    });
    expect(greedy.read).toEqual([]);
    expect(record.results[0]?.result.issues).toMatchObject([
      { code: 'INVENTORY_LIMIT', path: 'etc/big.conf' },
    ]);
    expect(record.diffId).toBe(layer.diffId);
  });

  it('a path written twice in one tar keeps only the last entry (as extraction does)', async () => {
    const twice = buildLayer([
      { name: 'etc/a.conf', body: 'first' },
      { name: 'etc/b.conf', body: 'kept' },
      { name: 'etc/a.conf', body: 'second' },
      { name: 'etc/b.conf', type: 'symlink', linkname: 'a.conf' },
    ]);
    const content: Analyzer = {
      id: 'content',
      version: 1,
      wants: (path) => path.endsWith('.conf'),
      analyze: async (input) => ({
        packages: [],
        issues: [],
        ownedFiles: [`${input.path}=${Buffer.from(await readInput(input, 100)).toString('utf8')}`],
      }),
    };
    const record = await collectLayer(Readable.from([twice.blob]), { name: 'layer', analyzers: [content] });
    expect(record.results.map((r) => r.result.ownedFiles)).toEqual([['etc/a.conf=second']]);
  });

  it('fails on a diff-id mismatch', async () => {
    await expect(
      collectLayer(Readable.from([layer.blob]), {
        name: 'layer',
        analyzers: [],
        diffId: `sha256:${'0'.repeat(64)}`,
      }),
    ).rejects.toMatchObject({ code: 'IMAGE_DIGEST_MISMATCH' });
  });
});

describe('collectDirectory', () => {
  it('walks a directory as one layer without following symlinks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bosun-collect-dir-'));
    const outside = await mkdtemp(join(tmpdir(), 'bosun-collect-outside-'));
    try {
      await mkdir(join(dir, 'etc'));
      await writeFile(join(dir, 'etc/a.conf'), 'alpha');
      await writeFile(join(outside, 'secret.conf'), 'secret');
      await symlink(join(outside, 'secret.conf'), join(dir, 'etc/escape.conf'));
      const analyzer = probe('one', /\.conf$/);
      const record = await collectDirectory(dir, { name: dir, analyzers: [analyzer] });
      expect(analyzer.read).toEqual(['etc/a.conf=alpha']);
      expect(record.entries.map((e) => `${e.type} ${e.path}`)).toEqual([
        'dir etc',
        'file etc/a.conf',
        'symlink etc/escape.conf',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });
});
