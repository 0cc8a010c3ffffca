// Model files inside container images.
export {
  DEFAULT_IMAGE_MODEL_LIMITS,
  scanImageModels,
  type ImageModelFile,
  type ImageModelIssue,
  type ImageModelLimits,
  type ImageModelScan,
  type ImageModelScanOptions,
} from './scan-image-models.ts';
export { sniffCandidate, type Candidate } from './candidates.ts';
