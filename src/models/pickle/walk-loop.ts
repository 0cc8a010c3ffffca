// The opcode loop. Hot path rules (bench/models.ts): the read position is a local, case labels
// are byte literals (so the switch compiles to a jump table; the names are in comments and in
// opcodes.ts), data opcodes read their arguments inline and never copy payloads (strings stay
// lazy, bytes are views), and anything that allocates findings goes through helpers.
import { WalkError } from './analysis.ts';
import {
  argsOf,
  binPersId,
  build,
  call,
  intSym,
  mutate,
  pushGlobal,
  setEntry,
  stackGlobal,
} from './effects.ts';
import { HIGHEST_PROTOCOL, OPCODE_NAME, OPCODE_PROTOCOL } from './opcodes.ts';
import { LazyStr, OBJ, SCALAR, type Sym } from './symbols.ts';
import { decodeRawUnicodeEscape, decodeStringEscape, parseTextInt } from './text.ts';
import { decodeLatin1, type PickleWalker } from './walker.ts';

/** Anything past 2^53 cannot fit in the input anyway; keep it huge so bounds checks fail. */
function u64At(view: DataView, at: number): number {
  const lo = view.getUint32(at, true);
  const hi = view.getUint32(at + 4, true);
  return hi >= 0x200000 ? Number.MAX_SAFE_INTEGER : hi * 0x100000000 + lo;
}

/** Runs opcodes from `w.pos` until STOP (sets `w.stopped`) or throws a WalkError. */
export function walkOpcodes(w: PickleWalker): void {
  const buf = w.buf;
  const view = w.view;
  const len = w.len;
  const stack = w.stack;
  const marks = w.marks;
  const protocols = OPCODE_PROTOCOL;
  let pos = w.pos;
  // Mirrors of walker fields only this loop changes, written back on the way out.
  let opCount = w.opCount;
  let protocol = w.protocol;
  let frameEnd = w.frameEnd;
  let stopped = false;
  /** End of the current opcode when joblib array data followed it outside the pickle framing. */
  let dataEnd = -1;
  // Length checks are written out (`pos + n > len`): a helper closing over `pos` would move it
  // out of a register into a heap context.
  try {
    while (!stopped) {
      const opStart = pos;
      w.opStart = pos;
      if (pos >= len) throw new WalkError('pickle data was truncated (no STOP)', pos, true);
      const code = buf[pos++] as number;
      opCount++;
      const opProtocol = protocols[code] as number;
      if (opProtocol === 255) {
        w.anomaly({
          kind: 'unknown-opcode',
          offset: opStart,
          severity: 'HIGH',
          message: `invalid load key 0x${code.toString(16).padStart(2, '0')}`,
        });
        throw new WalkError(`invalid load key 0x${code.toString(16)}`, opStart);
      }
      if (opProtocol >= 2 && opProtocol > protocol && code !== 0x80 && !w.seenMismatch.has(code)) {
        w.seenMismatch.add(code);
        w.anomaly({
          kind: 'protocol-mismatch',
          offset: opStart,
          severity: 'MEDIUM',
          message: `${OPCODE_NAME[code]} needs protocol ${opProtocol} but the stream declares ${protocol}`,
        });
      }
      switch (code) {
        case 0x28: // MARK
          marks.push(stack.length);
          break;
        case 0x2e: // STOP
          w.use(w.pop());
          stopped = true;
          break;
        case 0x30: // POP: CPython pops the MARK when the top of the stack is one (load_pop).
          if (marks.length > 0 && marks[marks.length - 1] === stack.length) marks.pop();
          else w.discard(w.pop());
          break;
        case 0x31: // POP_MARK
          for (const item of w.popMark()) w.discard(item);
          break;
        case 0x32: // DUP
          stack.push(w.peek());
          break;
        case 0x46: // FLOAT
        case 0x50: // PERSID
          w.pos = pos;
          w.line();
          pos = w.pos;
          stack.push(code === 0x46 ? SCALAR : OBJ);
          break;
        case 0x49: // INT
        case 0x4c: {
          // LONG
          w.pos = pos;
          const text = w.line();
          pos = w.pos;
          if (code === 0x49 && (text === '00' || text === '01')) stack.push(SCALAR);
          else {
            const v = parseTextInt(text, code === 0x4c);
            if (v === undefined) w.fail(code === 0x49 ? 'invalid INT literal' : 'invalid LONG literal');
            stack.push({ t: 'int', v });
          }
          break;
        }
        case 0x4a: // BININT
          if (pos + 4 > len) w.truncated();
          stack.push(intSym(view.getInt32(pos, true)));
          pos += 4;
          break;
        case 0x4b: // BININT1
          if (pos + 1 > len) w.truncated();
          stack.push(intSym(buf[pos++] as number));
          break;
        case 0x4d: // BININT2
          if (pos + 2 > len) w.truncated();
          stack.push(intSym(view.getUint16(pos, true)));
          pos += 2;
          break;
        case 0x8a: {
          // LONG1
          if (pos + 1 > len) w.truncated();
          const n = buf[pos++] as number;
          if (n < 0 || pos + n > len) w.truncated();
          pos += n;
          stack.push(SCALAR);
          break;
        }
        case 0x8b: {
          // LONG4
          if (pos + 4 > len) w.truncated();
          const n = view.getInt32(pos, true);
          pos += 4;
          if (n < 0) w.fail('LONG pickle has negative byte count');
          if (n < 0 || pos + n > len) w.truncated();
          pos += n;
          stack.push(SCALAR);
          break;
        }
        case 0x4e: // NONE
        case 0x88: // NEWTRUE
        case 0x89: // NEWFALSE
          stack.push(SCALAR);
          break;
        case 0x47: // BINFLOAT
          if (pos + 8 > len) w.truncated();
          pos += 8;
          stack.push(SCALAR);
          break;
        case 0x53: {
          // STRING
          w.pos = pos;
          const raw = w.line();
          pos = w.pos;
          const q = raw[0];
          if (raw.length < 2 || (q !== '"' && q !== "'") || raw[raw.length - 1] !== q)
            w.fail('the STRING opcode argument must be quoted');
          stack.push({ t: 'str', v: decodeStringEscape(raw.slice(1, -1)) });
          break;
        }
        case 0x54: {
          // BINSTRING
          if (pos + 4 > len) w.truncated();
          const n = view.getInt32(pos, true);
          pos += 4;
          if (n < 0) w.fail('BINSTRING pickle has negative byte count');
          if (n < 0 || pos + n > len) w.truncated();
          stack.push({ t: 'str', v: decodeLatin1(buf.subarray(pos, pos + n)) });
          pos += n;
          break;
        }
        case 0x55: {
          // SHORT_BINSTRING
          if (pos + 1 > len) w.truncated();
          const n = buf[pos++] as number;
          if (n < 0 || pos + n > len) w.truncated();
          stack.push({ t: 'str', v: decodeLatin1(buf.subarray(pos, pos + n)) });
          pos += n;
          break;
        }
        case 0x56: {
          // UNICODE
          w.pos = pos;
          const text = w.line();
          pos = w.pos;
          stack.push({ t: 'str', v: decodeRawUnicodeEscape(text) });
          break;
        }
        case 0x8c: // SHORT_BINUNICODE
        case 0x58: // BINUNICODE
        case 0x8d: // BINUNICODE8
        case 0x43: // SHORT_BINBYTES
        case 0x42: // BINBYTES
        case 0x8e: // BINBYTES8
        case 0x96: {
          // BYTEARRAY8: a length, then a payload that is skipped, not copied.
          const width = code === 0x8c || code === 0x43 ? 1 : code === 0x58 || code === 0x42 ? 4 : 8;
          if (pos + width > len) w.truncated();
          const n =
            width === 1 ? (buf[pos] as number) : width === 4 ? view.getUint32(pos, true) : u64At(view, pos);
          pos += width;
          if (n < 0 || pos + n > len) w.truncated();
          const value: Sym =
            code === 0x8c || code === 0x58 || code === 0x8d
              ? new LazyStr(buf, pos, pos + n)
              : { t: 'bytes', data: buf.subarray(pos, pos + n) };
          pos += n;
          stack.push(value);
          break;
        }
        case 0x97: // NEXT_BUFFER
          w.anomaly({
            kind: 'out-of-band-buffer',
            offset: opStart,
            severity: 'MEDIUM',
            message: 'NEXT_BUFFER refers to out-of-band data that the scanner cannot see',
          });
          stack.push(OBJ);
          break;
        case 0x98: // READONLY_BUFFER
          w.peek();
          break;
        case 0x29: // EMPTY_TUPLE
          stack.push({ t: 'tuple', items: [] });
          break;
        case 0x74: // TUPLE
          stack.push({ t: 'tuple', items: w.popMark() });
          break;
        case 0x85: // TUPLE1
          stack.push({ t: 'tuple', items: [w.pop()] });
          break;
        case 0x86: {
          // TUPLE2
          const c = w.pop();
          const b = w.pop();
          stack.push({ t: 'tuple', items: [b, c] });
          break;
        }
        case 0x87: {
          // TUPLE3
          const c = w.pop();
          const b = w.pop();
          stack.push({ t: 'tuple', items: [w.pop(), b, c] });
          break;
        }
        case 0x5d: // EMPTY_LIST
        case 0x8f: // EMPTY_SET
          stack.push(OBJ);
          break;
        case 0x7d: // EMPTY_DICT
          stack.push({ t: 'dict', entries: new Map() });
          break;
        case 0x6c: // LIST
        case 0x91: // FROZENSET
          for (const item of w.popMark()) w.use(item);
          stack.push(OBJ);
          break;
        case 0x64: {
          // DICT
          const items = w.popMark();
          const dict: Sym = { t: 'dict', entries: new Map() };
          for (let i = 0; i + 1 < items.length; i += 2) setEntry(dict, items[i] as Sym, items[i + 1] as Sym);
          for (const item of items) w.use(item);
          stack.push(dict);
          break;
        }
        case 0x61: {
          // APPEND
          const item = w.pop();
          mutate(w, w.peek(), 'APPEND', [item]);
          break;
        }
        case 0x65: // APPENDS
        case 0x90: {
          // ADDITEMS
          const items = w.popMark();
          mutate(w, w.peek(), code === 0x65 ? 'APPENDS' : 'ADDITEMS', items);
          break;
        }
        case 0x73: {
          // SETITEM
          const value = w.pop();
          const key = w.pop();
          const target = w.peek();
          setEntry(target, key, value);
          w.use(key);
          w.use(value);
          if (target.t === 'global') mutate(w, target, 'SETITEM', []);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = w.popMark();
          const target = w.peek();
          if (items.length % 2 !== 0) w.fail('odd number of items for SETITEMS');
          for (let i = 0; i + 1 < items.length; i += 2)
            setEntry(target, items[i] as Sym, items[i + 1] as Sym);
          mutate(w, target, 'SETITEMS', items);
          break;
        }
        case 0x67: // GET
        case 0x70: {
          // PUT
          w.pos = pos;
          const key = parseTextInt(w.line(), false);
          pos = w.pos;
          if (key === undefined) w.fail(code === 0x67 ? 'invalid GET index' : 'invalid PUT index');
          if (code === 0x67) stack.push(w.memoGet(key));
          else w.memoPut(key);
          break;
        }
        case 0x68: // BINGET
          if (pos + 1 > len) w.truncated();
          stack.push(w.memoGet(buf[pos++] as number));
          break;
        case 0x6a: // LONG_BINGET
          if (pos + 4 > len) w.truncated();
          stack.push(w.memoGet(view.getUint32(pos, true)));
          pos += 4;
          break;
        case 0x71: // BINPUT
          if (pos + 1 > len) w.truncated();
          w.memoPut(buf[pos++] as number);
          break;
        case 0x72: // LONG_BINPUT
          if (pos + 4 > len) w.truncated();
          w.memoPut(view.getUint32(pos, true));
          pos += 4;
          break;
        case 0x94: // MEMOIZE: CPython indexes it by the number of memo entries, not the highest index.
          w.memoPut(w.memo.size);
          break;
        case 0x63: // GLOBAL
        case 0x69: {
          // INST
          w.pos = pos;
          const module = w.utf8Line();
          const name = w.utf8Line();
          pos = w.pos;
          if (code === 0x63) pushGlobal(w, module, name, 'GLOBAL');
          else {
            const args = w.popMark();
            pushGlobal(w, module, name, 'INST');
            call(w, 'INST', w.pop(), args);
          }
          break;
        }
        case 0x93: // STACK_GLOBAL
          stackGlobal(w);
          break;
        case 0x82: // EXT1
        case 0x83: // EXT2
        case 0x84: {
          // EXT4
          const width = code === 0x82 ? 1 : code === 0x83 ? 2 : 4;
          if (pos + width > len) w.truncated();
          const ext =
            width === 1
              ? (buf[pos] as number)
              : width === 2
                ? view.getUint16(pos, true)
                : view.getInt32(pos, true);
          pos += width;
          pushGlobal(w, '<copyreg extension>', String(ext), OPCODE_NAME[code] as string);
          break;
        }
        case 0x52: {
          // REDUCE
          const args = w.pop();
          call(w, 'REDUCE', w.pop(), argsOf(args));
          break;
        }
        case 0x6f: {
          // OBJ
          const items = w.popMark();
          if (items.length === 0) w.fail('OBJ without a class');
          call(w, 'OBJ', items[0] as Sym, items.slice(1));
          break;
        }
        case 0x81: {
          // NEWOBJ
          const args = w.pop();
          call(w, 'NEWOBJ', w.pop(), argsOf(args));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX
          const kwargs = w.pop();
          const args = w.pop();
          call(w, 'NEWOBJ_EX', w.pop(), [...argsOf(args), kwargs]);
          break;
        }
        case 0x62: // BUILD (joblib array data may follow: the position can move)
          w.pos = pos;
          build(w);
          pos = w.pos;
          if (w.opEnd >= 0) {
            dataEnd = w.opEnd;
            w.opEnd = -1;
          }
          break;
        case 0x51: // BINPERSID
          binPersId(w);
          break;
        case 0x80: {
          // PROTO
          if (pos + 1 > len) w.truncated();
          const v = buf[pos++] as number;
          if (v > HIGHEST_PROTOCOL) w.fail(`unsupported pickle protocol: ${v}`);
          if (opStart !== w.start || w.protoSeen > 0) {
            w.anomaly({
              kind: 'protocol-mismatch',
              offset: opStart,
              severity: 'MEDIUM',
              message: 'PROTO opcode is not the first opcode of the pickle',
            });
          }
          w.protoSeen++;
          protocol = v;
          break;
        }
        case 0x95: {
          // FRAME
          if (pos + 8 > len) w.truncated();
          const frameLen = u64At(view, pos);
          pos += 8;
          if (frameEnd > opStart) {
            w.anomaly({
              kind: 'frame-mismatch',
              offset: opStart,
              severity: 'HIGH',
              message: 'FRAME starts before the previous frame ends (the Python and C unpicklers disagree)',
            });
          }
          if (pos + frameLen > len) w.truncated();
          frameEnd = pos + frameLen;
          break;
        }
        default:
          w.fail(`unhandled opcode 0x${code.toString(16)}`);
      }
      let end = pos;
      if (dataEnd >= 0) {
        end = dataEnd;
        if (end === frameEnd) frameEnd = -1;
        dataEnd = -1;
      }
      if (frameEnd > opStart && end > frameEnd) {
        w.anomaly({
          kind: 'frame-mismatch',
          offset: opStart,
          severity: 'HIGH',
          message: `${OPCODE_NAME[code]} crosses the end of its FRAME (the Python and C unpicklers disagree)`,
        });
        frameEnd = -1;
      }
    }
  } finally {
    w.pos = pos;
    w.opCount = opCount;
    w.protocol = protocol;
    w.frameEnd = frameEnd;
    w.stopped = stopped;
  }
}
