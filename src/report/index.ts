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
