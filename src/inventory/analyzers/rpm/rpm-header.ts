/**
 * rpm header blobs as rpm stores them in its database (every backend stores the same blob):
 *
 *   int32 il (index entry count) | int32 dl (data length) | il × entry | dl bytes of data
 *   entry = int32 tag | uint32 type | int32 offset (into data) | uint32 count      (big-endian)
 *
 * Types: 0 NULL, 1 CHAR, 2 INT8, 3 INT16, 4 INT32, 5 INT64, 6 STRING, 7 BIN, 8 STRING_ARRAY,
 * 9 I18NSTRING. Region tags (61-63) mark signed regions and are not needed for inventory.
 *
 * Security: this parser is hand-written on purpose. The blobs come from images we do not trust;
 * librpm is not available to Node, and running `rpm` (or a native binding) on them would execute
 * C code on attacker-controlled bytes, need rpm on the host, and enforce none of our limits.
 * The format is a small tag/type/offset/count table, and inventory needs a dozen tags, so we read
 * just those, with every offset and count checked against the bytes actually present (no
 * allocation is sized from a declared count before that check), and limits from rpm's own
 * `hdrchkTags`/`hdrchkData` (65,535 entries, 256 MiB of data). Any violation is an
 * `INVENTORY_PARSE` error for that one header.
 */
import { BosunError } from '../../../util/errors.ts';

export const RPM_TAGS = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  SOURCERPM: 1044,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  MODULARITYLABEL: 5096,
} as const;

const TYPE = { INT32: 4, STRING: 6, STRING_ARRAY: 8, I18NSTRING: 9 } as const;
const MAX_TYPE = 9;
/** rpm's hdrchkTags and hdrchkData. */
const MAX_ENTRIES = 0xffff;
const MAX_DATA = 0x10000000;
const ENTRY_SIZE = 16;

interface Entry {
  readonly type: number;
  readonly offset: number;
  readonly count: number;
}

export class RpmHeader {
  readonly #data: Uint8Array;
  readonly #view: DataView;
  readonly #entries: ReadonlyMap<number, Entry>;
  readonly #input: string;

  constructor(data: Uint8Array, entries: ReadonlyMap<number, Entry>, input: string) {
    this.#data = data;
    this.#view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.#entries = entries;
    this.#input = input;
  }

  has(tag: number): boolean {
    return this.#entries.has(tag);
  }

  /** A STRING (or the first string of an I18NSTRING/STRING_ARRAY) tag, or undefined when absent. */
  string(tag: number): string | undefined {
    const entry = this.#entries.get(tag);
    if (entry === undefined) return undefined;
    if (entry.type !== TYPE.STRING && entry.type !== TYPE.I18NSTRING && entry.type !== TYPE.STRING_ARRAY) {
      throw this.#error(`tag ${tag} is not a string`);
    }
    return this.#strings(entry, 1)[0];
  }

  /** A STRING_ARRAY tag (empty when absent). */
  stringArray(tag: number): string[] {
    const entry = this.#entries.get(tag);
    if (entry === undefined) return [];
    if (entry.type !== TYPE.STRING_ARRAY && entry.type !== TYPE.I18NSTRING)
      throw this.#error(`tag ${tag} is not a string array`);
    return this.#strings(entry, entry.count);
  }

  /** An INT32 array tag (empty when absent). */
  int32Array(tag: number): number[] {
    const entry = this.#entries.get(tag);
    if (entry === undefined) return [];
    if (entry.type !== TYPE.INT32) throw this.#error(`tag ${tag} is not an int32`);
    if (entry.offset % 4 !== 0 || entry.offset + entry.count * 4 > this.#data.byteLength) {
      throw this.#error(`tag ${tag} int32 data out of bounds`);
    }
    const values: number[] = [];
    for (let i = 0; i < entry.count; i++) values.push(this.#view.getInt32(entry.offset + i * 4, false));
    return values;
  }

  #strings(entry: Entry, count: number): string[] {
    const decoder = new TextDecoder('utf-8');
    const out: string[] = [];
    let at = entry.offset;
    for (let i = 0; i < count; i++) {
      const end = this.#data.indexOf(0, at);
      if (end === -1) throw this.#error('string runs past the data store');
      out.push(decoder.decode(this.#data.subarray(at, end)));
      at = end + 1;
    }
    return out;
  }

  #error(what: string): BosunError {
    return new BosunError('INVENTORY_PARSE', `${this.#input}: rpm header: ${what}`, {
      details: { input: this.#input },
    });
  }
}

/** Parse a header blob's index; tag data is decoded (and bounds-checked again) on access. */
export function parseRpmHeader(blob: Uint8Array, input: string): RpmHeader {
  const fail = (what: string): BosunError =>
    new BosunError('INVENTORY_PARSE', `${input}: rpm header: ${what}`, { details: { input } });
  if (blob.byteLength < 8) throw fail('shorter than its 8-byte preamble');
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const il = view.getUint32(0, false);
  const dl = view.getUint32(4, false);
  if (il < 1 || il > MAX_ENTRIES) throw fail(`index entry count ${il} outside 1..${MAX_ENTRIES}`);
  if (dl > MAX_DATA) throw fail(`data length ${dl} over ${MAX_DATA}`);
  const dataStart = 8 + il * ENTRY_SIZE;
  if (dataStart + dl > blob.byteLength)
    throw fail(`declares ${dataStart + dl} bytes, has ${blob.byteLength}`);
  const entries = new Map<number, Entry>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * ENTRY_SIZE;
    const tag = view.getInt32(at, false);
    const type = view.getUint32(at + 4, false);
    const offset = view.getInt32(at + 8, false);
    const count = view.getUint32(at + 12, false);
    if (type > MAX_TYPE) throw fail(`entry ${i}: type ${type}`);
    if (offset < 0 || offset > dl) throw fail(`entry ${i}: offset ${offset} outside data (${dl})`);
    if (count < 1 || count > dl) throw fail(`entry ${i}: count ${count}`);
    if (!entries.has(tag)) entries.set(tag, { type, offset, count });
  }
  return new RpmHeader(blob.subarray(dataStart, dataStart + dl), entries, input);
}
