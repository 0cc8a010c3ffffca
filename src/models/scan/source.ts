// Random-access byte sources: a file read only where needed (large checkpoints), or bytes in memory.
import { open, type FileHandle } from 'node:fs/promises';

export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) =>
      Promise.resolve(bytes.subarray(Math.max(0, offset), Math.min(bytes.length, offset + length))),
  };
}

export interface FileSource extends ByteSource {
  close(): Promise<void>;
}

/** Opens a file for bounded reads; `onRead` counts bytes actually read. */
export async function fileSource(path: string, onRead: (n: number) => void): Promise<FileSource> {
  const handle: FileHandle = await open(path, 'r');
  const { size } = await handle.stat();
  return {
    size,
    async read(offset, length) {
      const start = Math.max(0, offset);
      const n = Math.max(0, Math.min(length, size - start));
      const out = Buffer.allocUnsafe(n);
      let done = 0;
      while (done < n) {
        const { bytesRead } = await handle.read(out, done, n - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      onRead(done);
      return out.subarray(0, done);
    },
    close: () => handle.close(),
  };
}

/** A source is "in memory" when reading it whole costs nothing more. */
export async function readAll(source: ByteSource): Promise<Uint8Array> {
  return source.read(0, source.size);
}
