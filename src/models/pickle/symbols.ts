// Symbolic values on the pickle stack: enough to resolve callables and follow call chains,
// never the objects themselves (nothing is evaluated).

/** One import, interned per `module.name` in a pickle: first offset and opcode, how often, how used. */
export interface GlobalRef {
  readonly module: string;
  readonly name: string;
  /** `module.name`, computed once. */
  readonly full: string;
  readonly offset: number;
  readonly opcode: string;
  count: number;
  /** A nested loader, bytes helper or joblib wrapper: the walker looks closer at its calls. */
  readonly special: boolean;
  /** Calls and mutations applied to this callable or to results derived from it (first few), rendered lazily. */
  readonly uses: UseRecord[];
}

export type UseRecord =
  | {
      readonly kind: 'call';
      readonly op: string;
      readonly offset: number;
      readonly direct: boolean;
      readonly callee: Sym;
      readonly args: readonly Sym[];
    }
  | { readonly kind: 'note'; readonly op: string; readonly offset: number; readonly note: string };

export const MAX_USES = 8;

export function renderUse(use: UseRecord): string {
  if (use.kind === 'note') return `${use.op} @${use.offset} ${use.note}`;
  return use.direct
    ? `${use.op} @${use.offset} ${renderSym(use.callee)}(${renderArgs(use.args)})`
    : `${use.op} @${use.offset} calls the result ${renderSym(use.callee)}(${renderArgs(use.args)})`;
}

export interface CallRecord {
  readonly offset: number;
  readonly op: string;
  readonly callee: Sym;
  readonly args: readonly Sym[];
  used: boolean;
  /** State given by BUILD to the result. */
  state?: Sym;
  /** Known value of a pure helper's result (e.g. `_codecs.encode(s, 'latin1')` is bytes). */
  value?: Sym;
}

export type Sym =
  | { readonly t: 'str'; readonly v: string }
  | LazyStr
  | { readonly t: 'bytes'; readonly data: Uint8Array }
  | { readonly t: 'int'; readonly v: number }
  | { readonly t: 'scalar' }
  | { readonly t: 'global'; readonly g: GlobalRef }
  | { readonly t: 'call'; readonly c: CallRecord }
  | { readonly t: 'tuple'; readonly items: readonly Sym[] }
  | { readonly t: 'dict'; readonly entries: Map<string, Sym> }
  | { readonly t: 'obj' };

/** A string decoded only when something reads it (most pickle strings are never needed). */
export class LazyStr {
  readonly t = 'str';
  private readonly buf: Uint8Array;
  private readonly start: number;
  private readonly end: number;
  private decoded: string | undefined;
  constructor(buf: Uint8Array, start: number, end: number) {
    this.buf = buf;
    this.start = start;
    this.end = end;
  }
  get v(): string {
    this.decoded ??= utf8.decode(this.buf.subarray(this.start, this.end));
    return this.decoded;
  }
}

const utf8 = new TextDecoder('utf-8');

export const SCALAR: Sym = { t: 'scalar' };
export const OBJ: Sym = { t: 'obj' };

/** The GLOBAL a value was derived from by calls (`getattr(x, 'y')(...)` → `getattr`). */
export function rootGlobal(sym: Sym): GlobalRef | undefined {
  let current: Sym = sym;
  for (let depth = 0; depth < 64; depth++) {
    if (current.t === 'global') return current.g;
    if (current.t !== 'call') return undefined;
    current = current.c.callee;
  }
  return undefined;
}

export function globalName(g: GlobalRef): string {
  return g.full;
}

/** Short, printable rendering of a symbolic value for call chains. */
export function renderSym(sym: Sym, depth = 0): string {
  switch (sym.t) {
    case 'str':
      return JSON.stringify(sym.v.length > 60 ? `${sym.v.slice(0, 60)}…` : sym.v);
    case 'bytes':
      return `<${sym.data.length} bytes>`;
    case 'int':
      return String(sym.v);
    case 'scalar':
      return '…';
    case 'global':
      return globalName(sym.g);
    case 'call':
      return depth > 2
        ? '…(…)'
        : `${renderSym(sym.c.callee, depth + 1)}(${renderArgs(sym.c.args, depth + 1)})`;
    case 'tuple':
      return depth > 2 ? '(…)' : `(${renderArgs(sym.items, depth + 1)})`;
    case 'dict':
      return '{…}';
    case 'obj':
      return '<obj>';
    default: {
      const never: never = sym;
      return String(never);
    }
  }
}

export function renderArgs(args: readonly Sym[], depth = 0): string {
  const shown = args.slice(0, 4).map((a) => renderSym(a, depth));
  if (args.length > 4) shown.push('…');
  return shown.join(', ');
}
