/**
 * Builds an rpm NDB `Packages.db` from header blobs, following rpm's `lib/backend/ndb/rpmpkg.c`
 * layout. Debian's rpm is built without NDB, so no real tool can write one here; the checksum is
 * zlib's Adler-32 (taken from a zlib stream trailer), independent of the reader's own.
 */
import { deflateSync } from 'node:zlib';

const PAGE = 4096;
const BLOCK = 16;

function le32(view: DataView, at: number, value: number): void {
  view.setUint32(at, value >>> 0, true);
}

/** zlib's Adler-32 of `data`: the last 4 bytes (big-endian) of a zlib stream. */
export function zlibAdler32(data: Uint8Array): number {
  const z = deflateSync(data);
  return new DataView(z.buffer, z.byteOffset + z.byteLength - 4, 4).getUint32(0, false);
}

export function buildRpmNdb(
  blobs: readonly Uint8Array[],
  options: { freeSlotsFirst?: number } = {},
): Uint8Array {
  const blockCounts = blobs.map((blob) => Math.ceil((16 + blob.byteLength + 12) / BLOCK));
  const total = PAGE + blockCounts.reduce((sum, n) => sum + n * BLOCK, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  le32(view, 0, 0x506d7052); // RpmP
  le32(view, 4, 0);
  le32(view, 8, 1);
  le32(view, 12, 1);
  le32(view, 16, blobs.length + 1);
  for (let at = 32; at < PAGE; at += 16) le32(view, at, 0x746f6c53); // every slot carries the magic
  let slot = 32 + (options.freeSlotsFirst ?? 0) * 16;
  let block = PAGE / BLOCK;
  blobs.forEach((blob, index) => {
    const pkgIndex = index + 1;
    const count = blockCounts[index] ?? 0;
    le32(view, slot + 4, pkgIndex);
    le32(view, slot + 8, block);
    le32(view, slot + 12, count);
    slot += 16;
    const start = block * BLOCK;
    le32(view, start, 0x53626c42); // BlbS
    le32(view, start + 4, pkgIndex);
    le32(view, start + 8, 1_700_000_000);
    le32(view, start + 12, blob.byteLength);
    bytes.set(blob, start + 16);
    const tail = start + count * BLOCK - 12;
    le32(view, tail, zlibAdler32(bytes.subarray(start, tail)));
    le32(view, tail + 4, blob.byteLength);
    le32(view, tail + 8, 0x45626c42); // BlbE
    block += count;
  });
  return bytes;
}
