import type { ByteSource } from './source.ts';

/** The bytes of `source` from `offset` on, without copying. */
export function sliceSource(source: ByteSource, offset: number, length = source.size - offset): ByteSource {
  const size = Math.max(0, Math.min(length, source.size - offset));
  return {
    size,
    read: (at, n) => source.read(offset + Math.max(0, at), Math.max(0, Math.min(n, size - Math.max(0, at)))),
  };
}
