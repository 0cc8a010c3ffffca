// Callables that deserialise bytes themselves: the scanner treats their byte-constant arguments
// as embedded files and scans them (a recursion point), whatever the outer verdict.
import type { Sym } from './symbols.ts';

export const NESTED_LOADERS: ReadonlySet<string> = new Set([
  'pickle.loads',
  'pickle.load',
  '_pickle.loads',
  '_pickle.load',
  'cPickle.loads',
  'dill.loads',
  'cloudpickle.loads',
  'joblib.load',
  'numpy.load',
  'torch.load',
  'torch.serialization.load',
  'torch.storage._load_from_bytes',
  'torch.serialization._load_from_bytes',
  'marshal.loads',
]);

const latin1Bytes = (s: string): Uint8Array => Uint8Array.from(s, (ch) => ch.charCodeAt(0) & 0xff);

/** Helpers whose result is known bytes: how protocol 2 pickles write `bytes` (`_codecs.encode(s, 'latin1')`). */
export const PURE_BYTES_HELPERS: ReadonlyMap<string, (args: readonly Sym[]) => Sym | undefined> = new Map([
  [
    '_codecs.encode',
    (args: readonly Sym[]): Sym | undefined => {
      const [text, encoding] = args;
      if (text?.t !== 'str') return undefined;
      if (encoding === undefined || (encoding.t === 'str' && /^latin[-_]?1$/i.test(encoding.v))) {
        return { t: 'bytes', data: latin1Bytes(text.v) };
      }
      if (encoding.t === 'str' && /^utf[-_]?8$/i.test(encoding.v))
        return { t: 'bytes', data: new TextEncoder().encode(text.v) };
      return undefined;
    },
  ],
  ['io.BytesIO', (args: readonly Sym[]): Sym | undefined => bytesArg(args[0])],
  ['_io.BytesIO', (args: readonly Sym[]): Sym | undefined => bytesArg(args[0])],
  ['builtins.bytes', (args: readonly Sym[]): Sym | undefined => bytesArg(args[0])],
  ['builtins.bytearray', (args: readonly Sym[]): Sym | undefined => bytesArg(args[0])],
]);

function bytesArg(sym: Sym | undefined): Sym | undefined {
  if (sym?.t === 'bytes') return sym;
  if (sym?.t === 'call') return sym.c.value;
  return undefined;
}

const JOBLIB_WRAPPERS = new Set([
  'joblib.numpy_pickle.NumpyArrayWrapper',
  'sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper',
]);

export function isJoblibArrayWrapper(name: string): boolean {
  return JOBLIB_WRAPPERS.has(name);
}
