// Symbolic pickle walker. Written here rather than taken from a library on purpose: security
// needs full control over every opcode, every error path and every parser differential, and the
// stream must never be evaluated. Semantics follow CPython's C unpickler (Modules/_pickle.c),
// which is what `pickle.load`, `torch.load` and `joblib.load` actually run.
import type { FindingKind, Severity } from '../types.ts';
import { HIGHEST_PROTOCOL, OP, OPCODE_NAME, OPCODE_PROTOCOL } from './opcodes.ts';
import { decodeRawUnicodeEscape, decodeStringEscape, parseTextInt } from './text.ts';
import {
  LazyStr,
  OBJ,
  SCALAR,
  globalName,
  renderArgs,
  renderSym,
  rootGlobal,
  MAX_USES,
  type CallRecord,
  type GlobalRef,
  type Sym,
} from './symbols.ts';
import { NESTED_LOADERS, PURE_BYTES_HELPERS, isJoblibArrayWrapper } from './loaders.ts';
import { joblibArrayLength } from './joblib-array.ts';

export interface PickleAnomaly {
  readonly kind: FindingKind;
  readonly offset: number;
  readonly severity: Severity;
  readonly message: string;
  readonly callable?: string;
  readonly callChain?: readonly string[];
}

/** Bytes a nested loader (`pickle.loads`, `torch.load`, `_load_from_bytes`…) would deserialise. */
export interface NestedPayload {
  readonly offset: number;
  readonly loader: string;
  readonly data: Uint8Array;
}

export interface PickleError {
  readonly offset: number;
  readonly message: string;
  /** The stream ended inside an opcode: more bytes might complete it. */
  readonly truncated: boolean;
}

export interface PickleAnalysis {
  readonly start: number;
  /** Offset after STOP, or of the failing opcode. */
  readonly end: number;
  readonly protocol: number;
  readonly globals: readonly GlobalRef[];
  /** Number of calls (REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX). */
  readonly callCount: number;
  readonly anomalies: readonly PickleAnomaly[];
  readonly nested: readonly NestedPayload[];
  /** Pickles embedded inline by joblib for object arrays. */
  readonly inline: readonly PickleAnalysis[];
  readonly error?: PickleError;
  readonly opCount: number;
  /** First opcode was PROTO (a strong sign the bytes are meant as a pickle). */
  readonly startsWithProto: boolean;
}

class WalkError extends Error {
  readonly offset: number;
  readonly truncated: boolean;
  constructor(message: string, offset: number, truncated = false) {
    super(message);
    this.offset = offset;
    this.truncated = truncated;
  }
}

const MAX_ANOMALIES = 64;
const MAX_INLINE_DEPTH = 4;
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** UTF-8 text of buf[start, end): short ASCII strings (keys, names) without a TextDecoder call. */
function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
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

/** Walks one pickle starting at `start` until STOP or the first error. Never throws on bad input. */
export function analyzePickle(buf: Uint8Array, start = 0, inlineDepth = 0): PickleAnalysis {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const len = buf.length;
  const stack: Sym[] = [];
  const marks: number[] = [];
  const memo = new Map<number, Sym>();
  const globals: GlobalRef[] = [];
  // Results thrown away (POP, POP_MARK, left on the stack or in the memo at STOP) that were
  // never consumed: collected when discarded, so call records are never retained for this.
  const unused: CallRecord[] = [];
  let callCount = 0;
  const anomalies: PickleAnomaly[] = [];
  const nested: NestedPayload[] = [];
  const inline: PickleAnalysis[] = [];
  const seenMismatch = new Set<number>();
  let protocol = 0;
  let protoSeen = 0;
  let pos = start;
  let opStart = start;
  let frameEnd = -1;
  // End of the current opcode when joblib data follows it outside the pickle framing.
  let opEnd = -1;
  let opCount = 0;
  let stopped = false;
  let error: PickleError | undefined;

  const anomaly = (a: PickleAnomaly): void => {
    if (anomalies.length < MAX_ANOMALIES) anomalies.push(a);
  };
  const need = (n: number): void => {
    if (n < 0 || pos + n > len) throw new WalkError('pickle data was truncated', opStart, true);
  };
  const u8 = (): number => {
    need(1);
    return buf[pos++] as number;
  };
  const u16 = (): number => {
    need(2);
    const v = view.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = (): number => {
    need(4);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const i32 = (): number => {
    need(4);
    const v = view.getInt32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = (): number => {
    need(8);
    const lo = view.getUint32(pos, true);
    const hi = view.getUint32(pos + 4, true);
    pos += 8;
    // Anything past 2^53 cannot fit in the input anyway; keep it huge so bounds checks fail.
    return hi >= 0x200000 ? Number.MAX_SAFE_INTEGER : hi * 0x100000000 + lo;
  };
  const lazyText = (n: number): Sym => {
    need(n);
    pos += n;
    return new LazyStr(buf, pos - n, pos);
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const out = buf.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const line = (): string => {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) throw new WalkError('pickle data was truncated (no newline)', opStart, true);
    const text = latin1.decode(buf.subarray(pos, nl));
    pos = nl + 1;
    return text;
  };
  const utf8Line = (): string => {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) throw new WalkError('pickle data was truncated (no newline)', opStart, true);
    const value = decodeUtf8(buf, pos, nl);
    pos = nl + 1;
    return value;
  };
  const fence = (): number => (marks.length > 0 ? (marks[marks.length - 1] as number) : 0);
  const pop = (): Sym => {
    if (stack.length <= fence()) throw new WalkError('unpickling stack underflow', opStart);
    return stack.pop() as Sym;
  };
  const peek = (): Sym => {
    if (stack.length <= fence()) throw new WalkError('unpickling stack underflow', opStart);
    return stack[stack.length - 1] as Sym;
  };
  const popMark = (): Sym[] => {
    if (marks.length === 0) throw new WalkError('could not find MARK', opStart);
    const at = marks.pop() as number;
    return stack.splice(at);
  };
  const use = (sym: Sym): void => {
    if (sym.t === 'call') sym.c.used = true;
    else if (sym.t === 'tuple') for (const item of sym.items) use(item);
  };
  const discard = (sym: Sym, depth = 0): void => {
    if (sym.t === 'call') {
      if (!sym.c.used && !unused.includes(sym.c) && unused.length < MAX_ANOMALIES) unused.push(sym.c);
    } else if (sym.t === 'tuple' && depth < 8) for (const item of sym.items) discard(item, depth + 1);
  };
  const memoGet = (key: number): Sym => {
    const value = memo.get(key);
    if (value === undefined) throw new WalkError(`memo value not found at index ${key}`, opStart);
    return value;
  };
  const memoPut = (key: number): void => {
    if (key < 0) throw new WalkError('negative PUT argument', opStart);
    memo.set(key, peek());
  };
  const str = (v: string): Sym => ({ t: 'str', v });

  const interned = new Map<string, Sym>();
  const pushGlobal = (module: string, name: string, opcode: string): void => {
    const key = `${module}\n${name}`;
    let sym = interned.get(key);
    if (sym === undefined) {
      const full = `${module}.${name}`;
      const special = PURE_BYTES_HELPERS.has(full) || NESTED_LOADERS.has(full) || isJoblibArrayWrapper(full);
      const g: GlobalRef = { module, name, full, offset: opStart, opcode, count: 0, uses: [], special };
      globals.push(g);
      sym = { t: 'global', g };
      interned.set(key, sym);
    }
    if (sym.t === 'global') sym.g.count++;
    stack.push(sym);
  };
  const addUse = (g: GlobalRef, use: GlobalRef['uses'][number]): void => {
    if (g.uses.length < MAX_USES) g.uses.push(use);
  };

  const mutate = (target: Sym, what: string, items: readonly Sym[]): void => {
    for (const item of items) use(item);
    if (target.t === 'global') {
      addUse(target.g, { kind: 'note', op: what, offset: opStart, note: 'mutates the imported object' });
      anomaly({
        kind: 'global-mutation',
        offset: opStart,
        severity: 'HIGH',
        message: `${what} modifies the imported object ${globalName(target.g)} instead of a new instance`,
        callable: globalName(target.g),
        callChain: [`${target.g.opcode} ${globalName(target.g)} @${target.g.offset}`, `${what} @${opStart}`],
      });
    }
  };

  const collectBytes = (sym: Sym, out: Uint8Array[], depth = 0): void => {
    if (depth > 6) return;
    if (sym.t === 'bytes') out.push(sym.data);
    else if (sym.t === 'tuple') for (const item of sym.items) collectBytes(item, out, depth + 1);
    else if (sym.t === 'call') {
      if (sym.c.value) collectBytes(sym.c.value, out, depth + 1);
      else for (const arg of sym.c.args) collectBytes(arg, out, depth + 1);
    }
  };

  const call = (op: string, callee: Sym, args: readonly Sym[]): void => {
    use(callee);
    for (const arg of args) use(arg);
    const record: CallRecord = { offset: opStart, op, callee, args, used: false };
    callCount++;
    const root = rootGlobal(callee);
    if (root) {
      const direct = callee.t === 'global';
      if (root.uses.length < MAX_USES)
        addUse(root, { kind: 'call', op, offset: opStart, direct, callee, args });
      if (direct && root.special) {
        const name = root.full;
        const helper = PURE_BYTES_HELPERS.get(name);
        if (helper) record.value = helper(args);
        if (NESTED_LOADERS.has(name)) {
          const payloads: Uint8Array[] = [];
          for (const arg of args) collectBytes(arg, payloads);
          for (const data of payloads) nested.push({ offset: opStart, loader: name, data });
        }
      }
    } else if (callee.t !== 'call') {
      anomaly({
        kind: 'unresolved-callable',
        offset: opStart,
        severity: 'HIGH',
        message: `${op} calls a value that is not an imported callable (${renderSym(callee)})`,
        callChain: [`${op} @${opStart} ${renderSym(callee)}(${renderArgs(args)})`],
      });
    }
    stack.push({ t: 'call', c: record });
  };

  const build = (): void => {
    const state = pop();
    const target = peek();
    use(state);
    if (target.t === 'call') {
      target.c.state = state;
      const root = rootGlobal(target);
      if (root)
        addUse(root, {
          kind: 'note',
          op: 'BUILD',
          offset: opStart,
          note: 'sets state (__setstate__ or __dict__ update)',
        });
      if (inlineDepth < MAX_INLINE_DEPTH && root && isJoblibArrayWrapper(globalName(root)))
        joblibArray(target.c);
    } else {
      mutate(target, 'BUILD', []);
    }
  };

  // joblib's NumpyUnpickler reads array bytes (or a whole inline pickle for object arrays)
  // straight from the stream right after BUILD on a NumpyArrayWrapper (joblib/numpy_pickle.py).
  const joblibArray = (wrapper: CallRecord): void => {
    opEnd = pos;
    const layout = joblibArrayLength(wrapper.state);
    if (layout.kind === 'object') {
      const inner = analyzePickle(buf, pos, inlineDepth + 1);
      inline.push(inner);
      if (inner.error)
        throw new WalkError(
          `inline object array pickle: ${inner.error.message}`,
          inner.error.offset,
          inner.error.truncated,
        );
      pos = inner.end;
    } else if (layout.kind === 'raw') {
      if (layout.padded) skipPadding();
      need(layout.bytes);
      pos += layout.bytes;
    } else {
      throw new WalkError(`joblib array wrapper with unknown layout: ${layout.reason}`, opStart);
    }
  };
  const skipPadding = (): void => {
    const padding = u8();
    need(padding);
    pos += padding;
  };

  try {
    while (!stopped) {
      opStart = pos;
      if (pos >= len) throw new WalkError('pickle data was truncated (no STOP)', pos, true);
      const code = buf[pos++] as number;
      opCount++;
      const opProtocol = OPCODE_PROTOCOL[code] as number;
      if (opProtocol === 255) {
        anomaly({
          kind: 'unknown-opcode',
          offset: opStart,
          severity: 'HIGH',
          message: `invalid load key 0x${code.toString(16).padStart(2, '0')}`,
        });
        throw new WalkError(`invalid load key 0x${code.toString(16)}`, opStart);
      }
      if (opProtocol >= 2 && opProtocol > protocol && code !== OP.PROTO && !seenMismatch.has(code)) {
        seenMismatch.add(code);
        anomaly({
          kind: 'protocol-mismatch',
          offset: opStart,
          severity: 'MEDIUM',
          message: `${OPCODE_NAME[code]} needs protocol ${opProtocol} but the stream declares ${protocol}`,
        });
      }
      switch (code) {
        case OP.MARK:
          marks.push(stack.length);
          break;
        case OP.STOP: {
          const result = pop();
          use(result);
          stopped = true;
          break;
        }
        case OP.POP:
          // CPython pops the MARK when the top of the stack is one (load_pop).
          if (marks.length > 0 && marks[marks.length - 1] === stack.length) marks.pop();
          else discard(pop());
          break;
        case OP.POP_MARK:
          for (const item of popMark()) discard(item);
          break;
        case OP.DUP:
          stack.push(peek());
          break;
        case OP.FLOAT:
          line();
          stack.push(SCALAR);
          break;
        case OP.INT: {
          const text = line();
          if (text === '00' || text === '01') stack.push(SCALAR);
          else {
            const v = parseTextInt(text, false);
            if (v === undefined) throw new WalkError('invalid INT literal', opStart);
            stack.push({ t: 'int', v });
          }
          break;
        }
        case OP.LONG: {
          const v = parseTextInt(line(), true);
          if (v === undefined) throw new WalkError('invalid LONG literal', opStart);
          stack.push({ t: 'int', v });
          break;
        }
        case OP.BININT:
          stack.push(intSym(i32()));
          break;
        case OP.BININT1:
          stack.push(intSym(u8()));
          break;
        case OP.BININT2:
          stack.push(intSym(u16()));
          break;
        case OP.LONG1: {
          const n = u8();
          take(n);
          stack.push(SCALAR);
          break;
        }
        case OP.LONG4: {
          const n = i32();
          if (n < 0) throw new WalkError('LONG pickle has negative byte count', opStart);
          take(n);
          stack.push(SCALAR);
          break;
        }
        case OP.NONE:
        case OP.NEWTRUE:
        case OP.NEWFALSE:
          stack.push(SCALAR);
          break;
        case OP.BINFLOAT:
          take(8);
          stack.push(SCALAR);
          break;
        case OP.STRING: {
          const raw = line();
          const q = raw[0];
          if (raw.length < 2 || (q !== '"' && q !== "'") || raw[raw.length - 1] !== q) {
            throw new WalkError('the STRING opcode argument must be quoted', opStart);
          }
          stack.push(str(decodeStringEscape(raw.slice(1, -1))));
          break;
        }
        case OP.BINSTRING: {
          const n = i32();
          if (n < 0) throw new WalkError('BINSTRING pickle has negative byte count', opStart);
          stack.push(str(latin1.decode(take(n))));
          break;
        }
        case OP.SHORT_BINSTRING:
          stack.push(str(latin1.decode(take(u8()))));
          break;
        case OP.UNICODE:
          stack.push(str(decodeRawUnicodeEscape(line())));
          break;
        case OP.BINUNICODE:
          stack.push(lazyText(u32()));
          break;
        case OP.SHORT_BINUNICODE:
          stack.push(lazyText(u8()));
          break;
        case OP.BINUNICODE8:
          stack.push(lazyText(u64()));
          break;
        case OP.BINBYTES:
          stack.push({ t: 'bytes', data: take(u32()) });
          break;
        case OP.SHORT_BINBYTES:
          stack.push({ t: 'bytes', data: take(u8()) });
          break;
        case OP.BINBYTES8:
          stack.push({ t: 'bytes', data: take(u64()) });
          break;
        case OP.BYTEARRAY8:
          stack.push({ t: 'bytes', data: take(u64()) });
          break;
        case OP.NEXT_BUFFER:
          anomaly({
            kind: 'out-of-band-buffer',
            offset: opStart,
            severity: 'MEDIUM',
            message: 'NEXT_BUFFER refers to out-of-band data that the scanner cannot see',
          });
          stack.push(OBJ);
          break;
        case OP.READONLY_BUFFER:
          peek();
          break;
        case OP.EMPTY_TUPLE:
          stack.push({ t: 'tuple', items: [] });
          break;
        case OP.TUPLE: {
          const items = popMark();
          stack.push({ t: 'tuple', items });
          break;
        }
        case OP.TUPLE1:
        case OP.TUPLE2:
        case OP.TUPLE3: {
          const c = pop();
          if (code === OP.TUPLE1) stack.push({ t: 'tuple', items: [c] });
          else {
            const b = pop();
            stack.push({ t: 'tuple', items: code === OP.TUPLE2 ? [b, c] : [pop(), b, c] });
          }
          break;
        }
        case OP.EMPTY_LIST:
        case OP.EMPTY_SET:
          stack.push(OBJ);
          break;
        case OP.EMPTY_DICT:
          stack.push({ t: 'dict', entries: new Map() });
          break;
        case OP.LIST:
        case OP.FROZENSET:
          for (const item of popMark()) use(item);
          stack.push(OBJ);
          break;
        case OP.DICT: {
          const items = popMark();
          const dict: Sym = { t: 'dict', entries: new Map() };
          for (let i = 0; i + 1 < items.length; i += 2) setEntry(dict, items[i] as Sym, items[i + 1] as Sym);
          for (const item of items) use(item);
          stack.push(dict);
          break;
        }
        case OP.APPEND: {
          const item = pop();
          mutate(peek(), 'APPEND', [item]);
          break;
        }
        case OP.APPENDS:
        case OP.ADDITEMS: {
          const items = popMark();
          mutate(peek(), OPCODE_NAME[code] as string, items);
          break;
        }
        case OP.SETITEM: {
          const value = pop();
          const key = pop();
          const target = peek();
          setEntry(target, key, value);
          use(key);
          use(value);
          if (target.t === 'global') mutate(target, 'SETITEM', []);
          break;
        }
        case OP.SETITEMS: {
          const items = popMark();
          const target = peek();
          if (items.length % 2 !== 0) throw new WalkError('odd number of items for SETITEMS', opStart);
          for (let i = 0; i + 1 < items.length; i += 2)
            setEntry(target, items[i] as Sym, items[i + 1] as Sym);
          mutate(target, 'SETITEMS', items);
          break;
        }
        case OP.GET: {
          const key = parseTextInt(line(), false);
          if (key === undefined) throw new WalkError('invalid GET index', opStart);
          stack.push(memoGet(key));
          break;
        }
        case OP.BINGET:
          stack.push(memoGet(u8()));
          break;
        case OP.LONG_BINGET:
          stack.push(memoGet(u32()));
          break;
        case OP.PUT: {
          const key = parseTextInt(line(), false);
          if (key === undefined) throw new WalkError('invalid PUT index', opStart);
          memoPut(key);
          break;
        }
        case OP.BINPUT:
          memoPut(u8());
          break;
        case OP.LONG_BINPUT:
          memoPut(u32());
          break;
        case OP.MEMOIZE:
          // CPython indexes MEMOIZE by the number of memo entries, not the highest index.
          memoPut(memo.size);
          break;
        case OP.GLOBAL: {
          const module = utf8Line();
          const name = utf8Line();
          pushGlobal(module, name, 'GLOBAL');
          break;
        }
        case OP.STACK_GLOBAL: {
          const name = pop();
          const module = pop();
          use(name);
          use(module);
          if (module.t === 'str' && name.t === 'str') pushGlobal(module.v, name.v, 'STACK_GLOBAL');
          else {
            anomaly({
              kind: 'unresolved-callable',
              offset: opStart,
              severity: 'HIGH',
              message: `STACK_GLOBAL with a module or name that is not a constant string (${renderSym(module)}, ${renderSym(name)})`,
              callChain: [`STACK_GLOBAL @${opStart}`],
            });
            pushGlobal(
              module.t === 'str' ? module.v : '<computed>',
              name.t === 'str' ? name.v : '<computed>',
              'STACK_GLOBAL',
            );
          }
          break;
        }
        case OP.EXT1:
        case OP.EXT2:
        case OP.EXT4: {
          const ext = code === OP.EXT1 ? u8() : code === OP.EXT2 ? u16() : i32();
          pushGlobal('<copyreg extension>', String(ext), OPCODE_NAME[code] as string);
          break;
        }
        case OP.REDUCE: {
          const args = pop();
          const callee = pop();
          call('REDUCE', callee, args.t === 'tuple' ? args.items : [args]);
          break;
        }
        case OP.INST: {
          const module = utf8Line();
          const name = utf8Line();
          const args = popMark();
          pushGlobal(module, name, 'INST');
          call('INST', pop(), args);
          break;
        }
        case OP.OBJ: {
          const items = popMark();
          if (items.length === 0) throw new WalkError('OBJ without a class', opStart);
          call('OBJ', items[0] as Sym, items.slice(1));
          break;
        }
        case OP.NEWOBJ: {
          const args = pop();
          const cls = pop();
          call('NEWOBJ', cls, args.t === 'tuple' ? args.items : [args]);
          break;
        }
        case OP.NEWOBJ_EX: {
          const kwargs = pop();
          const args = pop();
          const cls = pop();
          call('NEWOBJ_EX', cls, [...(args.t === 'tuple' ? args.items : [args]), kwargs]);
          break;
        }
        case OP.BUILD:
          build();
          break;
        case OP.PERSID:
          line();
          stack.push(OBJ);
          break;
        case OP.BINPERSID: {
          // torch's legacy persistent_load returns the class for ('module', cls, file, source)
          // ids (torch/serialization.py); the class is what a later NEWOBJ instantiates.
          const pid = pop();
          use(pid);
          const [tag, cls] = pid.t === 'tuple' ? pid.items : [];
          stack.push(tag?.t === 'str' && tag.v === 'module' && cls?.t === 'global' ? cls : OBJ);
          break;
        }
        case OP.PROTO: {
          const v = u8();
          if (v > HIGHEST_PROTOCOL) throw new WalkError(`unsupported pickle protocol: ${v}`, opStart);
          if (opStart !== start || protoSeen > 0) {
            anomaly({
              kind: 'protocol-mismatch',
              offset: opStart,
              severity: 'MEDIUM',
              message: 'PROTO opcode is not the first opcode of the pickle',
            });
          }
          protoSeen++;
          protocol = v;
          break;
        }
        case OP.FRAME: {
          const frameLen = u64();
          if (frameEnd > opStart) {
            anomaly({
              kind: 'frame-mismatch',
              offset: opStart,
              severity: 'HIGH',
              message: 'FRAME starts before the previous frame ends (the Python and C unpicklers disagree)',
            });
          }
          need(frameLen);
          frameEnd = pos + frameLen;
          break;
        }
        default:
          throw new WalkError(`unhandled opcode 0x${code.toString(16)}`, opStart);
      }
      const end = opEnd >= 0 ? opEnd : pos;
      if (opEnd >= 0) {
        if (end === frameEnd) frameEnd = -1;
        opEnd = -1;
      }
      if (frameEnd > opStart && end > frameEnd) {
        anomaly({
          kind: 'frame-mismatch',
          offset: opStart,
          severity: 'HIGH',
          message: `${OPCODE_NAME[code]} crosses the end of its FRAME (the Python and C unpicklers disagree)`,
        });
        frameEnd = -1;
      }
    }
  } catch (caught) {
    if (!(caught instanceof WalkError)) throw caught;
    error = { offset: caught.offset, message: caught.message, truncated: caught.truncated };
  }

  if (stopped && frameEnd > pos) {
    anomaly({
      kind: 'frame-mismatch',
      offset: pos,
      severity: 'HIGH',
      message: `FRAME declares ${frameEnd - pos} more bytes after STOP`,
    });
  }
  if (stopped) {
    for (const item of stack) discard(item);
    for (const item of memo.values()) discard(item);
    for (const record of unused) {
      if (record.used) continue;
      const root = rootGlobal(record.callee);
      anomaly({
        kind: 'unused-call-result',
        offset: record.offset,
        severity: 'MEDIUM',
        message: `result of ${record.op} ${renderSym(record.callee)}(…) is never used`,
        ...(root ? { callable: globalName(root) } : {}),
        callChain: [`${record.op} @${record.offset}`],
      });
    }
  }

  return {
    start,
    end: error ? error.offset : pos,
    protocol,
    globals,
    callCount,
    anomalies,
    nested,
    inline,
    ...(error ? { error } : {}),
    opCount,
    startsWithProto: buf[start] === OP.PROTO,
  };
}

const SMALL_INTS: readonly Sym[] = Array.from({ length: 1024 }, (_, v) => ({ t: 'int', v }) as const);

function intSym(v: number): Sym {
  return v >= 0 && v < 1024 ? (SMALL_INTS[v] as Sym) : { t: 'int', v };
}

function setEntry(target: Sym, key: Sym, value: Sym): void {
  if (target.t === 'dict' && key.t === 'str' && target.entries.size < 64) target.entries.set(key.v, value);
}
