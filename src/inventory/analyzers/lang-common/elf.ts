/**
 * A bounded ELF reader: header, section headers (with names) and PT_LOAD segments, enough to find
 * a named section and to read bytes at a virtual address. Everything is checked against the buffer;
 * out-of-range tables are a parse error, never an out-of-bounds read.
 * (System V gABI, "ELF Header", "Sections", "Program Header")
 */
import { parseError } from './limits.ts';

export interface ElfSection {
  readonly name: string;
  readonly type: number;
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
}

export interface ElfSegment {
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
}

export interface ElfFile {
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  readonly sections: readonly ElfSection[];
  readonly segments: readonly ElfSegment[];
}

const SHT_NOBITS = 8;
export const PT_LOAD = 1;
const MAX_TABLE_ENTRIES = 65_535;

export function isElf(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 16 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46
  );
}

/** Parse the tables of an ELF file, or `undefined` when the bytes are not ELF. */
export function parseElf(bytes: Uint8Array, input: string): ElfFile | undefined {
  if (!isElf(bytes)) return undefined;
  const bits = bytes[4] === 2 ? 64 : bytes[4] === 1 ? 32 : undefined;
  const littleEndian = bytes[5] === 1 ? true : bytes[5] === 2 ? false : undefined;
  if (bits === undefined || littleEndian === undefined)
    throw parseError(input, 'unknown ELF class or data encoding');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (offset: number, length: number): void => {
    if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > bytes.length) {
      throw parseError(input, 'ELF table outside the file');
    }
  };
  const u16 = (o: number): number => (need(o, 2), view.getUint16(o, littleEndian));
  const u32 = (o: number): number => (need(o, 4), view.getUint32(o, littleEndian));
  const word = (o: number): number => {
    if (bits === 32) return u32(o);
    need(o, 8);
    const value = view.getBigUint64(o, littleEndian);
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  };
  const w = bits === 64 ? 8 : 4;
  // e_phoff/e_shoff follow e_entry; then e_flags, e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx.
  const phoff = word(24 + w);
  const shoff = word(24 + 2 * w);
  const tail = 24 + 3 * w + 4 + 2;
  const phentsize = u16(tail);
  const phnum = u16(tail + 2);
  const shentsize = u16(tail + 4);
  let shnum = u16(tail + 6);
  let shstrndx = u16(tail + 8);

  const segments: ElfSegment[] = [];
  if (phoff !== 0 && phnum > 0) {
    if (phentsize < (bits === 64 ? 56 : 32)) throw parseError(input, 'ELF program header entries too small');
    for (let i = 0; i < phnum; i++) {
      const p = phoff + i * phentsize;
      segments.push(
        bits === 64
          ? {
              type: u32(p),
              flags: u32(p + 4),
              offset: word(p + 8),
              vaddr: word(p + 16),
              filesz: word(p + 32),
            }
          : { type: u32(p), offset: u32(p + 4), vaddr: u32(p + 8), filesz: u32(p + 16), flags: u32(p + 24) },
      );
    }
  }

  const raw: {
    nameOffset: number;
    type: number;
    addr: number;
    offset: number;
    size: number;
    link: number;
  }[] = [];
  if (shoff !== 0) {
    if (shentsize < (bits === 64 ? 64 : 40)) throw parseError(input, 'ELF section header entries too small');
    const readSection = (i: number) => {
      const s = shoff + i * shentsize;
      return bits === 64
        ? {
            nameOffset: u32(s),
            type: u32(s + 4),
            addr: word(s + 16),
            offset: word(s + 24),
            size: word(s + 32),
            link: u32(s + 40),
          }
        : {
            nameOffset: u32(s),
            type: u32(s + 4),
            addr: u32(s + 12),
            offset: u32(s + 16),
            size: u32(s + 20),
            link: u32(s + 24),
          };
    };
    // Extended numbering (gABI): counts that do not fit live in section 0.
    const first = readSection(0);
    if (shnum === 0) shnum = first.size;
    if (shstrndx === 0xffff) shstrndx = first.link;
    if (shnum > MAX_TABLE_ENTRIES) throw parseError(input, 'too many ELF sections');
    for (let i = 0; i < shnum; i++) raw.push(i === 0 ? first : readSection(i));
  }
  const strtab = raw[shstrndx];
  const nameAt = (offset: number): string => {
    if (strtab === undefined || strtab.type === SHT_NOBITS || offset >= strtab.size) return '';
    const start = strtab.offset + offset;
    const end = Math.min(strtab.offset + strtab.size, bytes.length);
    let stop = start;
    while (stop < end && bytes[stop] !== 0) stop++;
    return new TextDecoder().decode(bytes.subarray(start, stop));
  };
  const sections = raw.map((s) => ({
    name: nameAt(s.nameOffset),
    type: s.type,
    addr: s.addr,
    offset: s.offset,
    size: s.type === SHT_NOBITS ? 0 : s.size,
  }));
  return { bits, littleEndian, sections, segments };
}

/** The bytes of the named section, or undefined when absent or outside the file. */
export function sectionData(elf: ElfFile, bytes: Uint8Array, name: string): Uint8Array | undefined {
  const section = elf.sections.find((s) => s.name === name);
  if (section === undefined || section.offset + section.size > bytes.length) return undefined;
  return bytes.subarray(section.offset, section.offset + section.size);
}

/** `length` bytes at virtual address `vaddr`, through the PT_LOAD segment that maps them. */
export function readVirtual(
  elf: ElfFile,
  bytes: Uint8Array,
  vaddr: number,
  length: number,
): Uint8Array | undefined {
  for (const seg of elf.segments) {
    if (seg.type !== PT_LOAD || vaddr < seg.vaddr || vaddr + length > seg.vaddr + seg.filesz) continue;
    const start = seg.offset + (vaddr - seg.vaddr);
    if (start + length > bytes.length) return undefined;
    return bytes.subarray(start, start + length);
  }
  return undefined;
}
