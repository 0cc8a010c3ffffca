/** Scan orchestration: image or directory or SBOM → inventory → vulnerability DB (+ model checks) → result. */
export type {
  ScanDbInfo,
  ScanIssue,
  ScannerKind,
  ScanOptions,
  ScanPhase,
  ScanProgress,
  ScanResult,
  ScanTimings,
  VulnDbOptions,
} from './types.ts';
export { scanImage, type ScanImageOptions } from './scan-image.ts';
export { scanDirectory, type ScanDirectoryOptions } from './scan-directory.ts';
export { scanSbom, sbomInventory, type SbomScanResult, type ScanSbomOptions } from './scan-sbom.ts';
export { DEFAULT_DB_MAX_AGE_MS, decideDbRefresh, downloadBase, formatAge } from './db-refresh.ts';
export type { DbRefreshDecision, DbRefreshInput } from './db-refresh.ts';
export { ensureVulnDb, type EnsureDbOptions, type OpenedDb } from './ensure-db.ts';
export { DEFAULT_MAX_MODEL_FILE_BYTES } from './image-models.ts';
export {
  DEFAULT_SBOM_LIMITS,
  jsonNesting,
  parseSbom,
  type ParsedSbom,
  type SbomLimits,
} from './sbom/parse-sbom.ts';
export { osFromDistro, packageFromPurl, type PurlPackage } from './sbom/purl-package.ts';
export {
  DEFAULT_MAX_DB_ARTIFACT_BYTES,
  VULNDB_ARTIFACT_TYPE,
  VULNDB_LAYER_MEDIA_TYPE,
  dbArtifactManifest,
  pullVulnDbArtifact,
  pushVulnDbArtifact,
  type DbArtifactLocation,
} from './db-artifact.ts';
