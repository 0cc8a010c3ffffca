/**
 * Go build info blobs as the Go linker lays them out (debug/buildinfo): the 32-byte header with
 * magic `\xff Go buildinf:`, pointer size and flags, then either inline varint strings (Go ≥ 1.18)
 * or pointers to Go string headers (Go < 1.18). Wrapped in ELF files by `buildElf`.
 */
import { buildElf, type ElfSpec } from './elf.ts';

const MAGIC = [0xff, ...new TextEncoder().encode(' Go buildinf:')];
// The module info is framed by 16-byte sentinels (runtime/debug); any 16 bytes do for readers.
const SENTINEL = new Uint8Array(16).fill(0x30);

export function wrapModInfo(text: string): Uint8Array {
  const body = new TextEncoder().encode(text.endsWith('\n') ? text : `${text}\n`);
  return new Uint8Array([...SENTINEL, ...body, ...SENTINEL]);
}

function uvarint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** Go ≥ 1.18: header with the inline flag, then varint-length version and module info. */
export function inlineBuildInfo(goVersion: string, modinfo: Uint8Array): Uint8Array {
  const header = new Uint8Array(32);
  header.set(MAGIC);
  header[14] = 8;
  header[15] = 2;
  const version = new TextEncoder().encode(goVersion);
  return new Uint8Array([
    ...header,
    ...uvarint(version.length),
    ...version,
    ...uvarint(modinfo.length),
    ...modinfo,
  ]);
}

/** An ELF whose `.go.buildinfo` uses the inline format. */
export function goElfInline(
  goVersion: string,
  modinfo: Uint8Array,
  extra: Partial<ElfSpec> = {},
): Uint8Array {
  const blob = inlineBuildInfo(goVersion, modinfo);
  return buildElf({ ...extra, sections: [{ name: '.go.buildinfo', size: blob.length, fill: () => blob }] });
}

/** Go < 1.18: `.go.buildinfo` holds two pointers to `{data, len}` string headers in `.data`. */
export function goElfPointers(
  goVersion: string,
  modinfo: Uint8Array,
  spec: { bits?: 32 | 64; littleEndian?: boolean } = {},
): Uint8Array {
  const bits = spec.bits ?? 64;
  const le = spec.littleEndian ?? true;
  const ptr = bits / 8;
  const version = new TextEncoder().encode(goVersion);
  const dataSize = 4 * ptr + version.length + modinfo.length;
  const putWord = (view: DataView, at: number, v: number): void =>
    ptr === 8 ? view.setBigUint64(at, BigInt(v), le) : view.setUint32(at, v, le);
  return buildElf({
    bits,
    littleEndian: le,
    sections: [
      {
        name: '.go.buildinfo',
        size: 32,
        fill: (addr) => {
          const out = new Uint8Array(32);
          out.set(MAGIC);
          out[14] = ptr;
          out[15] = le ? 0 : 1;
          const view = new DataView(out.buffer);
          putWord(view, 16, addr['.data'] as number);
          putWord(view, 16 + ptr, (addr['.data'] as number) + 2 * ptr);
          return out;
        },
      },
      {
        name: '.data',
        size: dataSize,
        fill: (addr) => {
          const base = addr['.data'] as number;
          const out = new Uint8Array(dataSize);
          const view = new DataView(out.buffer);
          putWord(view, 0, base + 4 * ptr);
          putWord(view, ptr, version.length);
          putWord(view, 2 * ptr, base + 4 * ptr + version.length);
          putWord(view, 3 * ptr, modinfo.length);
          out.set(version, 4 * ptr);
          out.set(modinfo, 4 * ptr + version.length);
          return out;
        },
      },
    ],
  });
}
