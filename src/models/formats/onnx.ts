// ONNX ModelProto (onnx/onnx.proto): only the fields that matter are decoded — the graph's
// initializers and their external_data `location`, which must stay inside the model directory.
import { emit, type Location, type ScanContext } from '../scan/context.ts';
import type { ByteSource } from '../scan/source.ts';

const WINDOW = 1 << 20;

/** A protobuf reader over a source, reading small windows so large embedded weights are skipped, not read. */
class Cursor {
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;
  pos: number;
  readonly end: number;
  private readonly source: ByteSource;
  constructor(source: ByteSource, pos: number, end: number) {
    this.source = source;
    this.pos = pos;
    this.end = end;
  }
  private async byte(): Promise<number> {
    if (this.pos >= this.end) throw new Error('truncated message');
    if (this.pos < this.windowStart || this.pos >= this.windowStart + this.window.length) {
      this.windowStart = this.pos;
      this.window = await this.source.read(this.pos, Math.min(WINDOW, this.end - this.pos));
      if (this.window.length === 0) throw new Error('truncated message');
    }
    return this.window[this.pos++ - this.windowStart] as number;
  }
  async varint(): Promise<number> {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = await this.byte();
      result += (b & 0x7f) * scale;
      if (!(b & 0x80)) return result;
      scale *= 128;
    }
    throw new Error('varint too long');
  }
  async bytes(n: number): Promise<Uint8Array> {
    if (this.pos + n > this.end) throw new Error('length runs past the end of the message');
    const out = await this.source.read(this.pos, n);
    this.pos += n;
    return out;
  }
  /** Next field: number, wire type, and for length-delimited fields the [start, end) range. */
  async next(): Promise<{ field: number; wire: number; start: number; stop: number } | undefined> {
    if (this.pos >= this.end) return undefined;
    const key = await this.varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    const start = this.pos;
    switch (wire) {
      case 0:
        await this.varint();
        break;
      case 1:
        this.pos += 8;
        break;
      case 5:
        this.pos += 4;
        break;
      case 2: {
        const n = await this.varint();
        this.pos += n;
        if (this.pos > this.end) throw new Error('length runs past the end of the message');
        return { field, wire, start: this.pos - n, stop: this.pos };
      }
      default:
        throw new Error(`unsupported wire type ${wire}`);
    }
    if (this.pos > this.end) throw new Error('field runs past the end of the message');
    return { field, wire, start, stop: this.pos };
  }
}

/** ModelProto starts with ir_version (field 1, varint) in every exporter we know. */
export function looksLikeOnnx(head: Uint8Array): boolean {
  return head[0] === 0x08 && (head[1] ?? 0xff) > 0 && (head[1] ?? 0xff) < 0x20 && head.length > 16;
}

function escapes(location: string): boolean {
  if (location.includes('\0')) return true;
  if (/^([a-zA-Z]:|[\\/]|~)/.test(location)) return true;
  return location.split(/[\\/]+/).some((part) => part === '..');
}

export async function scanOnnx(ctx: ScanContext, loc: Location, source: ByteSource): Promise<boolean> {
  const utf8 = new TextDecoder();
  const top = new Cursor(source, 0, source.size);
  let graphs = 0;
  try {
    const fields: Array<{ field: number; start: number; stop: number; wire: number }> = [];
    for (let f = await top.next(); f; f = await top.next()) fields.push(f);
    const graphFields = fields.filter((f) => f.field === 7 && f.wire === 2);
    if (graphFields.length === 0 || !fields.some((f) => f.field === 1 && f.wire === 0)) return false;
    ctx.formats.add('onnx');
    for (const g of graphFields) {
      graphs++;
      const graph = new Cursor(source, g.start, g.stop);
      for (let f = await graph.next(); f; f = await graph.next()) {
        // GraphProto.initializer = 5 (TensorProto); sparse_initializer = 15 (values = 1).
        if (f.wire !== 2 || (f.field !== 5 && f.field !== 15)) continue;
        const tensors: Array<[number, number]> = [];
        if (f.field === 5) tensors.push([f.start, f.stop]);
        else {
          const sparse = new Cursor(source, f.start, f.stop);
          for (let s = await sparse.next(); s; s = await sparse.next())
            if (s.field <= 2 && s.wire === 2) tensors.push([s.start, s.stop]);
        }
        for (const [start, stop] of tensors) {
          const tensor = new Cursor(source, start, stop);
          for (let t = await tensor.next(); t; t = await tensor.next()) {
            if (t.field !== 13 || t.wire !== 2) continue; // TensorProto.external_data
            const entry = new Cursor(source, t.start, t.stop);
            let key = '';
            let value = '';
            for (let e = await entry.next(); e; e = await entry.next()) {
              if (e.wire !== 2 || e.stop - e.start > 4096) continue;
              const text = utf8.decode(await new Cursor(source, e.start, e.stop).bytes(e.stop - e.start));
              if (e.field === 1) key = text;
              if (e.field === 2) value = text;
            }
            if (key === 'location' && escapes(value)) {
              emit(ctx, loc, {
                format: 'onnx',
                offset: t.start,
                kind: 'onnx-external-data',
                severity: 'CRITICAL',
                callChain: [`external_data.location = ${JSON.stringify(value)}`],
                message: `external data path ${JSON.stringify(value)} escapes the model directory`,
              });
            }
          }
        }
      }
    }
  } catch (error) {
    if (graphs === 0) return false;
    emit(ctx, loc, {
      format: 'onnx',
      offset: 0,
      kind: 'onnx-invalid',
      severity: 'HIGH',
      message: `ONNX protobuf cannot be parsed: ${(error as Error).message}`,
    });
  }
  return graphs > 0;
}
