/**
 * CycloneDX 1.6 BOM with vulnerabilities: the SBOM of the scan plus one vulnerability entry per
 * id (ratings, references to aliases, advisories, `affects` pointing at package bom-refs).
 * Findings suppressed by VEX are written with an `analysis` (not_affected or resolved), so the
 * output is itself a VEX document; ignore-file suppressions stay visible, marked by a property.
 */
import type { Finding } from '../../vulndb/index.ts';
import { buildCdxBom, type SbomOptions } from '../sbom/cyclonedx.ts';
import type { CdxBom, CdxRating, CdxVulnerability } from '../sbom/cyclonedx-types.ts';
import { compareText, severityRank } from '../severity.ts';
import type { ScanReport, Suppression } from '../types.ts';

const METHODS: Readonly<Record<string, CdxRating['method']>> = {
  '2.0': 'CVSSv2',
  '3.0': 'CVSSv3',
  '3.1': 'CVSSv31',
  '4.0': 'CVSSv4',
};

/** OpenVEX justifications → CycloneDX impact-analysis justifications; CycloneDX values pass through. */
const JUSTIFICATIONS: Readonly<Record<string, string>> = {
  component_not_present: 'code_not_present',
  vulnerable_code_not_present: 'code_not_present',
  vulnerable_code_not_in_execute_path: 'code_not_reachable',
  vulnerable_code_cannot_be_controlled_by_adversary: 'protected_by_mitigating_control',
  inline_mitigations_already_exist: 'protected_by_mitigating_control',
  code_not_present: 'code_not_present',
  code_not_reachable: 'code_not_reachable',
  requires_configuration: 'requires_configuration',
  requires_dependency: 'requires_dependency',
  requires_environment: 'requires_environment',
  protected_by_compiler: 'protected_by_compiler',
  protected_at_runtime: 'protected_at_runtime',
  protected_at_perimeter: 'protected_at_perimeter',
  protected_by_mitigating_control: 'protected_by_mitigating_control',
};

/** Where an id is published, from its prefix. */
export function vulnerabilitySource(id: string): { name: string; url?: string } {
  if (id.startsWith('CVE-')) return { name: 'NVD', url: `https://nvd.nist.gov/vuln/detail/${id}` };
  if (id.startsWith('GHSA-')) return { name: 'GitHub', url: `https://github.com/advisories/${id}` };
  return { name: 'OSV', url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}` };
}

function rating(f: Finding): CdxRating {
  const severity = f.severity.toLowerCase() as CdxRating['severity'];
  if (f.cvss === undefined) return { severity, method: 'other' };
  return { score: f.cvss.score, severity, method: METHODS[f.cvss.version] ?? 'other', vector: f.cvss.vector };
}

interface Entry {
  readonly finding: Finding;
  readonly suppression?: Suppression;
}

function vulnerability(id: string, entries: readonly Entry[]): CdxVulnerability {
  const worst = [...entries].sort(
    (a, b) => severityRank(b.finding.severity) - severityRank(a.finding.severity),
  )[0]?.finding as Finding;
  const aliases = [...new Set(entries.flatMap((e) => e.finding.aliases))].sort(compareText);
  const urls = [...new Set(entries.flatMap((e) => e.finding.references))].sort(compareText);
  const refs = [...new Set(entries.map((e) => e.finding.package.purl))].sort(compareText);
  const recommendations = entries
    .filter((e) => e.finding.fixedVersions.length > 0)
    .map((e) => `Upgrade ${e.finding.package.name} to ${e.finding.fixedVersions.join(' or ')}`);
  const vex = entries.map((e) => e.suppression).filter((s) => s?.kind === 'vex');
  // Only when every affected package carries a VEX statement is the vulnerability as a whole analysed.
  const analysis =
    vex.length === entries.length && vex[0]?.kind === 'vex'
      ? {
          state: vex[0].status === 'fixed' ? ('resolved' as const) : ('not_affected' as const),
          justification:
            vex[0].justification === undefined ? undefined : JUSTIFICATIONS[vex[0].justification],
          detail: vex[0].statement,
        }
      : undefined;
  const ignored = entries.some((e) => e.suppression?.kind === 'ignore');
  return {
    'bom-ref': `vulnerability:${id}`,
    id,
    source: vulnerabilitySource(id),
    references:
      aliases.length > 0 ? aliases.map((a) => ({ id: a, source: vulnerabilitySource(a) })) : undefined,
    ratings: [rating(worst)],
    description: worst.title,
    recommendation:
      recommendations.length > 0 ? [...new Set(recommendations)].sort(compareText).join('; ') : undefined,
    advisories: urls.length > 0 ? urls.map((url) => ({ url })) : undefined,
    analysis,
    affects: refs.map((ref) => ({
      ref,
      versions: [
        ...new Set(
          entries.filter((e) => e.finding.package.purl === ref).map((e) => e.finding.installedVersion),
        ),
      ]
        .sort(compareText)
        .map((version) => ({ version, status: 'affected' as const })),
    })),
    properties: ignored ? [{ name: 'bosun:suppressed', value: 'ignore-file' }] : undefined,
  };
}

/** The scan as a CycloneDX 1.6 BOM with a `vulnerabilities` section. */
export function toCycloneDxVulnerabilities(
  report: ScanReport,
  options: Omit<SbomOptions, 'artifact'> = {},
): CdxBom {
  const bom = buildCdxBom(report.inventory, { ...options, artifact: report.artifact });
  const byId = new Map<string, Entry[]>();
  const add = (entry: Entry) => {
    const list = byId.get(entry.finding.id);
    if (list === undefined) byId.set(entry.finding.id, [entry]);
    else list.push(entry);
  };
  for (const finding of report.findings) add({ finding });
  for (const s of report.suppressed ?? []) add({ finding: s.finding, suppression: s.suppression });
  // `affects` must name components of this BOM; a finding whose package is not in the inventory is dropped.
  const refs = new Set(bom.components.map((c) => c['bom-ref']));
  const vulnerabilities = [...byId.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([id, entries]) => vulnerability(id, entries))
    .map((v) => ({ ...v, affects: v.affects.filter((a) => refs.has(a.ref)) }))
    .filter((v) => v.affects.length > 0);
  return { ...bom, vulnerabilities };
}

export function formatCycloneDxVulnerabilities(
  report: ScanReport,
  options: Omit<SbomOptions, 'artifact'> = {},
): string {
  return `${JSON.stringify(toCycloneDxVulnerabilities(report, options), null, 2)}\n`;
}
