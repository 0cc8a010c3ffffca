// NumPy .npy (numpy/lib/format.py): magic, version, header dict; object arrays are a pickle
// after the header, which numpy.load(allow_pickle=True) executes.
import { scanPickleStream } from '../pickle/stream.ts';
import { child, emit, type ItemScanner, type Location, type ScanContext } from '../scan/context.ts';
import { sliceSource } from '../scan/slice.ts';
import type { ByteSource } from '../scan/source.ts';
import { bufferSource } from '../scan/source.ts';
import { parsePyLiteral, type PyValue } from './py-literal.ts';

// numpy's descr_to_dtype accepts any dtype spelling ('object', 'O8', '|O'…): only spellings
// known to be plain fixed-size data count as object-free, everything else may carry a pickle.
const PLAIN_DESCR =
  /^([<>|=]?[biufcmMSUV]\d*(\[\w+\])?|bool|u?int(8|16|32|64)?|float(16|32|64)?|complex(64|128)?)$/;

function hasObject(descr: PyValue): boolean {
  if (typeof descr === 'string') return !PLAIN_DESCR.test(descr);
  if (Array.isArray(descr)) {
    return descr.some((field) => (Array.isArray(field) ? hasObject(field[1] ?? '') : hasObject(field)));
  }
  return true;
}

function itemSize(descr: string): number | undefined {
  const m = /^[<>|=]?([a-zA-Z])(\d+)/.exec(descr);
  if (!m) return undefined;
  const n = Number(m[2]);
  return m[1] === 'U' ? n * 4 : n;
}

export async function scanNumpy(
  ctx: ScanContext,
  loc: Location,
  source: ByteSource,
  head: Uint8Array,
  scanItem: ItemScanner,
): Promise<boolean> {
  if (head.length < 10 || String.fromCharCode(...head.subarray(1, 6)) !== 'NUMPY') return false;
  ctx.formats.add('numpy');
  const invalid = (message: string, offset = 0): boolean => {
    emit(ctx, loc, { format: 'numpy', offset, kind: 'numpy-invalid', severity: 'HIGH', message });
    return true;
  };
  const major = head[6] as number;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (major < 1 || major > 3) return invalid(`unsupported .npy version ${major}`);
  const headerLength =
    major === 1 ? view.getUint16(8, true) : head.length >= 12 ? view.getUint32(8, true) : -1;
  const start = major === 1 ? 10 : 12;
  if (headerLength < 0 || start + headerLength > source.size || headerLength > ctx.limits.maxHeaderBytes) {
    return invalid('header length runs past the end of the file');
  }
  const headerBytes = await source.read(start, headerLength);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  let header: PyValue;
  try {
    header = parsePyLiteral(text);
  } catch (error) {
    return invalid(`header is not a Python literal: ${(error as Error).message}`, start);
  }
  if (
    header === null ||
    typeof header !== 'object' ||
    Array.isArray(header) ||
    !('descr' in header) ||
    !('shape' in header)
  ) {
    return invalid('header lacks descr or shape', start);
  }
  const dataOffset = start + headerLength;
  const descr = header['descr'] as PyValue;
  if (hasObject(descr)) {
    // Object arrays are pickled with the array: scan it like any pickle (parse errors count).
    const data = sliceSource(source, dataOffset);
    await scanPickleStream(ctx, child(loc, 'object-array'), data, 'strong', async (nested, bytes) => {
      await scanItem(nested, bufferSource(bytes), { pickle: true });
    });
    return true;
  }
  const shape = header['shape'];
  if (
    typeof descr === 'string' &&
    Array.isArray(shape) &&
    shape.every((d) => typeof d === 'number' && d >= 0)
  ) {
    const size = itemSize(descr);
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (size !== undefined && source.size - dataOffset !== count * size) {
      emit(ctx, loc, {
        format: 'numpy',
        offset: dataOffset,
        kind: 'numpy-invalid',
        severity: source.size - dataOffset > count * size ? 'MEDIUM' : 'HIGH',
        message: `array data is ${source.size - dataOffset} bytes, header implies ${count * size}`,
      });
    }
  }
  return true;
}
