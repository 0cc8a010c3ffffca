/**
 * Deterministic minimal ELF files: a header, one read-write PT_LOAD segment mapping the whole file
 * at VADDR_BASE, the given sections (16-byte aligned) and a section name table. Enough for readers
 * that look up sections by name and follow virtual addresses; not a runnable program.
 */
export const VADDR_BASE = 0x400000;

export interface ElfSectionSpec {
  readonly name: string;
  readonly size: number;
  /** Section bytes, given every section's virtual address (for data holding pointers). */
  fill(addresses: Readonly<Record<string, number>>): Uint8Array;
}

export interface ElfSpec {
  readonly bits?: 32 | 64;
  readonly littleEndian?: boolean;
  readonly sections: readonly ElfSectionSpec[];
  /** Leave out the section header table (as after `strip --strip-section-headers`). */
  readonly withoutSectionHeaders?: boolean;
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

export function buildElf(spec: ElfSpec): Uint8Array {
  const bits = spec.bits ?? 64;
  const le = spec.littleEndian ?? true;
  const ehsize = bits === 64 ? 64 : 52;
  const phentsize = bits === 64 ? 56 : 32;
  const shentsize = bits === 64 ? 64 : 40;
  const names = ['', ...spec.sections.map((s) => s.name), '.shstrtab'];
  const shstrtab = new TextEncoder().encode(names.map((n) => `${n}\0`).join(''));
  let offset = align(ehsize + phentsize, 16);
  const placed = spec.sections.map((s) => {
    const at = offset;
    offset = align(at + s.size, 16);
    return { spec: s, offset: at };
  });
  const strOffset = offset;
  const shoff = align(strOffset + shstrtab.length, 16);
  const total = shoff + (spec.withoutSectionHeaders === true ? 0 : names.length * shentsize);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  const u16 = (o: number, v: number): void => view.setUint16(o, v, le);
  const u32 = (o: number, v: number): void => view.setUint32(o, v, le);
  const word = (o: number, v: number): void =>
    bits === 64 ? view.setBigUint64(o, BigInt(v), le) : view.setUint32(o, v, le);
  const w = bits === 64 ? 8 : 4;

  bytes.set([0x7f, 0x45, 0x4c, 0x46, bits === 64 ? 2 : 1, le ? 1 : 2, 1]);
  u16(16, 2); // ET_EXEC
  u16(18, bits === 64 ? 62 : 3); // x86-64 / i386
  u32(20, 1);
  word(24, VADDR_BASE); // e_entry
  word(24 + w, ehsize); // e_phoff
  word(24 + 2 * w, spec.withoutSectionHeaders === true ? 0 : shoff);
  const tail = 24 + 3 * w + 4;
  u16(tail, ehsize);
  u16(tail + 2, phentsize);
  u16(tail + 4, 1);
  u16(tail + 6, shentsize);
  u16(tail + 8, spec.withoutSectionHeaders === true ? 0 : names.length);
  u16(tail + 10, spec.withoutSectionHeaders === true ? 0 : names.length - 1);

  // One PT_LOAD, flags R|W, mapping the file from offset 0.
  const p = ehsize;
  if (bits === 64) {
    u32(p, 1);
    u32(p + 4, 6);
    word(p + 8, 0);
    word(p + 16, VADDR_BASE);
    word(p + 24, VADDR_BASE);
    word(p + 32, total);
    word(p + 40, total);
    word(p + 48, 0x1000);
  } else {
    u32(p, 1);
    u32(p + 4, 0);
    u32(p + 8, VADDR_BASE);
    u32(p + 12, VADDR_BASE);
    u32(p + 16, total);
    u32(p + 20, total);
    u32(p + 24, 6);
    u32(p + 28, 0x1000);
  }

  const addresses = Object.fromEntries(placed.map((s) => [s.spec.name, VADDR_BASE + s.offset]));
  for (const s of placed) {
    const data = s.spec.fill(addresses);
    if (data.length > s.spec.size) throw new Error(`section ${s.spec.name} larger than declared`);
    bytes.set(data, s.offset);
  }
  bytes.set(shstrtab, strOffset);
  if (spec.withoutSectionHeaders === true) return bytes;

  let nameOffset = 1;
  const sectionRows = [
    ...placed.map((s) => ({ type: 1, offset: s.offset, size: s.spec.size, addr: VADDR_BASE + s.offset })),
    { type: 3, offset: strOffset, size: shstrtab.length, addr: 0 },
  ];
  sectionRows.forEach((row, i) => {
    const o = shoff + (i + 1) * shentsize;
    u32(o, nameOffset);
    nameOffset += (names[i + 1] as string).length + 1;
    u32(o + 4, row.type);
    if (bits === 64) {
      word(o + 16, row.addr);
      word(o + 24, row.offset);
      word(o + 32, row.size);
    } else {
      u32(o + 12, row.addr);
      u32(o + 16, row.offset);
      u32(o + 20, row.size);
    }
  });
  return bytes;
}
