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
