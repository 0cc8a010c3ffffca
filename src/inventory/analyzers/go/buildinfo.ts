/**
 * Go build information embedded in ELF executables, as `go version -m` reads it
 * (Go's debug/buildinfo). A 32-byte header starting with the magic `\xff Go buildinf:` holds the
 * pointer size and flags; since Go 1.18 (flag bit 2) the toolchain version and module info follow
 * inline as varint-length strings, before that two pointers lead to Go string headers in the
 * data segment. The header sits in `.go.buildinfo`, or 16-byte aligned in a data segment when
 * section headers are stripped.
 */
import { checkLimit, parseError } from '../lang-common/limits.ts';
import { type ElfFile, parseElf, PT_LOAD, readVirtual, sectionData } from '../lang-common/elf.ts';

const MAGIC = new Uint8Array([0xff, ...new TextEncoder().encode(' Go buildinf:')]);
const HEADER = 32;
const MAX_STRING = 4 * 1024 * 1024;
const FLAG_BIG_ENDIAN = 1;
const FLAG_INLINE = 2;
const PF_W = 2;

export interface GoModule {
  readonly path: string;
  readonly version: string;
  readonly sum?: string;
  readonly replace?: GoModule;
}

export interface GoBuildInfo {
  /** Toolchain version as written, e.g. `go1.21.5`. */
  readonly goVersion: string;
  /** Main package path. */
  readonly path?: string;
  readonly main?: GoModule;
  readonly deps: readonly GoModule[];
  readonly settings: readonly (readonly [string, string])[];
}

function hasMagic(bytes: Uint8Array, at: number): boolean {
  if (at + HEADER > bytes.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[at + i] !== MAGIC[i]) return false;
  return true;
}

/** The 32-byte header: in `.go.buildinfo`, else searched 16-byte aligned through writable segments. */
function findHeader(elf: ElfFile, bytes: Uint8Array): number | undefined {
  const section = elf.sections.find((s) => s.name === '.go.buildinfo');
  if (
    section !== undefined &&
    sectionData(elf, bytes, '.go.buildinfo') !== undefined &&
    hasMagic(bytes, section.offset)
  ) {
    return section.offset;
  }
  const ranges = elf.segments
    .filter((s) => s.type === PT_LOAD && (s.flags & PF_W) !== 0)
    .map((s) => [s.offset, Math.min(bytes.length, s.offset + s.filesz)] as const);
  for (const [start, end] of ranges.length > 0 ? ranges : [[0, bytes.length] as const]) {
    for (let at = start + ((16 - (start % 16)) % 16); at + HEADER <= end; at += 16) {
      if (bytes[at] === 0xff && hasMagic(bytes, at)) return at;
    }
  }
  return undefined;
}

/** Unsigned LEB128 varint, as Go's encoding/binary.Uvarint; bounded to 4 bytes (strings ≤ 4 MiB). */
function readVarint(bytes: Uint8Array, at: number, input: string): { value: number; next: number } {
  let value = 0;
  for (let i = 0; i < 4; i++) {
    const b = bytes[at + i];
    if (b === undefined) throw parseError(input, 'Go build info truncated');
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return { value, next: at + i + 1 };
  }
  throw parseError(input, 'Go build info string length too long');
}

function readInlineString(bytes: Uint8Array, at: number, input: string): { text: string; next: number } {
  const { value, next } = readVarint(bytes, at, input);
  checkLimit(input, 'Go build info string bytes', value, MAX_STRING);
  if (next + value > bytes.length) throw parseError(input, 'Go build info truncated');
  return { text: new TextDecoder().decode(bytes.subarray(next, next + value)), next: next + value };
}

/** Pre-1.18: a pointer to a Go string header `{data *byte, len int}` in the data segment. */
function readPointerString(
  elf: ElfFile,
  bytes: Uint8Array,
  at: number,
  ptrSize: number,
  big: boolean,
  input: string,
): string {
  const word = (b: Uint8Array, o: number): number => {
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (ptrSize === 4) return view.getUint32(o, !big);
    const v = view.getBigUint64(o, !big);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(v);
  };
  if (at + ptrSize > bytes.length) throw parseError(input, 'Go build info truncated');
  const headerAddr = word(bytes, at);
  const header = readVirtual(elf, bytes, headerAddr, 2 * ptrSize);
  if (header === undefined) throw parseError(input, 'Go build info pointer outside the file');
  const dataAddr = word(header, 0);
  const length = word(header, ptrSize);
  if (length < 0) throw parseError(input, 'Go build info string length invalid');
  checkLimit(input, 'Go build info string bytes', length, MAX_STRING);
  const data = readVirtual(elf, bytes, dataAddr, length);
  if (data === undefined) throw parseError(input, 'Go build info string outside the file');
  return new TextDecoder().decode(data);
}

/** Build info of a Go ELF executable; `undefined` when the file is not ELF or was not built by Go. */
export function readGoBuildInfo(bytes: Uint8Array, input: string): GoBuildInfo | undefined {
  const elf = parseElf(bytes, input);
  if (elf === undefined) return undefined;
  const at = findHeader(elf, bytes);
  if (at === undefined) return undefined;
  const ptrSize = bytes[at + 14] as number;
  const flags = bytes[at + 15] as number;
  let version: string;
  let modinfo: string;
  if ((flags & FLAG_INLINE) !== 0) {
    const v = readInlineString(bytes, at + HEADER, input);
    version = v.text;
    modinfo = readInlineString(bytes, v.next, input).text;
  } else {
    if (ptrSize !== 4 && ptrSize !== 8) throw parseError(input, 'Go build info pointer size invalid');
    const big = (flags & FLAG_BIG_ENDIAN) !== 0;
    version = readPointerString(elf, bytes, at + 16, ptrSize, big, input);
    modinfo = readPointerString(elf, bytes, at + 16 + ptrSize, ptrSize, big, input);
  }
  if (version.length === 0) return undefined;
  return { goVersion: version, ...parseModInfo(stripSentinels(modinfo)) };
}

/** The module info is framed by two 16-byte sentinels (runtime/debug: modinfo.go). */
function stripSentinels(modinfo: string): string {
  return modinfo.length >= 33 && modinfo[modinfo.length - 17] === '\n' ? modinfo.slice(16, -16) : modinfo;
}

/** The text form of runtime/debug.BuildInfo: tab-separated `path`, `mod`, `dep`, `=>`, `build` lines. */
export function parseModInfo(text: string): Omit<GoBuildInfo, 'goVersion'> {
  let path: string | undefined;
  let main: GoModule | undefined;
  const deps: GoModule[] = [];
  const settings: [string, string][] = [];
  let last: 'main' | 'dep' | undefined;
  for (const line of text.split('\n')) {
    const [kind, a = '', b = '', c] = line.split('\t');
    const mod = (): GoModule => ({ path: a, version: b, ...(c === undefined || c === '' ? {} : { sum: c }) });
    switch (kind) {
      case 'path':
        path = a;
        break;
      case 'mod':
        main = mod();
        last = 'main';
        break;
      case 'dep':
        deps.push(mod());
        last = 'dep';
        break;
      case '=>': {
        // Replaces the module on the line before.
        if (last === 'main' && main !== undefined) main = { ...main, replace: mod() };
        const prev = deps.at(-1);
        if (last === 'dep' && prev !== undefined) deps[deps.length - 1] = { ...prev, replace: mod() };
        last = undefined;
        break;
      }
      case 'build': {
        const eq = line.indexOf('=');
        if (eq > 0) settings.push([line.slice(6, eq), line.slice(eq + 1)]);
        break;
      }
      default:
        break;
    }
  }
  return { ...(path === undefined ? {} : { path }), ...(main === undefined ? {} : { main }), deps, settings };
}
