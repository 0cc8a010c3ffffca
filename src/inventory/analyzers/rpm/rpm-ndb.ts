/**
 * rpm's NDB backend (`Packages.db`, rpm ≥ 4.15; SUSE's default: SLES 15, openSUSE Leap 15), read
 * without rpm. Layout (rpm `lib/backend/ndb/rpmpkg.c`), all integers little-endian:
 * - a 32-byte header: magic `RpmP`, version 0, generation, slot page count, next package index;
 * - slot pages (4096 bytes each, the first starting after the header) of 16-byte slots:
 *   magic `Slot`, package index, block offset, block count (16-byte blocks; offset 0 = free);
 * - blobs at `offset × 16`: magic `BlbS`, package index, timestamp, length; the header blob;
 *   zero padding; then Adler-32 (of head, blob and padding), length again, magic `BlbE`.
 * Each slot and blob is checked (magics, index, lengths, bounds, checksum) like rpm does; a bad
 * blob is an `INVENTORY_PARSE` error for the file.
 */
import { BosunError, limitError } from '../../../util/errors.ts';

const HEADER_MAGIC = 0x506d7052; // 'RpmP'
const SLOT_MAGIC = 0x746f6c53; // 'Slot'
const BLOB_HEAD_MAGIC = 0x53626c42; // 'BlbS'
const BLOB_TAIL_MAGIC = 0x45626c42; // 'BlbE'
const HEADER_SIZE = 32;
const SLOT_SIZE = 16;
const BLOCK = 16;
const PAGE = 4096;
const BLOB_HEAD = 16;
const BLOB_TAIL = 12;

export function isNdb(bytes: Uint8Array): boolean {
  return (
    bytes.byteLength >= HEADER_SIZE &&
    new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === HEADER_MAGIC
  );
}

export function readNdbBlobs(
  bytes: Uint8Array,
  input: string,
  options: { readonly maxValues: number; readonly signal?: AbortSignal },
): Uint8Array[] {
  const fail = (what: string): BosunError =>
    new BosunError('INVENTORY_PARSE', `${input}: rpm ndb: ${what}`, { details: { input } });
  if (!isNdb(bytes)) throw fail('bad magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number): number => view.getUint32(at, true);
  if (u32(4) !== 0) throw fail(`version ${u32(4)}`);
  const slotPages = u32(12);
  if (slotPages < 1 || slotPages * PAGE > bytes.byteLength)
    throw fail(`${slotPages} slot pages in ${bytes.byteLength} bytes`);
  const fileBlocks = Math.floor(bytes.byteLength / BLOCK);
  const firstDataBlock = (slotPages * PAGE) / BLOCK;

  const blobs: Uint8Array[] = [];
  for (let at = HEADER_SIZE; at < slotPages * PAGE; at += SLOT_SIZE) {
    if (u32(at) !== SLOT_MAGIC) throw fail(`slot at ${at}: bad magic`);
    const pkgIndex = u32(at + 4);
    const blockOffset = u32(at + 8);
    const blockCount = u32(at + 12);
    if (blockOffset === 0) continue; // free slot
    if (
      pkgIndex === 0 ||
      blockCount === 0 ||
      blockOffset < firstDataBlock ||
      blockOffset + blockCount > fileBlocks
    ) {
      throw fail(`slot at ${at}: bad entry`);
    }
    if (blobs.length >= options.maxValues)
      throw limitError('INVENTORY_LIMIT', input, 'packages', blobs.length + 1, options.maxValues);
    if (blobs.length % 256 === 255) options.signal?.throwIfAborted();
    blobs.push(readBlob(blockOffset * BLOCK, blockCount, pkgIndex));
  }
  return blobs;

  function readBlob(start: number, blockCount: number, pkgIndex: number): Uint8Array {
    if (u32(start) !== BLOB_HEAD_MAGIC || u32(start + 4) !== pkgIndex)
      throw fail(`blob of package ${pkgIndex}: bad head`);
    const length = u32(start + 12);
    if (blockCount !== Math.ceil((BLOB_HEAD + length + BLOB_TAIL) / BLOCK))
      throw fail(`blob of package ${pkgIndex}: length ${length}`);
    const tail = start + blockCount * BLOCK - BLOB_TAIL;
    if (u32(tail + 4) !== length || u32(tail + 8) !== BLOB_TAIL_MAGIC)
      throw fail(`blob of package ${pkgIndex}: bad tail`);
    if (adler32(bytes.subarray(start, tail)) !== u32(tail))
      throw fail(`blob of package ${pkgIndex}: checksum mismatch`);
    return bytes.subarray(start + BLOB_HEAD, start + BLOB_HEAD + length);
  }
}

/** Adler-32 (RFC 1950), as rpm's ndb computes it over blob head, data and padding. */
export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.byteLength;) {
    const end = Math.min(i + 5552, data.byteLength); // largest run without overflow before the modulo
    for (; i < end; i++) {
      a += data[i] ?? 0;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
