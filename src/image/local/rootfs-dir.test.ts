import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import { readBounded } from '../layers/read-bounded.ts';
import { MergedFilesystem } from '../layers/merged-fs.ts';
import { walkRootfs } from './rootfs-dir.ts';

const base = mkdtempSync(join(tmpdir(), 'bosun-rootfs-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const root = join(base, 'root');
mkdirSync(join(root, 'etc'), { recursive: true });
mkdirSync(join(root, 'usr/bin'), { recursive: true });
writeFileSync(join(root, 'etc/os-release'), 'ID=debian\n');
writeFileSync(join(root, 'usr/bin/dash'), 'ELF');
linkSync(join(root, 'usr/bin/dash'), join(root, 'usr/bin/sh.hard'));
symlinkSync('/etc/shadow', join(root, 'etc/escape'));
symlinkSync('../../..', join(root, 'usr/bin/up'));
writeFileSync(join(base, 'outside-secret'), 'secret');
symlinkSync(join(base, 'outside-secret'), join(root, 'etc/outside'));

describe('walkRootfs', () => {
  it('presents a directory as one layer: sorted, lstat, symlinks reported not followed, hard links detected', async () => {
    const seen: string[] = [];
    const bodies: Record<string, string> = {};
    const merged = new MergedFilesystem();
    const result = await walkRootfs(root, {
      onEntry: (e) => {
        seen.push(`${e.path}:${e.type}${e.linkTarget === undefined ? '' : `->${e.linkTarget}`}`);
        merged.add({ index: 0 }, e);
      },
      wants: () => true,
      onFile: async (e, body) => {
        bodies[e.path] = (await readBounded(body, 100, e.path)).toString();
      },
    });
    expect(seen).toEqual([
      'etc:dir',
      'etc/escape:symlink->/etc/shadow',
      'etc/os-release:file',
      `etc/outside:symlink->${join(base, 'outside-secret')}`,
      'usr:dir',
      'usr/bin:dir',
      'usr/bin/dash:file',
      'usr/bin/sh.hard:hardlink->usr/bin/dash',
      'usr/bin/up:symlink->../../..',
    ]);
    expect(bodies).toEqual({ 'etc/os-release': 'ID=debian\n', 'usr/bin/dash': 'ELF' });
    expect(result).toEqual({ entries: 9, fileBytes: 13, issues: [] });
    // In-image resolution never leaves the root: /etc/shadow is looked up inside the image.
    expect(merged.resolvePath('etc/escape')).toBeUndefined();
    expect(merged.resolvePath('usr/bin/up/etc/os-release')?.path).toBe('etc/os-release');
  });

  it.each([
    [{ maxEntries: 3 }, 'entries'],
    [{ maxPathLength: 8 }, 'path length'],
    [{ maxTotalBytes: 5 }, 'total size'],
  ])('limit %o', async (limits, limit) => {
    const error = await walkRootfs(root, {}, { limits }).catch((e: unknown) => e);
    expect(isBosunError(error, 'LAYER_LIMIT') && error.details.limit).toBe(limit);
  });

  it('a missing directory is IMAGE_NOT_FOUND', async () => {
    const error = await walkRootfs(join(base, 'nope'), {}).catch((e: unknown) => e);
    expect(isBosunError(error, 'IMAGE_NOT_FOUND')).toBe(true);
  });
});
