/**
 * A root filesystem directory (an unpacked image, a chroot, a mounted volume) presented as ONE
 * layer to the same visitor interface as tar layers. Entries are `lstat`ed, symlinks are
 * reported and never followed, files are opened with O_NOFOLLOW and checked to be the inode that
 * was listed, and the walk never leaves the root. Order is deterministic (sorted names).
 */
import { constants, type Dirent } from 'node:fs';
import { lstat, open, opendir, readlink, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { BosunError, limitError } from '../../util/errors.ts';
import { resolveLayerLimits, type LayerLimits } from '../layers/limits.ts';
import type { LayerEntry, LayerEntryType, LayerVisitor } from '../layers/types.ts';

export interface RootfsIssue {
  readonly code: 'ROOTFS_UNREADABLE' | 'ROOTFS_CHANGED';
  readonly path: string;
  readonly message: string;
}

export interface RootfsWalkResult {
  readonly entries: number;
  readonly fileBytes: number;
  readonly issues: readonly RootfsIssue[];
}

export interface WalkRootfsOptions {
  readonly limits?: Partial<LayerLimits>;
  readonly signal?: AbortSignal;
}

const READ_CHUNK = 256 * 1024;

function typeOf(stats: {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}): LayerEntryType {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

async function sortedNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  const handle = await opendir(dir);
  for await (const dirent of handle as AsyncIterable<Dirent>) names.push(dirent.name);
  return names.sort();
}

export async function walkRootfs(
  dir: string,
  visitor: LayerVisitor,
  options: WalkRootfsOptions = {},
): Promise<RootfsWalkResult> {
  const limits = resolveLayerLimits(options.limits);
  const { signal } = options;
  let root: string;
  try {
    root = await realpath(dir);
    if (!(await lstat(root)).isDirectory()) throw new Error('not a directory');
  } catch (error) {
    throw new BosunError('IMAGE_NOT_FOUND', `${dir}: not a readable directory`, {
      cause: error,
      details: { input: dir },
    });
  }
  const issues: RootfsIssue[] = [];
  const inodes = new Map<string, string>();
  let entries = 0;
  let fileBytes = 0;
  // Depth-first in sorted name order, like `tar --sort=name`; recursion depth is bounded by the
  // path length limit.
  const visitDir = async (relDir: string): Promise<void> => {
    signal?.throwIfAborted();
    let names: string[];
    try {
      names = await sortedNames(join(root, relDir));
    } catch (error) {
      issues.push({
        code: 'ROOTFS_UNREADABLE',
        path: relDir,
        message: `cannot list: ${(error as Error).message}`,
      });
      return;
    }
    for (const name of names) {
      const path = relDir === '' ? name : `${relDir}/${name}`;
      if (Buffer.byteLength(path) > limits.maxPathLength) {
        throw limitError('LAYER_LIMIT', dir, 'path length', Buffer.byteLength(path), limits.maxPathLength);
      }
      if (++entries > limits.maxEntries)
        throw limitError('LAYER_LIMIT', dir, 'entries', entries, limits.maxEntries);
      const full = join(root, path);
      const stats = await lstat(full, { bigint: false });
      let type = typeOf(stats);
      let linkTarget: string | undefined;
      if (type === 'symlink') linkTarget = await readlink(full);
      if (type === 'file' && stats.nlink > 1) {
        const key = `${stats.dev}:${stats.ino}`;
        const first = inodes.get(key);
        if (first === undefined) inodes.set(key, path);
        else {
          type = 'hardlink';
          linkTarget = first;
        }
      }
      const entry: LayerEntry = {
        path,
        type,
        size: type === 'file' ? stats.size : 0,
        mode: stats.mode & 0o7777,
        uid: stats.uid,
        gid: stats.gid,
        mtime: Math.floor(stats.mtimeMs / 1000),
        ...(linkTarget === undefined ? {} : { linkTarget }),
      };
      visitor.onEntry?.(entry);
      if (type === 'dir') await visitDir(path);
      if (type !== 'file') continue;
      fileBytes += stats.size;
      if (fileBytes > limits.maxTotalBytes)
        throw limitError('LAYER_LIMIT', dir, 'total size', fileBytes, limits.maxTotalBytes);
      if (visitor.onFile === undefined || visitor.wants?.(entry) !== true) continue;
      let handle;
      try {
        handle = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW);
      } catch (error) {
        issues.push({ code: 'ROOTFS_UNREADABLE', path, message: `cannot open: ${(error as Error).message}` });
        continue;
      }
      const opened = await handle.stat();
      if (opened.ino !== stats.ino || opened.dev !== stats.dev || !opened.isFile()) {
        await handle.close();
        issues.push({ code: 'ROOTFS_CHANGED', path, message: 'file changed while walking' });
        continue;
      }
      const body = handle.createReadStream({ highWaterMark: READ_CHUNK });
      try {
        await visitor.onFile(entry, body);
      } finally {
        body.destroy();
        await handle.close().catch(() => undefined);
      }
    }
  };
  await visitDir('');
  return { entries, fileBytes, issues };
}
