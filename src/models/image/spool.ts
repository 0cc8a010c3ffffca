// A private directory for candidate model files copied out of layer streams: created by mkdtemp
// (0700), files named by a counter (never by the image path) and opened with O_EXCL (0600), so
// nothing from the image decides where bytes land. Removed whole when the scan ends.
import { chmod, mkdtemp, open, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BosunError } from '../../util/errors.ts';

export interface Spool {
  readonly dir: string;
  /** Bytes currently held on disk. */
  readonly bytes: number;
  /** Writes `head` then the rest of `rest`; returns the spooled file's path. */
  write(
    head: readonly Uint8Array[],
    rest: AsyncIterator<Buffer>,
    expected: number,
    name: string,
  ): Promise<string>;
  remove(path: string, size: number): Promise<void>;
  close(): Promise<void>;
}

export async function createSpool(parent: string = tmpdir()): Promise<Spool> {
  const dir = await mkdtemp(join(parent, 'bosun-models-'));
  await chmod(dir, 0o700);
  let counter = 0;
  let bytes = 0;
  return {
    dir,
    get bytes() {
      return bytes;
    },
    async write(head, rest, expected, name) {
      const path = join(dir, `${++counter}.bin`);
      const handle = await open(path, 'wx', 0o600);
      let written = 0;
      bytes += expected;
      try {
        for (const chunk of head) {
          await handle.write(chunk);
          written += chunk.length;
        }
        for (let next = await rest.next(); next.done !== true; next = await rest.next()) {
          written += next.value.length;
          if (written > expected) break;
          await handle.write(next.value);
        }
      } catch (error) {
        await handle.close();
        await unlink(path).catch(() => undefined);
        bytes -= expected;
        throw error;
      }
      await handle.close();
      if (written !== expected) {
        await unlink(path).catch(() => undefined);
        bytes -= expected;
        throw new BosunError(
          'MODEL_PARSE',
          `${name}: layer entry body is ${written} bytes, header says ${expected}`,
          {
            details: { input: name },
          },
        );
      }
      return path;
    },
    async remove(path, size) {
      await unlink(path).catch(() => undefined);
      bytes -= size;
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Reads up to `n` bytes from the start of a body; the iterator is left positioned after them. */
export async function readHead(
  body: Readable,
  n: number,
): Promise<{ chunks: Buffer[]; head: Uint8Array; rest: AsyncIterator<Buffer>; ended: boolean }> {
  const rest = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let total = 0;
  let ended = false;
  while (total < n) {
    const next = await rest.next();
    if (next.done === true) {
      ended = true;
      break;
    }
    chunks.push(next.value);
    total += next.value.length;
  }
  const joined = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
  return { chunks, head: joined.subarray(0, Math.min(n, total)), rest, ended };
}
