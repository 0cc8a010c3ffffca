import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildTar, type TarEntrySpec } from '../../../test/builders/tar.ts';
import { MergedFilesystem } from './merged-fs.ts';
import type { LayerEntry } from './types.ts';
import { walkLayer } from './walk-layer.ts';

async function merge(layers: readonly TarEntrySpec[][]): Promise<MergedFilesystem> {
  const fs = new MergedFilesystem();
  for (const [index, specs] of layers.entries()) {
    const ref = { index, digest: `sha256:${String(index).repeat(64)}` };
    await walkLayer(Readable.from([buildTar(specs)]), {
      name: `layer ${index}`,
      onEntry: (e) => fs.add(ref, e),
    });
  }
  return fs;
}

function summary(fs: MergedFilesystem): Record<string, string> {
  return Object.fromEntries([...fs.entries()].map(([path, e]) => [path, `${e.type}@${e.layerIndex}`]));
}

describe('MergedFilesystem', () => {
  it('whiteouts delete a path and everything below it from lower layers only', async () => {
    const fs = await merge([
      [
        { name: 'etc/', type: 'dir' },
        { name: 'etc/a', body: 'a' },
        { name: 'var/lib/x/y', body: 'y' },
        { name: 'var/lib/z', body: 'z' },
      ],
      // The layer re-creates var/lib/x/new before (tar order) its own whiteout of var/lib/x: kept.
      [
        { name: 'var/lib/x/new', body: 'n' },
        { name: 'var/lib/.wh.x', body: '' },
        { name: 'etc/.wh.a', body: '' },
      ],
    ]);
    expect(summary(fs)).toEqual({ etc: 'dir@0', 'var/lib/x/new': 'file@1', 'var/lib/z': 'file@0' });
  });

  it('opaque directories hide lower children, keep their own', async () => {
    const fs = await merge([
      [
        { name: 'opt/app/old', body: 'o' },
        { name: 'opt/app/sub/deep', body: 'd' },
        { name: 'opt/keep', body: 'k' },
      ],
      [
        { name: 'opt/app/', type: 'dir' },
        { name: 'opt/app/new', body: 'n' },
        { name: 'opt/app/.wh..wh..opq', body: '' },
      ],
    ]);
    expect(summary(fs)).toEqual({ 'opt/app': 'dir@1', 'opt/app/new': 'file@1', 'opt/keep': 'file@0' });
  });

  it('an opaque root hides every lower entry', async () => {
    const fs = await merge([
      [{ name: 'a', body: 'a' }],
      [
        { name: '.wh..wh..opq', body: '' },
        { name: 'b', body: 'b' },
      ],
    ]);
    expect(summary(fs)).toEqual({ b: 'file@1' });
  });

  it('a file replacing a directory hides its contents; later layers override', async () => {
    const fs = await merge([
      [
        { name: 'x/y', body: 'y' },
        { name: 'f', body: 'old' },
      ],
      [
        { name: 'x', body: 'now a file' },
        { name: 'f', body: 'newer' },
      ],
    ]);
    expect(summary(fs)).toEqual({ f: 'file@1', x: 'file@1' });
    expect(fs.get('f')?.size).toBe(5);
  });

  it('resolves hard links to the layer and path holding the bytes, even across layers and after deletion', async () => {
    const fs = await merge([
      [{ name: 'usr/bin/perl5.36', body: 'perl' }],
      [
        { name: 'usr/bin/perl', type: 'hardlink', linkname: 'usr/bin/perl5.36' },
        { name: 'usr/bin/.wh.perl5.36', body: '' },
        { name: 'dangling', type: 'hardlink', linkname: 'missing' },
      ],
    ]);
    expect(fs.get('usr/bin/perl')).toEqual({
      path: 'usr/bin/perl',
      type: 'hardlink',
      layerIndex: 1,
      layerDigest: `sha256:${'1'.repeat(64)}`,
      mode: 0o644,
      size: 4,
      linkTarget: 'usr/bin/perl5.36',
      content: { path: 'usr/bin/perl5.36', layerIndex: 0, layerDigest: `sha256:${'0'.repeat(64)}` },
    });
    expect(fs.get('usr/bin/perl5.36')).toBeUndefined();
    expect(fs.issues.map((i) => [i.code, i.path])).toEqual([['HARDLINK_DANGLING', 'dangling']]);
  });

  it.each([
    ['usr/bin/sh', 'usr/bin/dash'],
    ['bin/sh', 'usr/bin/dash'],
    ['etc/escape', 'etc/passwd'], // ../../../etc/passwd clamps at the image root
    ['etc/abs', 'usr/bin/dash'],
    ['loop/a', undefined],
    ['etc/missing', undefined],
  ])('resolvePath(%s) → %s, never leaving the root', async (path, expected) => {
    const fs = await merge([
      [
        { name: 'usr/bin/dash', body: 'ELF' },
        { name: 'usr/bin/sh', type: 'symlink', linkname: 'dash' },
        { name: 'bin', type: 'symlink', linkname: 'usr/bin' },
        { name: 'etc/passwd', body: 'root' },
        { name: 'etc/escape', type: 'symlink', linkname: '../../../etc/passwd' },
        { name: 'etc/abs', type: 'symlink', linkname: '/bin/sh' },
        { name: 'etc/missing', type: 'symlink', linkname: '/nope' },
        { name: 'loop', type: 'symlink', linkname: 'loop' },
      ],
    ]);
    expect(fs.resolvePath(path)?.path).toBe(expected);
  });

  it('entries under a symlinked parent land in the link target (merged /usr)', async () => {
    const fs = await merge([
      [
        { name: 'usr/lib/', type: 'dir' },
        { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
        { name: 'bad', type: 'symlink', linkname: '/nowhere' },
      ],
      [
        { name: 'lib/libc.so.6', body: 'c' },
        { name: 'bad/x', body: 'x' },
      ],
    ]);
    expect(summary(fs)).toEqual({
      bad: 'symlink@0',
      lib: 'symlink@0',
      'usr/lib': 'dir@0',
      'usr/lib/libc.so.6': 'file@1',
    });
    expect(fs.issues.map((i) => [i.code, i.path])).toEqual([['PARENT_NOT_DIRECTORY', 'bad/x']]);
  });

  it('refuses layers out of order', () => {
    const fs = new MergedFilesystem();
    const e: LayerEntry = { path: 'a', type: 'file', size: 0, mode: 0, uid: 0, gid: 0, mtime: 0 };
    fs.add({ index: 1 }, e);
    expect(() => fs.add({ index: 0 }, e)).toThrow();
  });
});
