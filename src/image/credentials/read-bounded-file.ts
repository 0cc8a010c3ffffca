import { open, stat } from 'node:fs/promises';
import { BosunError, limitError } from '../../util/errors.ts';
import { credentialsInvalid } from './decode.ts';

const CHUNK = 64 * 1024;

/**
 * Reads a small file whole, refusing more than `maxBytes`. A missing file is `undefined` (no
 * config means no credentials, as for the docker CLI); other failures are CREDENTIALS_INVALID
 * naming the file.
 */
export async function readBoundedFile(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
  let handle;
  try {
    // Check the type before open(): opening a FIFO would block until a writer appears.
    if (!(await stat(path)).isFile()) throw credentialsInvalid(path, 'not a regular file');
    handle = await open(path, 'r');
  } catch (error) {
    if (error instanceof BosunError) throw error;
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw credentialsInvalid(path, `cannot open (${code})`, error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw credentialsInvalid(path, 'not a regular file');
    if (info.size > maxBytes) throw limitError('CREDENTIALS_INVALID', path, 'size', info.size, maxBytes);
    // Count what is actually read too: the file may grow after stat().
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(CHUNK);
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw limitError('CREDENTIALS_INVALID', path, 'size', total, maxBytes);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks);
  } catch (error) {
    if (error instanceof BosunError) throw error;
    throw credentialsInvalid(path, `cannot read (${errnoCode(error)})`, error);
  } finally {
    await handle.close();
  }
}

function errnoCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : 'error';
}
