/** Reports: table, JSON, SARIF, CycloneDX/SPDX SBOMs, HTML; filters, ignore files, VEX, exit codes. */
export type {
  ReportArtifact,
  ReportInventory,
  ReportIssue,
  ReportLayer,
  ReportOptions,
  ScanReport,
  SuppressedFinding,
  Suppression,
} from './types.ts';
export { SEVERITIES, countBySeverity, severityRank, type SeverityCounts } from './severity.ts';
export {
  groupTargets,
  type ModelTarget,
  type PackageTarget,
  type ReportTarget,
  type TargetClass,
} from './targets.ts';
export { formatTable, type TableOptions } from './format/table.ts';
export {
  JSON_SCHEMA_VERSION,
  formatJson,
  toJsonReport,
  type JsonModelFinding,
  type JsonModelResult,
  type JsonPackageResult,
  type JsonReport,
  type JsonResult,
  type JsonSuppressed,
  type JsonVulnerability,
} from './format/json.ts';
export { toCycloneDx, type SbomOptions } from './sbom/cyclonedx.ts';
export type { CdxBom, CdxComponent, CdxDependency, CdxVulnerability } from './sbom/cyclonedx-types.ts';
export { toSpdx, type SpdxOptions } from './sbom/spdx.ts';
export type { SpdxDocument, SpdxPackage, SpdxRelationship } from './sbom/spdx-types.ts';
export { classifyLicense, normalizeLicenseExpression, type LicenseChoice } from './sbom/licenses.ts';
export {
  exitCodeForFindings,
  filterFindings,
  type FilterOptions,
  type FilterResult,
  type PkgType,
} from './filter/filter-findings.ts';
export {
  DEFAULT_IGNORE_MAX_BYTES,
  DEFAULT_IGNORE_MAX_RULES,
  parseIgnoreFile,
  ruleExpired,
  type IgnoreFile,
  type IgnoreFileOptions,
  type IgnoreRule,
} from './filter/ignore-file.ts';
export {
  DEFAULT_VEX_MAX_BYTES,
  DEFAULT_VEX_MAX_STATEMENTS,
  parseVex,
  type VexDocument,
  type VexOptions,
  type VexProduct,
  type VexStatement,
  type VexStatus,
} from './filter/vex.ts';
export { SARIF_SCHEMA, formatSarif, toSarif, type SarifOptions } from './format/sarif.ts';
export {
  formatCycloneDxVulnerabilities,
  toCycloneDxVulnerabilities,
  vulnerabilitySource,
} from './format/cyclonedx-vex.ts';
export { escapeHtml, formatHtml } from './format/html.ts';
export { artifactFromTarget, knownOs, resolveArtifact } from './artifact.ts';
