import type { Readable } from 'node:stream';
import { BosunError } from '../../util/errors.ts';

/**
 * Read access to the files of an OCI layout or an image archive, by relative path: a directory or
 * a tar. Paths come from Bosun (fixed names, or `blobs/<alg>/<hex>` built from a validated
 * digest, or archive names normalised by the index), never straight from untrusted input.
 */
export interface LayoutFiles {
  /** The directory or archive, for messages. */
  readonly name: string;
  /** Size of the regular file at `path`, or undefined when there is none. */
  size(path: string): Promise<number | undefined>;
  /** The first `n` bytes (fewer if the file is shorter). */
  head(path: string, n: number): Promise<Buffer>;
  /** The whole file; IMAGE_LIMIT when it is larger than `max`. */
  read(path: string, max: number): Promise<Buffer>;
  stream(path: string): Promise<Readable>;
  close(): Promise<void>;
}

export function fileNotFound(files: LayoutFiles, path: string): BosunError {
  return new BosunError('IMAGE_NOT_FOUND', `${files.name}: ${path} not found`, {
    details: { input: files.name, path },
  });
}

export function tooLarge(input: string, path: string, size: number, max: number): BosunError {
  return new BosunError('IMAGE_LIMIT', `${input}: ${path} is ${size} bytes (max ${max})`, {
    details: { input, path, limit: 'file size', value: size, max },
  });
}
