// What the opcodes that import, call and mutate do to the symbolic state: GLOBAL/STACK_GLOBAL
// interning, REDUCE/INST/OBJ/NEWOBJ calls (with nested-loader payloads and pure bytes helpers),
// BUILD (including joblib's array data after a NumpyArrayWrapper) and container mutations.
import { WalkError } from './analysis.ts';
import { joblibArrayLength } from './joblib-array.ts';
import { NESTED_LOADERS, PURE_BYTES_HELPERS, isJoblibArrayWrapper } from './loaders.ts';
import {
  MAX_USES,
  OBJ,
  globalName,
  renderArgs,
  renderSym,
  rootGlobal,
  type CallRecord,
  type GlobalRef,
  type Sym,
  type UseRecord,
} from './symbols.ts';
import { MAX_INLINE_DEPTH, type PickleWalker } from './walker.ts';

const SMALL_INTS: readonly Sym[] = Array.from({ length: 1024 }, (_, v) => ({ t: 'int', v }) as const);

export function intSym(v: number): Sym {
  return v >= 0 && v < 1024 ? (SMALL_INTS[v] as Sym) : { t: 'int', v };
}

export function setEntry(target: Sym, key: Sym, value: Sym): void {
  if (target.t === 'dict' && key.t === 'str' && target.entries.size < 64) target.entries.set(key.v, value);
}

export function pushGlobal(w: PickleWalker, module: string, name: string, opcode: string): void {
  const key = `${module}\n${name}`;
  let sym = w.interned.get(key);
  if (sym === undefined) {
    const full = `${module}.${name}`;
    const special = PURE_BYTES_HELPERS.has(full) || NESTED_LOADERS.has(full) || isJoblibArrayWrapper(full);
    const g: GlobalRef = { module, name, full, offset: w.opStart, opcode, count: 0, uses: [], special };
    w.globals.push(g);
    sym = { t: 'global', g };
    w.interned.set(key, sym);
  }
  if (sym.t === 'global') sym.g.count++;
  w.stack.push(sym);
}

export function stackGlobal(w: PickleWalker): void {
  const name = w.pop();
  const module = w.pop();
  w.use(name);
  w.use(module);
  if (module.t === 'str' && name.t === 'str') {
    pushGlobal(w, module.v, name.v, 'STACK_GLOBAL');
    return;
  }
  w.anomaly({
    kind: 'unresolved-callable',
    offset: w.opStart,
    severity: 'HIGH',
    message: `STACK_GLOBAL with a module or name that is not a constant string (${renderSym(module)}, ${renderSym(name)})`,
    callChain: [`STACK_GLOBAL @${w.opStart}`],
  });
  pushGlobal(
    w,
    module.t === 'str' ? module.v : '<computed>',
    name.t === 'str' ? name.v : '<computed>',
    'STACK_GLOBAL',
  );
}

function addUse(g: GlobalRef, use: UseRecord): void {
  if (g.uses.length < MAX_USES) g.uses.push(use);
}

export function mutate(w: PickleWalker, target: Sym, what: string, items: readonly Sym[]): void {
  for (let i = 0; i < items.length; i++) w.use(items[i] as Sym);
  if (target.t !== 'global') return;
  const at = w.opStart;
  addUse(target.g, { kind: 'note', op: what, offset: at, note: 'mutates the imported object' });
  w.anomaly({
    kind: 'global-mutation',
    offset: at,
    severity: 'HIGH',
    message: `${what} modifies the imported object ${globalName(target.g)} instead of a new instance`,
    callable: globalName(target.g),
    callChain: [`${target.g.opcode} ${globalName(target.g)} @${target.g.offset}`, `${what} @${at}`],
  });
}

function collectBytes(sym: Sym, out: Uint8Array[], depth = 0): void {
  if (depth > 6) return;
  if (sym.t === 'bytes') out.push(sym.data);
  else if (sym.t === 'tuple') for (const item of sym.items) collectBytes(item, out, depth + 1);
  else if (sym.t === 'call') {
    if (sym.c.value) collectBytes(sym.c.value, out, depth + 1);
    else for (const arg of sym.c.args) collectBytes(arg, out, depth + 1);
  }
}

/** REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX: `callee(*args)` pushed as a call record. */
export function call(w: PickleWalker, op: string, callee: Sym, args: readonly Sym[]): void {
  const at = w.opStart;
  w.use(callee);
  for (let i = 0; i < args.length; i++) w.use(args[i] as Sym);
  // Every field present from the start: one hidden class for all records (BUILD sets `state`).
  const record: CallRecord = {
    offset: at,
    op,
    callee,
    args,
    used: false,
    state: undefined,
    value: undefined,
  };
  w.callCount++;
  const root = rootGlobal(callee);
  if (root) {
    const direct = callee.t === 'global';
    if (root.uses.length < MAX_USES) addUse(root, { kind: 'call', op, offset: at, direct, callee, args });
    if (direct && root.special) {
      const name = root.full;
      const helper = PURE_BYTES_HELPERS.get(name);
      if (helper) record.value = helper(args);
      if (NESTED_LOADERS.has(name)) {
        const payloads: Uint8Array[] = [];
        for (const arg of args) collectBytes(arg, payloads);
        for (const data of payloads) w.nested.push({ offset: at, loader: name, data });
      }
    }
  } else if (callee.t !== 'call') {
    w.anomaly({
      kind: 'unresolved-callable',
      offset: at,
      severity: 'HIGH',
      message: `${op} calls a value that is not an imported callable (${renderSym(callee)})`,
      callChain: [`${op} @${at} ${renderSym(callee)}(${renderArgs(args)})`],
    });
  }
  w.stack.push({ t: 'call', c: record });
}

/** Call arguments as REDUCE/NEWOBJ see them: a tuple's items, or the value itself. */
export function argsOf(sym: Sym): readonly Sym[] {
  return sym.t === 'tuple' ? sym.items : [sym];
}

export function build(w: PickleWalker): void {
  const state = w.pop();
  const target = w.peek();
  w.use(state);
  if (target.t !== 'call') {
    mutate(w, target, 'BUILD', []);
    return;
  }
  target.c.state = state;
  const root = rootGlobal(target);
  if (root)
    addUse(root, {
      kind: 'note',
      op: 'BUILD',
      offset: w.opStart,
      note: 'sets state (__setstate__ or __dict__ update)',
    });
  if (w.inlineDepth < MAX_INLINE_DEPTH && root && isJoblibArrayWrapper(globalName(root)))
    joblibArray(w, target.c);
}

// joblib's NumpyUnpickler reads array bytes (or a whole inline pickle for object arrays)
// straight from the stream right after BUILD on a NumpyArrayWrapper (joblib/numpy_pickle.py).
function joblibArray(w: PickleWalker, wrapper: CallRecord): void {
  w.opEnd = w.pos;
  const layout = joblibArrayLength(wrapper.state);
  if (layout.kind === 'object') {
    const inner = w.walkInline(w.buf, w.pos, w.inlineDepth + 1);
    w.inline.push(inner);
    if (inner.error)
      throw new WalkError(
        `inline object array pickle: ${inner.error.message}`,
        inner.error.offset,
        inner.error.truncated,
      );
    w.pos = inner.end;
  } else if (layout.kind === 'raw') {
    if (layout.padded) {
      const padding = w.u8();
      w.need(padding);
      w.pos += padding;
    }
    w.need(layout.bytes);
    w.pos += layout.bytes;
  } else {
    w.fail(`joblib array wrapper with unknown layout: ${layout.reason}`);
  }
}

export function binPersId(w: PickleWalker): void {
  // torch's legacy persistent_load returns the class for ('module', cls, file, source)
  // ids (torch/serialization.py); the class is what a later NEWOBJ instantiates.
  const pid = w.pop();
  w.use(pid);
  const [tag, cls] = pid.t === 'tuple' ? pid.items : [];
  w.stack.push(tag?.t === 'str' && tag.v === 'module' && cls?.t === 'global' ? cls : OBJ);
}
