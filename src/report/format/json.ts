/**
 * The versioned JSON report (docs/report-json.md). Close to Trivy's shape where it makes sense:
 * one result per target with `class` and `type`; field names are camelCase and stable within a
 * `schemaVersion`. Keys are written in a fixed order and collections are sorted.
 */
import type { ModelFinding } from '../../models/index.ts';
import type { Finding } from '../../vulndb/index.ts';
import { SEVERITIES, countBySeverity, compareText, type SeverityCounts } from '../severity.ts';
import { findingLocation, groupTargets } from '../targets.ts';
import { knownOs } from '../artifact.ts';
import type { ReportIssue, ReportOptions, ScanReport, SuppressedFinding, Suppression } from '../types.ts';

export const JSON_SCHEMA_VERSION = 1;

export interface JsonVulnerability {
  readonly id: string;
  readonly aliases: readonly string[];
  readonly records: readonly string[];
  readonly pkgName: string;
  readonly pkgPurl: string;
  readonly pkgPath?: string;
  readonly installedVersion: string;
  readonly fixedVersions: readonly string[];
  readonly status: Finding['status'];
  readonly severity: Finding['severity'];
  readonly severitySource: Finding['severitySource'];
  readonly cvss?: { readonly version: string; readonly vector: string; readonly score: number };
  readonly title?: string;
  readonly references: readonly string[];
  readonly layer?: { readonly digest?: string; readonly diffId?: string };
}

export interface JsonSuppressed extends JsonVulnerability {
  readonly suppression: Suppression;
}

export interface JsonPackageResult {
  readonly target: string;
  readonly class: 'os-pkgs' | 'lang-pkgs';
  readonly type: string;
  readonly packageCount: number;
  readonly vulnerabilities: readonly JsonVulnerability[];
  readonly suppressed: readonly JsonSuppressed[];
}

export interface JsonModelFinding {
  readonly kind: ModelFinding['kind'];
  readonly severity: ModelFinding['severity'];
  readonly verdict: ModelFinding['verdict'];
  readonly format: ModelFinding['format'];
  readonly location: readonly string[];
  readonly offset: number;
  readonly callable?: string;
  readonly callChain: readonly string[];
  readonly message: string;
}

export interface JsonModelResult {
  readonly target: string;
  readonly class: 'model';
  readonly type: string;
  readonly verdict: 'pass' | 'fail';
  readonly skipped?: string;
  readonly findings: readonly JsonModelFinding[];
}

export type JsonResult = JsonPackageResult | JsonModelResult;

export interface JsonReport {
  readonly schemaVersion: typeof JSON_SCHEMA_VERSION;
  readonly createdAt: string;
  readonly tool: { readonly name: 'bosun'; readonly version?: string };
  readonly artifact: ScanReport['artifact'];
  readonly os: {
    readonly family: string;
    readonly version?: string;
    readonly codename?: string;
    readonly prettyName?: string;
  } | null;
  readonly summary: {
    readonly vulnerabilities: SeverityCounts;
    readonly suppressed: number;
    readonly modelsFailed: number;
  };
  readonly results: readonly JsonResult[];
  readonly issues: readonly ReportIssue[];
  readonly warnings: readonly string[];
}

export function vulnerabilityJson(finding: Finding): JsonVulnerability {
  const location = findingLocation(finding);
  const layer =
    location?.layerDigest !== undefined || location?.diffId !== undefined
      ? { digest: location.layerDigest, diffId: location.diffId }
      : undefined;
  return {
    id: finding.id,
    aliases: [...finding.aliases].sort(compareText),
    records: [...finding.records].sort(compareText),
    pkgName: finding.package.name,
    pkgPurl: finding.package.purl,
    pkgPath: location?.path,
    installedVersion: finding.installedVersion,
    fixedVersions: [...finding.fixedVersions],
    status: finding.status,
    severity: finding.severity,
    severitySource: finding.severitySource,
    cvss: finding.cvss && {
      version: finding.cvss.version,
      vector: finding.cvss.vector,
      score: finding.cvss.score,
    },
    title: finding.title,
    references: [...finding.references],
    layer,
  };
}

function suppressedJson(entry: SuppressedFinding): JsonSuppressed {
  return { ...vulnerabilityJson(entry.finding), suppression: entry.suppression };
}

function modelFindingJson(f: ModelFinding): JsonModelFinding {
  return {
    kind: f.kind,
    severity: f.severity,
    verdict: f.verdict,
    format: f.format,
    location: [...f.location],
    offset: f.offset,
    callable: f.callable,
    callChain: [...f.callChain],
    message: f.message,
  };
}

function compareModelFindings(a: ModelFinding, b: ModelFinding): number {
  return (
    compareText(a.location.join('\u0000'), b.location.join('\u0000')) ||
    a.offset - b.offset ||
    compareText(a.kind, b.kind) ||
    compareText(a.message, b.message)
  );
}

/** The artifact with keys in the documented order, whatever order the caller built it in. */
function artifactJson(a: ScanReport['artifact']): ScanReport['artifact'] {
  return {
    name: a.name,
    type: a.type,
    digest: a.digest,
    repoDigests: a.repoDigests === undefined ? undefined : [...a.repoDigests],
    configDigest: a.configDigest,
    platform: a.platform && {
      os: a.platform.os,
      architecture: a.platform.architecture,
      variant: a.platform.variant,
    },
    layers: a.layers?.map((l) => ({
      digest: l.digest,
      diffId: l.diffId,
      size: l.size,
      mediaType: l.mediaType,
    })),
    created: a.created,
  };
}

/** The report as a plain object (schemaVersion 1). */
export function toJsonReport(report: ScanReport, options: ReportOptions = {}): JsonReport {
  const results: JsonResult[] = groupTargets(report).map((t) =>
    t.kind === 'packages'
      ? {
          target: t.target,
          class: t.class,
          type: t.type,
          packageCount: t.packages.length,
          vulnerabilities: t.findings.map(vulnerabilityJson),
          suppressed: t.suppressed.map(suppressedJson),
        }
      : {
          target: t.target,
          class: 'model',
          type: t.type,
          verdict: t.result.verdict,
          skipped: t.result.skipped,
          findings: [...t.result.findings].sort(compareModelFindings).map(modelFindingJson),
        },
  );
  const os = knownOs(report.inventory.os);
  const counts = countBySeverity(report.findings);
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    createdAt: (options.timestamp ?? new Date()).toISOString(),
    tool: { name: 'bosun', version: options.toolVersion },
    artifact: artifactJson(report.artifact),
    os:
      os === undefined
        ? null
        : { family: os.family, version: os.version, codename: os.codename, prettyName: os.prettyName },
    summary: {
      vulnerabilities: Object.fromEntries(SEVERITIES.map((s) => [s, counts[s]])) as SeverityCounts,
      suppressed: report.suppressed?.length ?? 0,
      modelsFailed: (report.models ?? []).filter((m) => m.verdict === 'fail').length,
    },
    results,
    issues: [...(report.issues ?? [])].sort(
      (a, b) =>
        compareText(a.source, b.source) ||
        compareText(a.path ?? '', b.path ?? '') ||
        compareText(a.code, b.code) ||
        compareText(a.message, b.message),
    ),
    warnings: [...(report.warnings ?? [])],
  };
}

/** The JSON report as text: two-space indentation and a final newline. */
export function formatJson(report: ScanReport, options: ReportOptions = {}): string {
  return `${JSON.stringify(toJsonReport(report, options), null, 2)}\n`;
}
