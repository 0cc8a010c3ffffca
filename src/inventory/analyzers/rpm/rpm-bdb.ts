/**
 * Berkeley DB `Packages` files (rpm < 4.16: CentOS 7/8, RHEL 7/8, UBI 8, Amazon Linux 2, SLES 12,
 * old openSUSE): read-only, without libdb. Values are rpm header blobs, keys 4-byte record numbers
 * (record 0, when present, is rpm's instance counter and is skipped).
 *
 * On-disk facts (Berkeley DB 4.x/5.x `db_page.h`): page 0 is the metadata page (magic at byte 12,
 * page size at 20, last page number at 32, encryption algorithm at 24); every other page starts
 * with a 26-byte header (page number at 8, next page at 16, entry count at 20, `hf_offset` at 22,
 * type at 25) followed by `entries` 2-byte item offsets. Hash pages (types 2, 13) hold key/data
 * item pairs: 1 = inline data up to the previous item, 3 = off-page reference (page number at 4,
 * total length at 8). B-tree leaf pages (type 5) hold key/data pairs of `{ uint16 len, type,
 * data }`, type 3 being an overflow reference (page at 4, length at 8). Overflow pages (type 7)
 * chain through `next`, holding `hf_offset` bytes each. All integers use the byte order of the
 * machine that wrote the file, told by the magic.
 *
 * Hand-written and bounded: every page and item offset is checked against the file, overflow
 * chains are followed at most once per page, and the number of values is limited.
 */
import { BosunError, limitError } from '../../../util/errors.ts';

const HASH_MAGIC = 0x061561;
const BTREE_MAGIC = 0x053162;
const PAGE_HEADER = 26;
const P_HASH_UNSORTED = 2;
const P_LBTREE = 5;
const P_OVERFLOW = 7;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_OFFPAGE = 3;
const B_KEYDATA = 1;
const B_OVERFLOW = 3;

export function isBerkeleyDb(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 72) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(12, true);
  const swapped = view.getUint32(12, false);
  return [HASH_MAGIC, BTREE_MAGIC].includes(magic) || [HASH_MAGIC, BTREE_MAGIC].includes(swapped);
}

export function readBdbValues(
  bytes: Uint8Array,
  input: string,
  options: { readonly maxValues: number; readonly signal?: AbortSignal },
): Uint8Array[] {
  const fail = (what: string): BosunError =>
    new BosunError('INVENTORY_PARSE', `${input}: Berkeley DB: ${what}`, { details: { input } });
  if (bytes.byteLength < 72) throw fail('shorter than a metadata page');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let le = true;
  let magic = view.getUint32(12, true);
  if (magic !== HASH_MAGIC && magic !== BTREE_MAGIC) {
    le = false;
    magic = view.getUint32(12, false);
    if (magic !== HASH_MAGIC && magic !== BTREE_MAGIC) throw fail('bad magic');
  }
  const u32 = (at: number): number => view.getUint32(at, le);
  const u16 = (at: number): number => view.getUint16(at, le);
  const pageSize = u32(20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0)
    throw fail(`page size ${pageSize}`);
  if (bytes[24] !== 0) throw fail('encrypted database');
  const pageCount = Math.floor(bytes.byteLength / pageSize);
  const lastPage = Math.min(u32(32), pageCount - 1);

  const page = (pgno: number): number => {
    if (pgno < 1 || pgno >= pageCount) throw fail(`page ${pgno} outside the file`);
    return pgno * pageSize;
  };
  const overflow = (first: number, length: number): Uint8Array => {
    if (length > bytes.byteLength) throw fail(`overflow length ${length} larger than the file`);
    const out = new Uint8Array(length);
    let filled = 0;
    let pgno = first;
    const seen = new Set<number>();
    while (filled < length) {
      if (seen.has(pgno)) throw fail('overflow chain loops');
      seen.add(pgno);
      const at = page(pgno);
      if (bytes[at + 25] !== P_OVERFLOW) throw fail(`page ${pgno} is not an overflow page`);
      const used = u16(at + 22);
      if (used > pageSize - PAGE_HEADER || used > length - filled)
        throw fail(`overflow page ${pgno} length ${used}`);
      out.set(bytes.subarray(at + PAGE_HEADER, at + PAGE_HEADER + used), filled);
      filled += used;
      pgno = u32(at + 16);
      if (used === 0 && filled < length) throw fail(`overflow page ${pgno} is empty`);
    }
    return out;
  };
  /** Item i of a page: its start, and its end (the previous item's start, or the page end). */
  const item = (at: number, index: number): { start: number; end: number } => {
    const start = u16(at + PAGE_HEADER + index * 2);
    const end = index === 0 ? pageSize : u16(at + PAGE_HEADER + (index - 1) * 2);
    if (start < PAGE_HEADER || start >= pageSize || end > pageSize || end < start)
      throw fail(`item offset ${start}`);
    return { start: at + start, end: at + end };
  };

  const values: Uint8Array[] = [];
  const push = (key: Uint8Array, value: Uint8Array): void => {
    if (key.byteLength === 4 && new DataView(key.buffer, key.byteOffset, 4).getUint32(0, le) === 0) return;
    if (values.length >= options.maxValues)
      throw limitError('INVENTORY_LIMIT', input, 'packages', values.length + 1, options.maxValues);
    values.push(value);
  };
  for (let pgno = 1; pgno <= lastPage; pgno++) {
    if (pgno % 256 === 0) options.signal?.throwIfAborted();
    const at = pgno * pageSize;
    const type = bytes[at + 25];
    const entries = u16(at + 20);
    if (type !== P_HASH && type !== P_HASH_UNSORTED && type !== P_LBTREE) continue;
    if (PAGE_HEADER + entries * 2 > pageSize) throw fail(`page ${pgno}: ${entries} entries`);
    for (let i = 0; i + 1 < entries; i += 2) {
      const key = type === P_LBTREE ? btreeItem(at, i) : hashItem(at, i);
      const value = type === P_LBTREE ? btreeItem(at, i + 1) : hashItem(at, i + 1);
      if (key !== undefined && value !== undefined) push(key, value);
    }
  }
  return values;

  function hashItem(at: number, index: number): Uint8Array | undefined {
    const { start, end } = item(at, index);
    switch (bytes[start]) {
      case H_KEYDATA:
        return bytes.subarray(start + 1, end);
      case H_OFFPAGE:
        if (start + 12 > end) throw fail('short off-page item');
        return overflow(u32(start + 4), u32(start + 8));
      default:
        return undefined; // duplicates are not used by rpm
    }
  }

  function btreeItem(at: number, index: number): Uint8Array | undefined {
    const start = at + u16(at + PAGE_HEADER + index * 2);
    if (start + 3 > at + pageSize || start < at + PAGE_HEADER) throw fail('item offset');
    const type = (bytes[start + 2] ?? 0) & 0x7f; // high bit: deleted flag
    if ((bytes[start + 2] ?? 0) & 0x80) return undefined;
    if (type === B_KEYDATA) {
      const length = u16(start);
      if (start + 3 + length > at + pageSize) throw fail('item runs past its page');
      return bytes.subarray(start + 3, start + 3 + length);
    }
    if (type === B_OVERFLOW) {
      if (start + 12 > at + pageSize) throw fail('short overflow item');
      return overflow(u32(start + 4), u32(start + 8));
    }
    return undefined;
  }
}
