/**
 * Model format from magic bytes (and, for zips, the member names), else from the extension.
 * - PyTorch ≥ 1.6 `torch.save`: a zip with `<archive>/data.pkl`; older: a pickle starting with
 *   protocol 2 and the LONG1 magic number 0x1950a86a20f9469cfc6c.
 * - Keras 3 `.keras`: a zip with `config.json` and `model.weights.h5`.
 * - NumPy: `\x93NUMPY`; `.npz` a zip of `.npy` members. HDF5: `\x89HDF\r\n\x1a\n` at 0 or a
 *   power-of-two user-block offset. GGUF: `GGUF`. safetensors: u64 LE header length then `{`.
 * - Pickle: PROTO opcode (0x80, protocol 2-5), or protocol 0/1 text ending with STOP (`.`).
 * - ONNX is protobuf without magic: field 1 (ir_version, varint) comes first, byte 0x08.
 */
import type { ModelFormat } from '../../types.ts';
import { isZip, listZipEntries } from '../java/index.ts';

const EXTENSION_FORMAT: Readonly<Record<string, ModelFormat>> = {
  pt: 'pytorch-zip',
  pth: 'pytorch-zip',
  ckpt: 'pytorch-zip',
  bin: 'unknown',
  pkl: 'pickle',
  pickle: 'pickle',
  joblib: 'joblib',
  npy: 'numpy',
  npz: 'numpy-zip',
  h5: 'hdf5',
  hdf5: 'hdf5',
  keras: 'keras-zip',
  safetensors: 'safetensors',
  gguf: 'gguf',
  onnx: 'onnx',
};

export const MODEL_EXTENSIONS: readonly string[] = Object.keys(EXTENSION_FORMAT);

export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/** The format the extension suggests (for files too large to read here). */
export function formatFromExtension(path: string): ModelFormat {
  return EXTENSION_FORMAT[extensionOf(path)] ?? 'unknown';
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0): boolean =>
  prefix.every((b, i) => bytes[at + i] === b);

const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const NUMPY = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const GGUF = [0x47, 0x47, 0x55, 0x46];
const TORCH_LEGACY = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
const ZLIB = [0x78];
const GZIP = [0x1f, 0x8b];
const XZ = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
// Opcodes a protocol 0/1 pickle commonly starts with: MARK ( EMPTY_LIST ] EMPTY_DICT } GLOBAL c NONE N INT I STRING S UNICODE V.
const PICKLE_TEXT_START = new Set([0x28, 0x5d, 0x7d, 0x63, 0x4e, 0x49, 0x53, 0x56, 0x4c, 0x46]);

function zipFormat(bytes: Uint8Array, path: string): ModelFormat {
  let names: string[];
  try {
    names = listZipEntries(bytes, path).map((e) => e.name);
  } catch {
    return 'zip';
  }
  if (names.some((n) => /(^|\/)data\.pkl$/.test(n))) return 'pytorch-zip';
  if (names.includes('config.json') && names.some((n) => n.endsWith('.weights.h5'))) return 'keras-zip';
  if (names.length > 0 && names.every((n) => n.endsWith('.npy'))) return 'numpy-zip';
  return 'zip';
}

function isSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return length > 1n && length <= BigInt(bytes.length - 8) && bytes[8] === 0x7b;
}

/** The format of a whole file's bytes; `undefined` when no magic matches. */
export function formatFromMagic(bytes: Uint8Array, path: string): ModelFormat | undefined {
  const ext = extensionOf(path);
  if (isZip(bytes)) return zipFormat(bytes, path);
  if (startsWith(bytes, NUMPY)) return 'numpy';
  if ([0, 512, 1024, 2048].some((at) => startsWith(bytes, HDF5, at))) return 'hdf5';
  if (startsWith(bytes, GGUF)) return 'gguf';
  if (startsWith(bytes, TORCH_LEGACY)) return 'pytorch-legacy';
  const pickle =
    (bytes[0] === 0x80 && (bytes[1] ?? 0) >= 2 && (bytes[1] ?? 0) <= 5) ||
    (PICKLE_TEXT_START.has(bytes[0] ?? 0) && bytes[bytes.length - 1] === 0x2e);
  if (pickle) return ext === 'joblib' ? 'joblib' : 'pickle';
  // joblib compresses pickles with zlib (default), gzip or xz.
  if (ext === 'joblib' && (startsWith(bytes, ZLIB) || startsWith(bytes, GZIP) || startsWith(bytes, XZ)))
    return 'joblib';
  if (isSafetensors(bytes)) return 'safetensors';
  if (ext === 'onnx' && bytes[0] === 0x08) return 'onnx';
  return undefined;
}
