// safetensors (huggingface/safetensors format spec): u64 little-endian header length, a JSON
// header, then one byte buffer. Checked: header bounds, dtype and shape against byte lengths,
// offsets contiguous from 0 to the end with no overlap or gap, metadata strings only.
import { emit, type Location, type ScanContext } from '../scan/context.ts';
import type { ByteSource } from '../scan/source.ts';

const DTYPE_BITS: Readonly<Record<string, number>> = {
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  F64: 64,
  I64: 64,
  U64: 64,
  C64: 64,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
};

/** Returns false when the bytes are not safetensors at all. */
export async function scanSafetensors(
  ctx: ScanContext,
  loc: Location,
  source: ByteSource,
  head: Uint8Array,
): Promise<boolean> {
  if (head.length < 10 || head[8] !== 0x7b) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const n = view.getUint32(4, true) * 0x100000000 + view.getUint32(0, true);
  if (n < 2 || n > source.size - 8) return false;
  const problems: string[] = [];
  const report = (): boolean => {
    ctx.formats.add('safetensors');
    for (const message of problems.slice(0, 20)) {
      emit(ctx, loc, {
        format: 'safetensors',
        offset: 8,
        kind: 'safetensors-invalid',
        severity: 'HIGH',
        message,
      });
    }
    return true;
  };
  if (n > ctx.limits.maxHeaderBytes) {
    problems.push(`header of ${n} bytes exceeds the ${ctx.limits.maxHeaderBytes}-byte limit`);
    return report();
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await source.read(8, n)));
  } catch {
    return false;
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    problems.push('header is not a JSON object');
    return report();
  }
  const dataLength = source.size - 8 - n;
  const ranges: Array<[number, number, string]> = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        problems.push('__metadata__ is not an object');
      else
        for (const [k, v] of Object.entries(value))
          if (typeof v !== 'string') problems.push(`__metadata__.${k} is not a string`);
      continue;
    }
    const t = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (t === null || typeof t !== 'object') {
      problems.push(`tensor ${name} is not an object`);
      continue;
    }
    const bits = typeof t.dtype === 'string' ? DTYPE_BITS[t.dtype] : undefined;
    if (bits === undefined) problems.push(`tensor ${name} has unknown dtype ${JSON.stringify(t.dtype)}`);
    const shape = t.shape;
    const offsets = t.data_offsets;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      problems.push(`tensor ${name} has an invalid shape`);
      continue;
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)
    ) {
      problems.push(`tensor ${name} has invalid data_offsets`);
      continue;
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin || end > dataLength)
      problems.push(
        `tensor ${name} data_offsets [${begin}, ${end}] fall outside the ${dataLength}-byte buffer`,
      );
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (bits !== undefined && (count * bits) / 8 !== end - begin) {
      problems.push(
        `tensor ${name}: ${t.dtype as string} × [${shape.join(', ')}] needs ${(count * bits) / 8} bytes, offsets give ${end - begin}`,
      );
    }
    ranges.push([begin, end, name]);
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cursor = 0;
  for (const [begin, end, name] of ranges) {
    if (begin < cursor) problems.push(`tensor ${name} overlaps the previous tensor`);
    else if (begin > cursor) problems.push(`gap of ${begin - cursor} bytes before tensor ${name}`);
    cursor = Math.max(cursor, end);
  }
  if (cursor !== dataLength) problems.push(`tensors cover ${cursor} bytes of a ${dataLength}-byte buffer`);
  return report();
}
