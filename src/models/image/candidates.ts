// Which files of an image are worth spooling for a model scan: picked from their first bytes
// (any name), or from a model file extension. Deliberately wider than "is a model": the scanner
// decides; this only keeps the ordinary files of an OS image (ELF, text, scripts) out of it.
import zlib from 'node:zlib';
import { analyzePickle } from '../pickle/analyze.ts';
import { importable } from '../pickle/stream.ts';
import type { ModelFormat } from '../types.ts';

/** Bytes of each file read before deciding (the pickle probe needs more than magic numbers). */
export const SNIFF_BYTES = 64 * 1024;

export interface Candidate {
  /** The format the first bytes (or the name) suggest; the scanner decides the real one. */
  readonly format: ModelFormat;
  readonly reason: 'magic' | 'pickle-probe' | 'extension';
}

/** Extensions model loaders and hubs use, beside what the magic bytes find. */
const MODEL_EXTENSIONS: Readonly<Record<string, ModelFormat>> = {
  pt: 'torch-zip',
  pth: 'torch-zip',
  ckpt: 'torch-zip',
  bin: 'pickle',
  pkl: 'pickle',
  pickle: 'pickle',
  dill: 'pickle',
  sav: 'pickle',
  joblib: 'joblib',
  npy: 'numpy',
  npz: 'numpy',
  h5: 'hdf5',
  hdf5: 'hdf5',
  keras: 'keras',
  safetensors: 'safetensors',
  gguf: 'gguf',
  ggml: 'gguf',
  onnx: 'onnx',
  mar: 'zip',
  nemo: 'tar',
};

const FILE_NAMES: Readonly<Record<string, ModelFormat>> = {
  'tokenizer_config.json': 'gguf',
};

function startsWith(head: Uint8Array, bytes: readonly number[], at = 0): boolean {
  for (let i = 0; i < bytes.length; i++) if (head[at + i] !== bytes[i]) return false;
  return true;
}

const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
// zlib CMF/FLG pairs real compressors write (0x78 plus any valid check byte also matches text).
const ZLIB_FLG = new Set([0x01, 0x5e, 0x9c, 0xda]);

/** The format strong magic bytes at the start of a file announce, if any. */
export function magicFormat(head: Uint8Array, size: number): ModelFormat | undefined {
  const b0 = head[0];
  if (b0 === 0x80 && (head[1] ?? 0) >= 2 && (head[1] ?? 0) <= 5) return 'pickle';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWith(head, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return 'numpy';
  if (startsWith(head, [0x47, 0x47, 0x55, 0x46])) return 'gguf';
  for (let at = 0; at + 8 <= head.length; at = at === 0 ? 512 : at * 2)
    if (startsWith(head, HDF5, at)) return 'hdf5';
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, [0x42, 0x5a, 0x68]) && (head[3] ?? 0) >= 0x31 && (head[3] ?? 0) <= 0x39)
    return 'bzip2';
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  if (startsWith(head, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return '7z';
  if (startsWith(head, [0x04, 0x22, 0x4d, 0x18])) return 'lz4';
  if (b0 === 0x78 && ZLIB_FLG.has(head[1] ?? -1)) return 'zlib';
  if (head.length >= 10 && head[8] === 0x7b) {
    // safetensors: u64 LE header length that fits in the file, then the JSON header.
    const view = new DataView(head.buffer, head.byteOffset, 8);
    const n = view.getUint32(4, true) * 0x100000000 + view.getUint32(0, true);
    if (n >= 2 && n <= size - 8) return 'safetensors';
  }
  return undefined;
}

/**
 * Protocol 0/1 pickles have no magic: ask the walker whether the bytes read as one. Text can
 * start like a GLOBAL (`composer\n\n…` imports `omposer`), so an import alone is not enough:
 * the bytes must be a whole pickle that imports, call what they import, or still be valid where
 * the head ends.
 */
function pickleProbe(head: Uint8Array, size: number): boolean {
  const a = analyzePickle(head);
  // A whole pickle that imports nothing cannot run code (`GIT v1.5.2.1…` reads as BINFLOAT,
  // DUP, STOP): only one that imports is worth a scan.
  if (a.error === undefined) return a.globals.length > 0;
  if (a.error.truncated && size > head.length) return importable(a) || a.opCount >= 8;
  return importable(a) && a.callCount > 0;
}

/** Largest output inflated from a compressed head to look inside it. */
const INFLATE_BYTES = 1024 * 1024;

/**
 * gzip/zlib: the file is a candidate when what its first bytes inflate to is one (or cannot be
 * told): compressed man pages and changelogs stay out of the spool.
 */
function inflatedCandidate(head: Uint8Array, format: 'gzip' | 'zlib', path: string, whole: boolean): boolean {
  let inner: Buffer;
  try {
    const options = { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: INFLATE_BYTES };
    inner = format === 'gzip' ? zlib.gunzipSync(head, options) : zlib.inflateSync(head, options);
  } catch {
    return true; // corrupt, or more than INFLATE_BYTES from the head: let the scanner decide
  }
  const innerPath = format === 'gzip' ? path.replace(/\.gz$/i, '') : path;
  const innerHead = inner.subarray(0, SNIFF_BYTES);
  // Unless the head was the whole file, the content may continue past what was inflated.
  const innerSize = whole ? inner.length : Number.MAX_SAFE_INTEGER;
  return sniffCandidate(innerHead, innerPath, innerSize, 1) !== undefined;
}

function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/**
 * Decides from a file's first bytes (`head`, up to SNIFF_BYTES) and its path whether it goes to
 * the model scanner. Names only widen the choice: a pickle called `config.json` is still found.
 */
export function sniffCandidate(
  head: Uint8Array,
  path: string,
  size: number,
  depth = 0,
): Candidate | undefined {
  if (size === 0) return undefined;
  const magic = magicFormat(head, size);
  if ((magic === 'gzip' || magic === 'zlib') && depth === 0) {
    const whole = head.length >= size;
    return inflatedCandidate(head, magic, path, whole) ? { format: magic, reason: 'magic' } : undefined;
  }
  if (magic !== undefined) return { format: magic, reason: 'magic' };
  if (pickleProbe(head, size)) return { format: 'pickle', reason: 'pickle-probe' };
  const byExtension = MODEL_EXTENSIONS[extensionOf(path)];
  if (byExtension !== undefined) return { format: byExtension, reason: 'extension' };
  const byName = FILE_NAMES[path.slice(path.lastIndexOf('/') + 1)];
  if (byName !== undefined) return { format: byName, reason: 'extension' };
  return undefined;
}
