// Byte builders for hand-written pickle streams (opcodes per CPython Lib/pickletools.py).
const enc = new TextEncoder();

export const op = {
  proto: (v: number): Uint8Array => Uint8Array.of(0x80, v),
  frame: (n: number): Uint8Array => {
    const b = new Uint8Array(9);
    b[0] = 0x95;
    new DataView(b.buffer).setBigUint64(1, BigInt(n), true);
    return b;
  },
  global: (module: string, name: string): Uint8Array => enc.encode(`c${module}\n${name}\n`),
  inst: (module: string, name: string): Uint8Array => enc.encode(`i${module}\n${name}\n`),
  str: (s: string): Uint8Array => {
    const b = enc.encode(s);
    return b.length < 256 ? Uint8Array.of(0x8c, b.length, ...b) : Uint8Array.of(0x58, ...u32(b.length), ...b);
  },
  text: (s: string): Uint8Array => enc.encode(`S'${s}'\n`),
  bytes: (b: Uint8Array): Uint8Array => Uint8Array.of(0x42, ...u32(b.length), ...b),
  int: (n: number): Uint8Array => Uint8Array.of(0x4a, ...i32(n)),
  stackGlobal: Uint8Array.of(0x93),
  memoize: Uint8Array.of(0x94),
  binput: (i: number): Uint8Array => Uint8Array.of(0x71, i),
  binget: (i: number): Uint8Array => Uint8Array.of(0x68, i),
  mark: Uint8Array.of(0x28),
  tuple: Uint8Array.of(0x74),
  tuple1: Uint8Array.of(0x85),
  tuple2: Uint8Array.of(0x86),
  emptyTuple: Uint8Array.of(0x29),
  emptyDict: Uint8Array.of(0x7d),
  emptyList: Uint8Array.of(0x5d),
  append: Uint8Array.of(0x61),
  setitem: Uint8Array.of(0x73),
  reduce: Uint8Array.of(0x52),
  build: Uint8Array.of(0x62),
  newobj: Uint8Array.of(0x81),
  obj: Uint8Array.of(0x6f),
  pop: Uint8Array.of(0x30),
  none: Uint8Array.of(0x4e),
  stop: Uint8Array.of(0x2e),
};

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}
function i32(n: number): number[] {
  return u32(n >>> 0);
}

export function pickleOf(...parts: Uint8Array[]): Uint8Array {
  return concatParts(parts);
}

function concatParts(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `module.name(arg)` as a protocol-2 pickle. */
export function callPickle(module: string, name: string, arg = 'id'): Uint8Array {
  return pickleOf(op.proto(2), op.global(module, name), op.str(arg), op.tuple1, op.reduce, op.stop);
}

/** A benign state-dict-like pickle of `n` entries, globals memoised as torch writes them. */
export function benignPickle(n: number): Uint8Array {
  const parts: Uint8Array[] = [
    op.proto(4),
    op.global('collections', 'OrderedDict'),
    op.emptyTuple,
    op.reduce,
    op.global('torch._utils', '_rebuild_tensor_v2'),
    op.binput(1),
    op.pop,
  ];
  for (let i = 0; i < n; i++) {
    parts.push(
      op.str(`layer.${i}.weight`),
      op.binget(1),
      op.mark,
      op.str('storage'),
      op.int(i),
      op.int(16),
      op.tuple,
      op.tuple1,
      op.reduce,
      op.setitem,
    );
  }
  parts.push(op.stop);
  return concatParts(parts);
}
