import type { Package, PackageLocation } from '../../inventory/index.ts';

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';

/** `fixed`: a fixed version exists; `affected`: no fix yet; `will-not-fix`: the distro said it will not ship one. */
export type FindingStatus = 'fixed' | 'affected' | 'will-not-fix';

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';

export interface Cvss {
  readonly version: CvssVersion;
  readonly vector: string;
  /** Base score computed from the vector (not copied from the record). */
  readonly score: number;
}

/** Where the severity came from: a distro's own rating, a database rating (GHSA), a CVSS vector, or nothing. */
export type SeveritySource = 'distro' | 'database' | 'cvss' | 'none';

/** One vulnerability in one package: records that name each other (aliases) are merged into one finding. */
export interface Finding {
  /** The CVE id when any merged record has one, otherwise the first record id. */
  readonly id: string;
  /** Every other id of the vulnerability (GHSA, DSA/DLA/USN, PYSEC, GO-...), sorted. */
  readonly aliases: readonly string[];
  /** The OSV record ids that matched, sorted. */
  readonly records: readonly string[];
  readonly package: Package;
  /** The version compared: the source version for distro packages matched by source. */
  readonly installedVersion: string;
  readonly fixedVersions: readonly string[];
  readonly severity: Severity;
  readonly severitySource: SeveritySource;
  readonly cvss?: Cvss;
  readonly status: FindingStatus;
  readonly title?: string;
  readonly references: readonly string[];
  /** The layer and path where the package was found (its first location). */
  readonly location?: PackageLocation;
}

/** A package that could not be checked, reported rather than dropped. */
export interface MatchIssue {
  readonly package: string;
  readonly code: 'ECOSYSTEM_UNSUPPORTED' | 'OS_UNSUPPORTED' | 'VERSION_INVALID';
  readonly message: string;
}

export interface MatchResult {
  readonly findings: readonly Finding[];
  readonly issues: readonly MatchIssue[];
}
