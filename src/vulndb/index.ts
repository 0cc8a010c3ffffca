/** Vulnerability DB: OSV records in embedded SQLite, per-ecosystem version order, inventory → findings. */
export type {
  OsvAffected,
  OsvEvent,
  OsvRange,
  OsvRecord,
  OsvReference,
  OsvSeverity,
} from './osv/osv-types.ts';
export { DEFAULT_OSV_LIMITS, parseOsvRecord, type OsvParseLimits } from './osv/parse-osv.ts';
export {
  DEFAULT_ZIP_LIMITS,
  openZip,
  readZipBuffer,
  type ZipEntry,
  type ZipFile,
  type ZipLimits,
} from './archive/zip-reader.ts';
export {
  DEFAULT_SOURCE_LIMITS,
  type OsvFile,
  type OsvSource,
  type SourceLimits,
} from './import/osv-source.ts';
export {
  importOsv,
  type ImportIssue,
  type ImportOptions,
  type ImportProgress,
  type ImportResult,
} from './import/import-osv.ts';
export { buildVulnDb, type BuildOptions } from './db/build-db.ts';
export { dbStatus, type DbSourceStatus, type DbStatus } from './db/db-status.ts';
export { openVulnDb, SCHEMA_VERSION } from './db/schema.ts';
export {
  DEFAULT_OSV_BASE_URL,
  DEFAULT_OSV_ECOSYSTEMS,
  updateVulnDb,
  type UpdateOptions,
  type UpdateProgress,
  type UpdateResult,
} from './update/update-db.ts';
export { matchInventory, type MatchInput, type MatchOptions } from './match/match-inventory.ts';
export type {
  Cvss,
  CvssVersion,
  Finding,
  FindingStatus,
  MatchIssue,
  Severity,
  SeveritySource,
} from './match/finding.ts';
export { scoreCvss } from './match/cvss.ts';
// Version order per OSV ecosystem (src/vulndb/versions), for report/policy code that compares versions.
export {
  comparatorForEcosystem,
  ecosystemFamily,
  isVersionAffected,
  isVersionInRange,
  versionComparators,
  type OsvEcosystemFamily,
  type Ordering,
  type VersionComparator,
} from './versions/index.ts';
