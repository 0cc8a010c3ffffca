/** Inventory: analyzers that find OS facts and packages in image layers. */
export type {
  InventoryIssue,
  ModelFile,
  ModelFormat,
  OsInfo,
  Package,
  PackageEcosystem,
  PackageLocation,
} from './types.ts';
export type { Analyzer, AnalyzerContext, AnalyzerFact, AnalyzerInput, AnalyzerResult } from './analyzer.ts';
export { EMPTY_RESULT, analyzeFile, inputIssue, locationOf, readInput } from './analyzer.ts';
export { analyzers, findAnalyzer } from './registry.ts';
// OS analyzers
export { osReleaseAnalyzer, osInfoFromFile, resolveOs } from './analyzers/os-release/os-release.ts';
export type { OsCandidate } from './analyzers/os-release/os-release.ts';
export { applyOs, osDistroQualifier, osNamespace } from './analyzers/os-release/os-purl.ts';
export { dpkgAnalyzer } from './analyzers/dpkg/dpkg.ts';
export { parseDpkgStatus } from './analyzers/dpkg/dpkg-status.ts';
export { apkAnalyzer } from './analyzers/apk/apk.ts';
export { parseApkInstalled } from './analyzers/apk/apk-installed.ts';
export { rpmAnalyzer, readRpmBlobs } from './analyzers/rpm/rpm.ts';
export { parseRpmHeader } from './analyzers/rpm/rpm-header.ts';

// Language analyzers
export {
  npmInstalledAnalyzer,
  npmLockAnalyzer,
  yarnLockAnalyzer,
  pnpmLockAnalyzer,
  parsePackageLock,
  parseYarnLock,
  parsePnpmLock,
} from './analyzers/npm/index.ts';
export {
  pythonInstalledAnalyzer,
  pythonLockAnalyzer,
  parsePythonMetadata,
  parseRequirements,
  parsePoetryLock,
  parsePipfileLock,
  parseUvLock,
} from './analyzers/python/index.ts';
export { goBinaryAnalyzer, goModAnalyzer, readGoBuildInfo, parseGoMod } from './analyzers/go/index.ts';
export type { GoBuildInfo, GoModule } from './analyzers/go/index.ts';
export { javaArchiveAnalyzer, parseJavaArchive } from './analyzers/java/index.ts';
export {
  cargoLockAnalyzer,
  cargoAuditableAnalyzer,
  parseCargoLock,
  parseCargoAuditable,
} from './analyzers/rust/index.ts';
export {
  gemspecAnalyzer,
  gemfileLockAnalyzer,
  parseGemspec,
  parseGemfileLock,
} from './analyzers/ruby/index.ts';
export {
  composerLockAnalyzer,
  composerInstalledAnalyzer,
  parseComposerLock,
  parseComposerInstalled,
} from './analyzers/php/index.ts';
export {
  dotnetDepsAnalyzer,
  nugetLockAnalyzer,
  parseDepsJson,
  parseNugetLock,
} from './analyzers/dotnet/index.ts';
export { modelFilesAnalyzer, formatFromMagic } from './analyzers/model-files/index.ts';

// Engine: layers → analyzers → merged inventory
export type { Inventory, ImageMetadata, InventoryLayer, InventoryTarget } from './types.ts';
export {
  inventoryImage,
  inventoryDirectory,
  DEFAULT_LAYER_CACHE_LIMITS,
  pruneLayerCache,
  openLayerCache,
} from './engine/index.ts';
export type {
  InventoryImageOptions,
  InventoryOptions,
  InventoryProgress,
  LayerCache,
  LayerCacheLimits,
} from './engine/index.ts';
