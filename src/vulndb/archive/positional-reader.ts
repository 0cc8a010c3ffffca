/**
 * Positional reads for the zip reader: from memory, or from a file through a read window so that
 * entries read in file order cost one system call per window rather than two per entry.
 */
import { BosunError } from '../../util/errors.ts';

/** Bytes read ahead at once when entries are read in file order (a window holds thousands of OSV records). */
const WINDOW_BYTES = 4 * 1024 * 1024;

export interface PositionalReader {
  /** Exactly `length` bytes at `position`; `VULNDB_INVALID` (via `name`) when the file ends first. */
  readAt(position: number, length: number, name: string): Promise<Buffer>;
}

export interface FileReader {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

export function bufferReader(bytes: Uint8Array): PositionalReader {
  const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    readAt: (position, length, name) => {
      if (position + length > source.length) return Promise.reject(truncated(name));
      // A copy: entries handed out never alias the caller's bytes.
      return Promise.resolve(Buffer.from(source.subarray(position, position + length)));
    },
  };
}

/**
 * Reads through a window of the file: a read inside the window is a view of it (no copy, no
 * system call); a miss just ahead of it (the next entries, in file order) reads a new window
 * there; any other read (a large entry, an entry elsewhere) is read on its own, so a zip whose
 * directory is not in file order costs no more than without the window. A window is never
 * reused after it is replaced, so views handed out stay valid.
 */
export function windowedReader(file: FileReader, fileSize: number): PositionalReader {
  let window: Buffer = Buffer.alloc(0);
  let windowStart = 0;
  return {
    async readAt(position, length, name) {
      const windowEnd = windowStart + window.length;
      if (position >= windowStart && position + length <= windowEnd) {
        return window.subarray(position - windowStart, position - windowStart + length);
      }
      if (length >= WINDOW_BYTES || position < windowStart || position > windowEnd + WINDOW_BYTES) {
        return readFully(file, position, length, name);
      }
      const size = Math.min(WINDOW_BYTES, fileSize - position);
      if (size < length) throw truncated(name);
      window = await readFully(file, position, size, name);
      windowStart = position;
      return window.subarray(0, length);
    },
  };
}

export async function readFully(
  file: FileReader,
  position: number,
  length: number,
  name: string,
): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await file.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw truncated(name);
    done += bytesRead;
  }
  return buffer;
}

/** The zip reader's `VULNDB_INVALID` for a file that ends before a read does. */
function truncated(name: string): BosunError {
  return new BosunError('VULNDB_INVALID', `${name}: invalid zip: truncated`, {
    details: { input: name, reason: 'truncated' },
  });
}
