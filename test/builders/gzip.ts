/** Compression helpers for fixtures: gzip and zstd, in memory or streaming. */
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';

export function gzip(bytes: Uint8Array, level = 6): Buffer {
  // mtime is 0 in Node's gzip header, so output is deterministic.
  return zlib.gzipSync(bytes, { level });
}

export function zstd(bytes: Uint8Array): Buffer {
  return zlib.zstdCompressSync(bytes);
}

/** Pipes a stream through a compressor, lazily. */
export function compressStream(source: Readable, compression: 'gzip' | 'zstd'): Readable {
  const compressor = compression === 'gzip' ? zlib.createGzip({ level: 1 }) : zlib.createZstdCompress();
  source.on('error', (error) => compressor.destroy(error));
  return source.pipe(compressor);
}

/** The first `fraction` of a buffer: a truncated stream. */
export function truncate(bytes: Uint8Array, fraction = 0.5): Buffer {
  return Buffer.from(bytes.subarray(0, Math.floor(bytes.byteLength * fraction)));
}
