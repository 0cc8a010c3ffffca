/** Shared helpers for language package analyzers (not part of the inventory public API). */
export { DEFAULT_LANG_LIMITS, checkLimit, parseError, type LangLimits } from './limits.ts';
export {
  buildPurl,
  dedupePackages,
  makePackage,
  normalizePypiName,
  type PackageFields,
} from './make-package.ts';
export {
  decodeText,
  entriesOf,
  isRecord,
  linesOf,
  parseJson,
  recordOf,
  stringOf,
  type JsonRecord,
} from './text.ts';
export { parseTomlText } from './toml.ts';
export { baseName, fileAnalyzer, type FileAnalyzerSpec } from './file-analyzer.ts';
