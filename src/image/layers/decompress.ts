/**
 * Layer compression is detected from magic bytes, never from the media type: registries and
 * archives mislabel layers (docker-archive stores uncompressed tars under gzip names, some tools
 * push zstd as `tar+gzip`).
 */
import { Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import { BosunError } from '../../util/errors.ts';
import { BLOCK, isZeroBlock, looksLikeTarHeader } from './tar-header.ts';
import type { LayerCompression } from './types.ts';

/** Output chunk size for inflating: fewer, larger chunks mean less per-chunk work downstream. */
const INFLATE_CHUNK = 128 * 1024;

const KNOWN_OTHERS: readonly { name: string; magic: readonly number[] }[] = [
  { name: 'bzip2', magic: [0x42, 0x5a, 0x68] },
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: 'lz4', magic: [0x04, 0x22, 0x4d, 0x18] },
];

function startsWith(head: Uint8Array, magic: readonly number[]): boolean {
  return head.byteLength >= magic.length && magic.every((b, i) => head[i] === b);
}

/**
 * gzip (1f 8b), zstd (28 b5 2f fd), or an uncompressed tar (first block is a valid header or the
 * end-of-archive block; an empty stream is an empty tar). Anything else is
 * LAYER_COMPRESSION_UNSUPPORTED. `head` should hold the first 512 bytes when the stream has them.
 */
export function detectCompression(head: Uint8Array, input: string): LayerCompression {
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  if (head.byteLength === 0) return 'none';
  if (head.byteLength >= BLOCK && (looksLikeTarHeader(head) || isZeroBlock(head))) return 'none';
  const known = KNOWN_OTHERS.find((k) => startsWith(head, k.magic));
  throw new BosunError(
    'LAYER_COMPRESSION_UNSUPPORTED',
    `${input}: ${known ? `${known.name} compression is not supported` : 'not a tar, gzip or zstd stream'}`,
    { details: { input, format: known?.name ?? 'unknown' } },
  );
}

export function createDecompressor(compression: 'gzip' | 'zstd', input: string): Transform {
  if (compression === 'gzip') return zlib.createGunzip({ chunkSize: INFLATE_CHUNK });
  // node:zlib has zstd from Node 22.15 / 23.8; Bosun's engines field requires it, but a custom
  // build may lack it.
  if (typeof zlib.createZstdDecompress !== 'function') {
    throw new BosunError('LAYER_COMPRESSION_UNSUPPORTED', `${input}: this Node.js has no zstd support`, {
      details: { input, format: 'zstd' },
    });
  }
  return zlib.createZstdDecompress({ chunkSize: INFLATE_CHUNK });
}

/** True for errors raised by zlib/zstd on corrupt or truncated input. */
export function isDecompressionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    typeof code === 'string' &&
    (code.startsWith('Z_') || code.startsWith('ZSTD_') || code === 'ERR_ZLIB_INITIALIZATION_FAILED')
  );
}

function waitReadable(stream: Readable, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      stream.off('readable', done);
      stream.off('end', done);
      stream.off('close', done);
      stream.off('error', fail);
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const fail = (error: unknown): void => {
      done();
      reject(error);
    };
    const onAbort = (): void => fail(signal?.reason);
    stream.on('readable', done);
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', fail);
    signal?.addEventListener('abort', onAbort);
  });
}

/**
 * Reads up to `n` bytes from the start of a stream without consuming them: returns those bytes
 * and a stream that still yields everything (the same stream with the bytes unshifted, or a new
 * one when the source already ended).
 */
export async function peekStream(
  stream: Readable,
  n: number,
  signal?: AbortSignal,
): Promise<{ head: Buffer; stream: Readable }> {
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  stream.once('end', () => {
    ended = true;
  });
  while (length < n) {
    signal?.throwIfAborted();
    const errored = stream.errored;
    if (errored) throw errored;
    const chunk = stream.read() as Buffer | null;
    if (chunk !== null) {
      chunks.push(chunk);
      length += chunk.length;
      continue;
    }
    if (ended || stream.readableEnded || stream.destroyed) break;
    await waitReadable(stream, signal);
  }
  const head = Buffer.concat(chunks, length);
  if (ended || stream.readableEnded || stream.destroyed) {
    if (stream.errored) throw stream.errored;
    return { head, stream: Readable.from(length > 0 ? [head] : [], { objectMode: false }) };
  }
  if (length > 0) stream.unshift(head);
  return { head, stream };
}
