/**
 * SARIF 2.1.0 for GitHub code scanning: one rule per vulnerability id (help text, tags and the
 * `security-severity` property GitHub uses to rank alerts), one result per affected package
 * location. Model-file findings become rules per finding kind. Every result has a physical
 * location with an artifactLocation URI, as GitHub requires.
 */
import type { Log, ReportingDescriptor, Result, Run } from 'sarif';
import type { ModelFinding } from '../../models/index.ts';
import type { Finding, Severity } from '../../vulndb/index.ts';
import { SEVERITY_SCORE, compareText, severityRank } from '../severity.ts';
import { findingLocation, groupTargets } from '../targets.ts';
import type { ReportOptions, ScanReport } from '../types.ts';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type Level = 'error' | 'warning' | 'note';

function levelFor(severity: Severity | ModelFinding['severity']): Level {
  if (severity === 'CRITICAL' || severity === 'HIGH') return 'error';
  if (severity === 'MEDIUM') return 'warning';
  return 'note';
}

/** A relative URI reference for a path inside the image (each segment percent-encoded). */
export function pathUri(path: string): string {
  const clean = path.replace(/^\/+/, '');
  return clean === '' ? '.' : clean.split('/').map(encodeURIComponent).join('/');
}

function score(f: Finding): number {
  return f.cvss?.score ?? SEVERITY_SCORE[f.severity];
}

function vulnerabilityRule(id: string, group: readonly Finding[]): ReportingDescriptor {
  // The most severe finding of the id speaks for the rule (severity can differ per ecosystem).
  const worst = [...group].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || score(b) - score(a),
  )[0] as Finding;
  const title = worst.title ?? id;
  const aliases = [...new Set(group.flatMap((f) => f.aliases))].sort(compareText);
  const references = [...new Set(group.flatMap((f) => f.references))];
  const helpLines = [
    `Vulnerability ${id}${aliases.length > 0 ? ` (${aliases.join(', ')})` : ''}`,
    `Severity: ${worst.severity}${worst.cvss ? ` (CVSS ${worst.cvss.version} ${worst.cvss.score}: ${worst.cvss.vector})` : ''}`,
    `Title: ${title}`,
    ...references.map((r) => `Reference: ${r}`),
  ];
  const markdownRows = group
    .map(
      (f) =>
        `| ${mdCell(f.package.name)} | ${mdCell(f.installedVersion)} | ${mdCell(f.fixedVersions.join(', '))} |`,
    )
    .sort(compareText);
  return {
    id,
    name: 'PackageVulnerability',
    shortDescription: { text: `${id}: ${title}` },
    fullDescription: { text: title },
    defaultConfiguration: { level: levelFor(worst.severity) },
    helpUri: references[0],
    help: {
      text: helpLines.join('\n'),
      markdown: [
        `**Vulnerability ${id}**${aliases.length > 0 ? ` (${aliases.map(mdCell).join(', ')})` : ''}`,
        '',
        `| Package | Installed | Fixed |`,
        `| --- | --- | --- |`,
        ...markdownRows,
        '',
        ...references.map((r) => `- <${r}>`),
      ].join('\n'),
    },
    properties: {
      precision: 'very-high',
      'security-severity': score(worst).toFixed(1),
      tags: ['vulnerability', 'security', worst.severity],
    },
  };
}

/** Markdown table cells: pipes and newlines from advisory text would break the table. */
function mdCell(text: string): string {
  return text.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
}

function modelRuleId(kind: ModelFinding['kind']): string {
  return `bosun-model/${kind}`;
}

function modelRule(kind: ModelFinding['kind'], group: readonly ModelFinding[]): ReportingDescriptor {
  const rank = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, INFO: 0 } as const;
  const worst = [...group].sort((a, b) => rank[b.severity] - rank[a.severity])[0] as ModelFinding;
  const modelScore = { CRITICAL: 9.5, HIGH: 8.0, MEDIUM: 5.5, LOW: 2.0, INFO: 0.0 }[worst.severity];
  const text = `Model file check "${kind}": the file may run code or is malformed when loaded by an ML framework.`;
  return {
    id: modelRuleId(kind),
    name: 'ModelFileFinding',
    shortDescription: { text: `Model file: ${kind}` },
    fullDescription: { text },
    defaultConfiguration: { level: levelFor(worst.severity) },
    help: { text, markdown: text },
    properties: {
      precision: 'high',
      'security-severity': modelScore.toFixed(1),
      tags: ['security', 'model', worst.severity],
    },
  };
}

export interface SarifOptions extends ReportOptions {
  /** The tool's home page (`tool.driver.informationUri`); SARIF validators recommend one. */
  readonly informationUri?: string;
}

/** The SARIF log as a plain object. */
export function toSarif(report: ScanReport, options: SarifOptions = {}): Log {
  const targets = groupTargets(report);
  const byId = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const list = byId.get(f.id);
    if (list === undefined) byId.set(f.id, [f]);
    else list.push(f);
  }
  const modelKinds = new Map<ModelFinding['kind'], ModelFinding[]>();
  for (const m of report.models ?? []) {
    for (const f of m.findings) {
      const list = modelKinds.get(f.kind);
      if (list === undefined) modelKinds.set(f.kind, [f]);
      else list.push(f);
    }
  }
  const rules: ReportingDescriptor[] = [
    ...[...byId.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([id, group]) => vulnerabilityRule(id, group)),
    ...[...modelKinds.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([kind, group]) => modelRule(kind, group)),
  ];
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));

  const results: Result[] = [];
  for (const t of targets) {
    if (t.kind === 'packages') {
      for (const f of t.findings) {
        const path = findingLocation(f)?.path ?? report.artifact.name;
        const fixed = f.fixedVersions.length > 0 ? f.fixedVersions.join(', ') : 'none';
        results.push({
          ruleId: f.id,
          ruleIndex: ruleIndex.get(f.id),
          level: levelFor(f.severity),
          message: {
            text: [
              `Package: ${f.package.name}`,
              `Installed Version: ${f.installedVersion}`,
              `Vulnerability ${f.id}`,
              `Severity: ${f.severity}`,
              `Fixed Version: ${fixed}`,
              `Link: ${f.references[0] ?? 'none'}`,
            ].join('\n'),
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: pathUri(path), uriBaseId: 'ROOTPATH' },
                region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
              },
              message: { text: `${t.target}: ${f.package.name}@${f.installedVersion}` },
            },
          ],
          properties: {
            purl: f.package.purl,
            ...(findingLocation(f)?.layerDigest === undefined
              ? {}
              : { layerDigest: findingLocation(f)?.layerDigest }),
          },
        });
      }
    } else {
      for (const f of t.result.findings) {
        results.push({
          ruleId: modelRuleId(f.kind),
          ruleIndex: ruleIndex.get(modelRuleId(f.kind)),
          level: levelFor(f.severity),
          message: {
            text: [
              f.message,
              f.callable === undefined ? undefined : `Callable: ${f.callable}`,
              `Offset: ${f.offset}`,
            ]
              .filter((x) => x !== undefined)
              .join('\n'),
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: pathUri(t.result.file), uriBaseId: 'ROOTPATH' },
                region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
              },
              message: { text: [t.result.file, ...f.location].join(' > ') },
            },
          ],
        });
      }
    }
  }

  const run: Run = {
    tool: {
      driver: {
        name: 'Bosun',
        fullName: 'Bosun container supply-chain scanner',
        version: options.toolVersion ?? '0.0.0',
        ...(options.informationUri === undefined ? {} : { informationUri: options.informationUri }),
        rules,
      },
    },
    results,
    columnKind: 'utf16CodeUnits',
    originalUriBaseIds: { ROOTPATH: { uri: 'file:///' } },
    properties: {
      imageName: report.artifact.name,
      ...(report.artifact.digest === undefined ? {} : { imageDigest: report.artifact.digest }),
    },
  };
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}

export function formatSarif(report: ScanReport, options: SarifOptions = {}): string {
  return `${JSON.stringify(toSarif(report, options), null, 2)}\n`;
}
