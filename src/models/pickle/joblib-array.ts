// Size of the array bytes joblib writes after a NumpyArrayWrapper (joblib/numpy_pickle.py:
// NumpyArrayWrapper.read / read_array). The wrapper state is a dict with `dtype` (a numpy.dtype
// call, possibly with BUILD state carrying the element size), `shape` and, since joblib 1.2,
// `numpy_array_alignment_bytes` (then a one-byte padding length and padding precede the data).
import type { Sym } from './symbols.ts';

export type JoblibArrayLayout =
  | { readonly kind: 'raw'; readonly bytes: number; readonly padded: boolean }
  | { readonly kind: 'object'; readonly padded: boolean }
  | { readonly kind: 'unknown'; readonly reason: string };

export function joblibArrayLength(state: Sym | undefined): JoblibArrayLayout {
  if (state?.t !== 'dict') return { kind: 'unknown', reason: 'state is not a dict' };
  const padded = state.entries.has('numpy_array_alignment_bytes');
  const dtype = state.entries.get('dtype');
  const shape = state.entries.get('shape');
  if (dtype?.t !== 'call') return { kind: 'unknown', reason: 'dtype is not a numpy.dtype' };
  const spec = dtype.c.args[0];
  if (spec?.t !== 'str') return { kind: 'unknown', reason: 'dtype spec is not a string' };
  const match = /^[<>|=]?([a-zA-Z])(\d*)$/.exec(spec.v);
  if (!match) return { kind: 'unknown', reason: `unsupported dtype ${spec.v}` };
  const [, letter, digits] = match;
  if (letter === 'O') return { kind: 'object', padded };
  let itemsize = digits ? Number(digits) : 0;
  if (letter === 'U' && digits) itemsize *= 4;
  const buildState = dtype.c.state;
  if (buildState?.t === 'tuple') {
    const elsize = buildState.items[5];
    if (elsize?.t === 'int' && elsize.v > 0) itemsize = elsize.v;
  }
  if (itemsize <= 0) return { kind: 'unknown', reason: `unknown element size for ${spec.v}` };
  if (shape?.t !== 'tuple') return { kind: 'unknown', reason: 'shape is not a tuple' };
  let count = 1;
  for (const dim of shape.items) {
    if (dim.t !== 'int' || dim.v < 0) return { kind: 'unknown', reason: 'shape is not constant' };
    count *= dim.v;
  }
  if (!Number.isSafeInteger(count * itemsize)) return { kind: 'unknown', reason: 'array too large' };
  return { kind: 'raw', bytes: count * itemsize, padded };
}
