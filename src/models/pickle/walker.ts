// The state of one pickle walk (CPython's Unpickler fields, symbolically) and the stack, mark
// and memo primitives with _pickle.c's error cases. One class so that every access is
// monomorphic; the opcode loop (walk-loop.ts) keeps the read position in a local and syncs it
// here only around slower helpers.
import { WalkError, type NestedPayload, type PickleAnalysis, type PickleAnomaly } from './analysis.ts';
import type { CallRecord, GlobalRef, Sym } from './symbols.ts';

export const MAX_ANOMALIES = 64;
export const MAX_INLINE_DEPTH = 4;

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** UTF-8 text of buf[start, end): short ASCII strings (keys, names) without a TextDecoder call. */
export function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  if (end - start <= 48) {
    let out = '';
    for (let i = start; i < end; i++) {
      const c = buf[i] as number;
      if (c >= 0x80) return utf8.decode(buf.subarray(start, end));
      out += String.fromCharCode(c);
    }
    return out;
  }
  return utf8.decode(buf.subarray(start, end));
}

export function decodeLatin1(bytes: Uint8Array): string {
  return latin1.decode(bytes);
}

/** Walks a pickle embedded inline (joblib object arrays); injected to keep modules acyclic. */
export type InlineWalk = (buf: Uint8Array, start: number, inlineDepth: number) => PickleAnalysis;

export class PickleWalker {
  readonly buf: Uint8Array;
  readonly view: DataView;
  readonly len: number;
  readonly start: number;
  readonly inlineDepth: number;
  readonly walkInline: InlineWalk;
  /** Read position, valid around helper calls (the loop keeps its own copy). */
  pos: number;
  /** Offset of the opcode being executed (for findings and errors). */
  opStart: number;
  readonly stack: Sym[] = [];
  readonly marks: number[] = [];
  readonly memo = new Map<number, Sym>();
  readonly globals: GlobalRef[] = [];
  readonly interned = new Map<string, Sym>();
  // Results thrown away (POP, POP_MARK, left on the stack or in the memo at STOP) that were
  // never consumed: collected when discarded, so call records are never retained for this.
  readonly unused: CallRecord[] = [];
  readonly anomalies: PickleAnomaly[] = [];
  readonly nested: NestedPayload[] = [];
  readonly inline: PickleAnalysis[] = [];
  readonly seenMismatch = new Set<number>();
  callCount = 0;
  protocol = 0;
  protoSeen = 0;
  frameEnd = -1;
  /** End of the current opcode when joblib data follows it outside the pickle framing. */
  opEnd = -1;
  opCount = 0;
  stopped = false;

  constructor(buf: Uint8Array, start: number, inlineDepth: number, walkInline: InlineWalk) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.len = buf.length;
    this.start = start;
    this.inlineDepth = inlineDepth;
    this.walkInline = walkInline;
    this.pos = start;
    this.opStart = start;
  }

  anomaly(a: PickleAnomaly): void {
    if (this.anomalies.length < MAX_ANOMALIES) this.anomalies.push(a);
  }

  fail(message: string): never {
    throw new WalkError(message, this.opStart);
  }

  truncated(): never {
    throw new WalkError('pickle data was truncated', this.opStart, true);
  }

  /** Throws unless `n` more bytes are available at `pos`. */
  need(n: number): void {
    if (n < 0 || this.pos + n > this.len) this.truncated();
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }

  /** A protocol-0 text argument up to the newline, as latin-1. */
  line(): string {
    const nl = this.buf.indexOf(0x0a, this.pos);
    if (nl < 0) throw new WalkError('pickle data was truncated (no newline)', this.opStart, true);
    const text = latin1.decode(this.buf.subarray(this.pos, nl));
    this.pos = nl + 1;
    return text;
  }

  /** GLOBAL/INST module and name lines, decoded as UTF-8 like _pickle.c. */
  utf8Line(): string {
    const nl = this.buf.indexOf(0x0a, this.pos);
    if (nl < 0) throw new WalkError('pickle data was truncated (no newline)', this.opStart, true);
    const value = decodeUtf8(this.buf, this.pos, nl);
    this.pos = nl + 1;
    return value;
  }

  /** Stack height below which the current mark forbids popping. */
  fence(): number {
    const marks = this.marks;
    return marks.length > 0 ? (marks[marks.length - 1] as number) : 0;
  }

  pop(): Sym {
    const stack = this.stack;
    if (stack.length <= this.fence()) this.fail('unpickling stack underflow');
    return stack.pop() as Sym;
  }

  peek(): Sym {
    const stack = this.stack;
    if (stack.length <= this.fence()) this.fail('unpickling stack underflow');
    return stack[stack.length - 1] as Sym;
  }

  popMark(): Sym[] {
    if (this.marks.length === 0) this.fail('could not find MARK');
    const at = this.marks.pop() as number;
    // Popped one by one: splice, slice and `length =` are slow generic paths for the two or
    // three items a mark usually holds.
    const stack = this.stack;
    const n = stack.length - at;
    const items = new Array<Sym>(n);
    for (let i = n - 1; i >= 0; i--) items[i] = stack.pop() as Sym;
    return items;
  }

  memoGet(key: number): Sym {
    const value = this.memo.get(key);
    if (value === undefined) this.fail(`memo value not found at index ${key}`);
    return value;
  }

  memoPut(key: number): void {
    if (key < 0) this.fail('negative PUT argument');
    this.memo.set(key, this.peek());
  }

  /** Marks a value as consumed (an argument, a state, a container item). */
  use(sym: Sym): void {
    const t = sym.t;
    if (t === 'call') sym.c.used = true;
    else if (t === 'tuple') {
      const items = sym.items;
      for (let i = 0; i < items.length; i++) this.use(items[i] as Sym);
    }
  }

  /** A value thrown away: remembered when it is a call result nothing consumed. */
  discard(sym: Sym, depth = 0): void {
    if (sym.t === 'call') {
      const unused = this.unused;
      if (!sym.c.used && !unused.includes(sym.c) && unused.length < MAX_ANOMALIES) unused.push(sym.c);
    } else if (sym.t === 'tuple' && depth < 8) for (const item of sym.items) this.discard(item, depth + 1);
  }
}
