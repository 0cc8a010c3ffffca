// Public surface of the model scanner: parse, never load.
export type {
  AllowListConfig,
  AllowPreset,
  FindingKind,
  FindingVerdict,
  ModelFinding,
  ModelFormat,
  ModelScanLimits,
  ModelScanOptions,
  ModelScanResult,
  Severity,
} from './types.ts';
export { scanModelBytes, scanModelFile, scanModelPath } from './scan/scan-file.ts';
export {
  classifyGlobal,
  compileAllowList,
  type Classification,
  type GlobalVerdict,
} from './pickle/classify.ts';
export { DEFAULT_PRESETS, PRESETS } from './pickle/allow-list.ts';
