/**
 * Records every file that looks like an AI/ML model, for src/models to check. Files up to
 * MAX_MAGIC_BYTES are identified by their bytes; larger ones (the walker only hands over whole
 * files) by extension, marked `evidence: 'extension'`. `.bin` is too common a name to trust: it
 * counts only when the bytes say model, or for the names model hubs use.
 */
import type { Analyzer } from '../../analyzer.ts';
import { locationOf, readInput } from '../../analyzer.ts';
import type { ModelFile } from '../../types.ts';
import { extensionOf, formatFromExtension, formatFromMagic, MODEL_EXTENSIONS } from './detect.ts';

export const MAX_MAGIC_BYTES = 64 * 1024 * 1024;
const HUB_BIN = /(^|\/)(pytorch_model|adapter_model|model|training_args|optimizer)([-.][^/]*)?\.bin$/;

export function isModelPath(path: string): boolean {
  return MODEL_EXTENSIONS.includes(extensionOf(path));
}

export const modelFilesAnalyzer: Analyzer = {
  id: 'model-files',
  version: 2,
  wants: (path, info) =>
    isModelPath(path) && (extensionOf(path) !== 'bin' || info.size <= MAX_MAGIC_BYTES || HUB_BIN.test(path)),
  async analyze(input, ctx) {
    const location = locationOf(input);
    let file: ModelFile | undefined;
    if (input.size > MAX_MAGIC_BYTES) {
      file = {
        path: input.path,
        format: formatFromExtension(input.path),
        size: input.size,
        evidence: 'extension',
        location,
      };
    } else {
      const bytes = await readInput(input, MAX_MAGIC_BYTES, ctx.signal);
      const format = formatFromMagic(bytes, input.path);
      if (format !== undefined)
        file = { path: input.path, format, size: bytes.length, evidence: 'magic', location };
      else if (extensionOf(input.path) !== 'bin' && !isPythonPathFile(input.path, bytes)) {
        file = { path: input.path, format: 'unknown', size: bytes.length, evidence: 'magic', location };
      }
    }
    return { packages: [], issues: [], ...(file === undefined ? {} : { modelFiles: [file] }) };
  },
};

/**
 * site-packages `*.pth` files are Python path configuration (plain text lines), not PyTorch
 * checkpoints; a text pickle would have matched the magic checks above.
 */
function isPythonPathFile(path: string, bytes: Uint8Array): boolean {
  if (extensionOf(path) !== 'pth') return false;
  for (const b of bytes) if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) return false;
  return true;
}
