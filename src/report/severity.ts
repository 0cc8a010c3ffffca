/** Severity order and counts shared by every format. */
import type { Finding, Severity } from '../vulndb/index.ts';

/** Most severe first. */
export const SEVERITIES = [
  'CRITICAL',
  'HIGH',
  'MEDIUM',
  'LOW',
  'UNKNOWN',
] as const satisfies readonly Severity[];

const RANK: Readonly<Record<Severity, number>> = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 0 };

export function severityRank(severity: Severity): number {
  return RANK[severity];
}

export type SeverityCounts = Record<Severity, number>;

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts: SeverityCounts = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

/** Code-point order, so output does not depend on the machine's locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Report order inside a target: package name, installed version, most severe first, then id. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.package.name, b.package.name) ||
    compareText(a.installedVersion, b.installedVersion) ||
    compareText(a.package.purl, b.package.purl) ||
    RANK[b.severity] - RANK[a.severity] ||
    compareText(a.id, b.id)
  );
}

/** SARIF/GitHub `security-severity` when no CVSS score is known (the midpoints GitHub's bands use). */
export const SEVERITY_SCORE: Readonly<Record<Severity, number>> = {
  CRITICAL: 9.5,
  HIGH: 8.0,
  MEDIUM: 5.5,
  LOW: 2.0,
  UNKNOWN: 0.0,
};
