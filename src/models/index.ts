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
export { convertCheck, type ConvertCheckResult } from './convert-check.ts';
export {
  hashModelDir,
  verifyModelDir,
  type HashOptions,
  type ModelDirHashes,
  type VerifyResult,
} from './hashes/hash-dir.ts';
export { formatManifest, parseManifest, type ManifestEntry } from './hashes/manifest.ts';
export { verifySafetensorsIndex, type IndexVerifyResult } from './hashes/safetensors-index.ts';
export {
  DEFAULT_IMAGE_MODEL_LIMITS,
  scanImageModels,
  sniffCandidate,
  type Candidate,
  type ImageModelFile,
  type ImageModelIssue,
  type ImageModelLimits,
  type ImageModelScan,
  type ImageModelScanOptions,
} from './image/index.ts';
