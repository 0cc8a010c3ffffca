/**
 * Bosun's public library API: a short, curated list, one block per capability. Everything the
 * CLI does is reachable from here. Every change shows in `src/index.test.ts`.
 */

// Errors and exit codes
export { BosunError, isBosunError, exitCodeFor } from './util/errors.ts';
export type { ErrorCode, ErrorCategory, ErrorDetails } from './util/errors.ts';

// Images: references, credentials, registries, local layouts and archives, layers
export {
  parseReference,
  formatReference,
  familiarName,
  withDigest,
  referencePinning,
  openImage,
  resolveImage,
  summarizeImage,
  hostPlatform,
  parsePlatform,
  openLocalImage,
  walkLayer,
  walkRootfs,
  MergedFilesystem,
  RegistryClient,
  createRegistryClient,
  registryImageSource,
  dockerConfigProvider,
  defaultDockerConfigPath,
  kubernetesSecretProvider,
  staticCredentialProvider,
  chainCredentialProviders,
} from './image/index.ts';
export type {
  ImageReference,
  ReferencePinning,
  CredentialProvider,
  RegistryCredential,
  RegistryClientOptions,
  OpenImageOptions,
  ImageSummary,
  Descriptor,
  FetchedManifest,
  ImageConfig,
  ImageIndex,
  ImageManifest,
  ImageSource,
  Platform,
  ResolvedImage,
  LayerEntry,
  LayerLimits,
} from './image/index.ts';

// Inventory and SBOM content
export { inventoryImage, inventoryDirectory, analyzers } from './inventory/index.ts';
export type {
  Inventory,
  InventoryImageOptions,
  Package,
  PackageEcosystem,
  PackageLocation,
  OsInfo,
  ModelFile,
  Analyzer,
} from './inventory/index.ts';

// Vulnerability DB and matching
export {
  buildVulnDb,
  importOsv,
  updateVulnDb,
  dbStatus,
  openVulnDb,
  matchInventory,
  comparatorForEcosystem,
} from './vulndb/index.ts';
export type { Finding, Severity, FindingStatus, DbStatus, UpdateOptions } from './vulndb/index.ts';

// Scans: image, directory or SBOM → inventory → findings (+ model checks)
export { scanImage, scanDirectory, scanSbom, pushVulnDbArtifact, pullVulnDbArtifact } from './scan/index.ts';
export type { ScanResult, ScanOptions, ScanProgress } from './scan/index.ts';

// Reports, filters and gates
export {
  toCycloneDx,
  toSpdx,
  formatTable,
  formatJson,
  toSarif,
  toCycloneDxVulnerabilities,
  formatHtml,
  filterFindings,
  parseIgnoreFile,
  parseVex,
  exitCodeForFindings,
} from './report/index.ts';
export type { ScanReport } from './report/index.ts';

// Signing and verification (Cosign-compatible)
export {
  generateKeyPair,
  writeKeyPair,
  loadPrivateKey,
  loadPublicKey,
  signBlob,
  verifyBlob,
  signImage,
  attestImage,
  verifyImageSignatures,
  verifyImageAttestations,
  signImageKeyless,
  parseTrustedRoot,
  VerificationCache,
} from './sign/index.ts';
export type { PrivateKey, PublicKey, Statement } from './sign/index.ts';

// AI model files
export {
  scanModelFile,
  scanModelPath,
  scanModelBytes,
  scanImageModels,
  hashModelDir,
  verifyModelDir,
  verifySafetensorsIndex,
  convertCheck,
} from './models/index.ts';
export type { ModelFinding, ModelScanResult, ModelScanOptions } from './models/index.ts';

// Policies (Kyverno-compatible and CEL)
export { loadPolicies, applyPolicies, runKyvernoTests } from './policy/index.ts';
export type { ImageFacts, LoadedPolicies, PolicyResponse, RuleResult } from './policy/index.ts';

// Admission webhook and pinning
export {
  startWebhookServer,
  handleAdmission,
  webhookManifests,
  PolicyAdmissionEngine,
} from './admission/index.ts';
export type { WebhookServerOptions, AdmissionRequest, AdmissionResponse } from './admission/index.ts';
export { pinFiles, registryDigestResolver } from './pin/index.ts';
export type { PinFilesResult } from './pin/index.ts';
