/**
 * Groups a scan into report targets, as Trivy does: the OS packages of the image form one target;
 * language packages are grouped by the file that recorded them (lockfile, metadata file, binary);
 * each scanned model file is a target of its own.
 */
import type { Package, PackageLocation } from '../inventory/index.ts';
import type { ModelScanResult } from '../models/index.ts';
import type { Finding } from '../vulndb/index.ts';
import { compareFindings, compareText } from './severity.ts';
import { knownOs } from './artifact.ts';
import type { ScanReport, SuppressedFinding } from './types.ts';

export type TargetClass = 'os-pkgs' | 'lang-pkgs' | 'model';

export interface PackageTarget {
  readonly kind: 'packages';
  readonly target: string;
  readonly class: 'os-pkgs' | 'lang-pkgs';
  /** The OS family for os-pkgs, the purl type (npm, pypi, golang, ...) for lang-pkgs. */
  readonly type: string;
  readonly packages: readonly Package[];
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
}

export interface ModelTarget {
  readonly kind: 'model';
  readonly target: string;
  readonly class: 'model';
  readonly type: string;
  readonly result: ModelScanResult;
}

export type ReportTarget = PackageTarget | ModelTarget;

const OS_ECOSYSTEMS: ReadonlySet<string> = new Set(['deb', 'apk', 'rpm']);

export function isOsPackage(pkg: Package): boolean {
  return OS_ECOSYSTEMS.has(pkg.ecosystem);
}

/** The location a finding is reported at: the matcher's choice, else the package's first location. */
export function findingLocation(finding: Finding): PackageLocation | undefined {
  return finding.location ?? finding.package.locations[0];
}

/** The Trivy-style OS target name: `<artifact> (<family> <version>)`. */
export function osTargetName(report: ScanReport): string {
  const os = knownOs(report.inventory.os);
  const label = os === undefined ? 'unknown' : [os.family, os.version].filter(Boolean).join(' ');
  return `${report.artifact.name} (${label})`;
}

interface Bucket {
  target: string;
  class: 'os-pkgs' | 'lang-pkgs';
  type: string;
  packages: Package[];
  findings: Finding[];
  suppressed: SuppressedFinding[];
}

/** Every target of the scan, OS first, then language files by path, then models by path. */
export function groupTargets(report: ScanReport): ReportTarget[] {
  const buckets = new Map<string, Bucket>();
  const osName = osTargetName(report);
  const osType = knownOs(report.inventory.os)?.family ?? 'unknown';

  const bucketFor = (pkg: Package, location: PackageLocation | undefined): Bucket => {
    const os = isOsPackage(pkg);
    const target = os ? osName : (location?.path ?? report.artifact.name);
    const type = os ? osType : pkg.ecosystem;
    const key = `${os ? 'os' : 'lang'}\u0000${target}\u0000${type}`;
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      bucket = {
        target,
        class: os ? 'os-pkgs' : 'lang-pkgs',
        type,
        packages: [],
        findings: [],
        suppressed: [],
      };
      buckets.set(key, bucket);
    }
    return bucket;
  };

  for (const pkg of report.inventory.packages) bucketFor(pkg, pkg.locations[0]).packages.push(pkg);
  for (const finding of report.findings)
    bucketFor(finding.package, findingLocation(finding)).findings.push(finding);
  for (const entry of report.suppressed ?? []) {
    bucketFor(entry.finding.package, findingLocation(entry.finding)).suppressed.push(entry);
  }

  const packageTargets: PackageTarget[] = [...buckets.values()]
    .map((b) => ({
      kind: 'packages' as const,
      target: b.target,
      class: b.class,
      type: b.type,
      packages: [...b.packages].sort(comparePackages),
      findings: [...b.findings].sort(compareFindings),
      suppressed: [...b.suppressed].sort((x, y) => compareFindings(x.finding, y.finding)),
    }))
    .sort(
      (a, b) =>
        (a.class === b.class ? 0 : a.class === 'os-pkgs' ? -1 : 1) ||
        compareText(a.target, b.target) ||
        compareText(a.type, b.type),
    );

  const modelTargets: ModelTarget[] = [...(report.models ?? [])]
    .sort((a, b) => compareText(a.file, b.file))
    .map((result) => ({
      kind: 'model' as const,
      target: result.file,
      class: 'model' as const,
      type: result.formats.join('+') || 'unknown',
      result,
    }));

  return [...packageTargets, ...modelTargets];
}

export function comparePackages(a: Package, b: Package): number {
  return compareText(a.name, b.name) || compareText(a.version, b.version) || compareText(a.purl, b.purl);
}
