/** LayoutFiles over a directory (an OCI image layout). */
import { createReadStream } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { BosunError } from '../../util/errors.ts';
import { fileNotFound, tooLarge, type LayoutFiles } from './layout-files.ts';

const READ_CHUNK = 1024 * 1024;

export class DirectoryFiles implements LayoutFiles {
  readonly name: string;
  private readonly root: string;

  private constructor(name: string, root: string) {
    this.name = name;
    this.root = root;
  }

  static async open(dir: string): Promise<DirectoryFiles> {
    try {
      const root = await realpath(dir);
      if (!(await stat(root)).isDirectory()) throw new Error('not a directory');
      return new DirectoryFiles(dir, root);
    } catch (error) {
      throw new BosunError('IMAGE_LAYOUT_INVALID', `${dir}: not a readable directory`, {
        cause: error,
        details: { input: dir },
      });
    }
  }

  /** The real path of a regular file inside the root, or undefined. Symlinks may not lead out. */
  private async resolve(path: string): Promise<{ full: string; size: number } | undefined> {
    if (path.startsWith('/') || path.split('/').some((s) => s === '..' || s === '')) {
      throw new BosunError('INTERNAL', `unsafe layout path ${path}`);
    }
    let full: string;
    try {
      full = await realpath(join(this.root, path));
    } catch {
      return undefined;
    }
    if (!full.startsWith(this.root + sep)) {
      throw new BosunError('IMAGE_LAYOUT_INVALID', `${this.name}: ${path} leads outside the layout`, {
        details: { input: this.name, path },
      });
    }
    const info = await stat(full);
    return info.isFile() ? { full, size: info.size } : undefined;
  }

  async size(path: string): Promise<number | undefined> {
    return (await this.resolve(path))?.size;
  }

  async head(path: string, n: number): Promise<Buffer> {
    const found = await this.resolve(path);
    if (found === undefined) throw fileNotFound(this, path);
    const handle = await open(found.full, 'r');
    try {
      const buf = Buffer.alloc(Math.min(n, found.size));
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async read(path: string, max: number): Promise<Buffer> {
    const found = await this.resolve(path);
    if (found === undefined) throw fileNotFound(this, path);
    if (found.size > max) throw tooLarge(this.name, path, found.size, max);
    const handle = await open(found.full, 'r');
    try {
      const buf = Buffer.alloc(found.size);
      let offset = 0;
      while (offset < buf.length) {
        const { bytesRead } = await handle.read(buf, offset, buf.length - offset, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
      }
      return buf.subarray(0, offset);
    } finally {
      await handle.close();
    }
  }

  async stream(path: string): Promise<Readable> {
    const found = await this.resolve(path);
    if (found === undefined) throw fileNotFound(this, path);
    return createReadStream(found.full, { highWaterMark: READ_CHUNK });
  }

  async close(): Promise<void> {}
}
