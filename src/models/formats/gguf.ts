// GGUF (ggml/docs/gguf.md): magic, version, tensor and metadata counts, typed key/values, then
// tensor infos. Every length is checked against the bytes that remain; chat templates stored in
// the metadata are checked for Jinja that reaches Python objects.
import { emit, type Location, type ScanContext } from '../scan/context.ts';
import type { ByteSource } from '../scan/source.ts';
import { templateRisk } from './template-risk.ts';

const SCALAR_SIZE: Readonly<Record<number, number>> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};
const MAX_KV = 1_000_000;
const MAX_TENSORS = 10_000_000;

class GgufError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

export async function scanGguf(ctx: ScanContext, loc: Location, source: ByteSource): Promise<void> {
  ctx.formats.add('gguf');
  const buf = await source.read(0, Math.min(source.size, ctx.limits.maxHeaderBytes));
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const utf8 = new TextDecoder('utf-8');
  let pos = 4;
  const need = (n: number): void => {
    if (n < 0 || pos + n > buf.length) {
      throw new GgufError(
        buf.length < source.size
          ? `metadata exceeds the ${ctx.limits.maxHeaderBytes}-byte limit`
          : 'length runs past the end of the file',
        pos,
      );
    }
  };
  const u32 = (): number => {
    need(4);
    pos += 4;
    return view.getUint32(pos - 4, true);
  };
  const u64 = (): number => {
    need(8);
    pos += 8;
    const hi = view.getUint32(pos - 4, true);
    return hi >= 0x200000 ? Number.MAX_SAFE_INTEGER : hi * 0x100000000 + view.getUint32(pos - 8, true);
  };
  let version = 0;
  const count = (): number => (version === 1 ? u32() : u64());
  const string = (): string => {
    const n = count();
    need(n);
    pos += n;
    return utf8.decode(buf.subarray(pos - n, pos));
  };
  const skipValue = (type: number, depth: number): string | undefined => {
    if (type === 8) return string();
    if (type === 9) {
      if (depth > 2) throw new GgufError('nested arrays too deep', pos);
      const itemType = u32();
      const n = count();
      const size = SCALAR_SIZE[itemType];
      if (size !== undefined) {
        need(n * size);
        pos += n * size;
      } else if (itemType === 8 || itemType === 9) {
        if (n > buf.length - pos) throw new GgufError('array count exceeds the remaining bytes', pos);
        for (let i = 0; i < n; i++) skipValue(itemType, depth + 1);
      } else throw new GgufError(`unknown array item type ${itemType}`, pos);
      return undefined;
    }
    const size = SCALAR_SIZE[type];
    if (size === undefined) throw new GgufError(`unknown value type ${type}`, pos);
    need(size);
    pos += size;
    return undefined;
  };
  try {
    version = u32();
    if (version < 1 || version > 3) throw new GgufError(`unsupported GGUF version ${version}`, 4);
    const tensors = count();
    const kvs = count();
    if (tensors > MAX_TENSORS || kvs > MAX_KV)
      throw new GgufError(`implausible counts (${tensors} tensors, ${kvs} keys)`, 8);
    let alignment = 32;
    for (let i = 0; i < kvs; i++) {
      const at = pos;
      const key = string();
      const type = u32();
      const valueAt = pos;
      const text = skipValue(type, 0);
      if (key === 'general.alignment' && type === 4) alignment = view.getUint32(valueAt, true);
      if (text !== undefined && key.startsWith('tokenizer.chat_template')) {
        const risk = templateRisk(text);
        if (risk) {
          emit(ctx, loc, {
            format: 'gguf',
            offset: at,
            kind: 'gguf-template',
            severity: 'CRITICAL',
            callChain: [key],
            message: `chat template reaches Python objects when rendered (${risk})`,
          });
        }
      }
    }
    const infos: Array<{ name: string; offset: number }> = [];
    for (let i = 0; i < tensors; i++) {
      const name = string();
      const dims = u32();
      if (dims > 8) throw new GgufError(`tensor ${name} has ${dims} dimensions`, pos);
      for (let d = 0; d < dims; d++) u64();
      u32();
      infos.push({ name, offset: u64() });
    }
    if (alignment === 0 || (alignment & (alignment - 1)) !== 0)
      throw new GgufError(`alignment ${alignment} is not a power of two`, pos);
    const dataStart = Math.ceil(pos / alignment) * alignment;
    for (const info of infos) {
      if (info.offset % alignment !== 0 || dataStart + info.offset > source.size) {
        throw new GgufError(
          `tensor ${info.name} offset ${info.offset} is misaligned or past the end of the file`,
          pos,
        );
      }
    }
  } catch (error) {
    if (!(error instanceof GgufError)) throw error;
    emit(ctx, loc, {
      format: 'gguf',
      offset: error.offset,
      kind: 'gguf-invalid',
      severity: 'HIGH',
      message: error.message,
    });
  }
}
