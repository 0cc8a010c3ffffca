import type { Package } from '../../inventory/index.ts';
import type { VersionComparator } from '../versions/index.ts';
import type { OsvSeverity } from '../osv/osv-types.ts';
import { bestCvss, severityOfScore } from './cvss.ts';
import type { Cvss, Finding, Severity, SeveritySource } from './finding.ts';
import { severityOfRating } from './rating.ts';

/** One OSV record that matched a package, with what its affected entries said. */
export interface MatchedRecord {
  readonly id: string;
  readonly aliases: readonly string[];
  readonly title: string | undefined;
  /** Record-level `database_specific.severity` (GHSA). */
  readonly rating: string | undefined;
  /** Record and affected-level `severity` entries (CVSS vectors, Ubuntu priority). */
  readonly severity: readonly OsvSeverity[];
  /** Affected-level rating (`ecosystem_specific`/`database_specific`: distro urgency or impact). */
  readonly affectedRating: string | undefined;
  readonly references: readonly string[];
  readonly fixed: readonly string[];
  readonly willNotFix: boolean;
}

const RANK: Record<Severity, number> = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 0 };
const CVE = /^CVE-\d{4}-\d+$/;
const MAX_REFERENCES = 32;

/** Merges records about one vulnerability in one package into a finding. */
export function mergeFinding(
  pkg: Package,
  installedVersion: string,
  group: readonly MatchedRecord[],
  distro: boolean,
  comparator: VersionComparator,
): Finding {
  const records = [...group].sort(
    (a, b) => preference(a.id) - preference(b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const ids = new Set<string>();
  for (const record of records) for (const id of [record.id, ...record.aliases]) ids.add(id);
  const cves = [...ids].filter((id) => CVE.test(id)).sort();
  const id = cves[0] ?? (records[0] as MatchedRecord).id;
  const fixed = [...new Set(records.flatMap((record) => record.fixed))].sort((a, b) =>
    safeCompare(a, b, comparator),
  );
  const cvss = bestOf(records.map((record) => bestCvss(record.severity)));
  const { severity, source } = chooseSeverity(records, cvss, distro);
  const references = [...new Set(records.flatMap((record) => record.references))].slice(0, MAX_REFERENCES);
  const title = records.find((record) => record.title !== undefined && record.title !== '')?.title;
  const location = pkg.locations[0];
  return {
    id,
    aliases: [...ids].filter((alias) => alias !== id).sort(),
    records: records.map((record) => record.id).sort(),
    package: pkg,
    installedVersion,
    fixedVersions: fixed,
    severity,
    severitySource: source,
    ...(cvss === undefined ? {} : { cvss }),
    status:
      fixed.length > 0 ? 'fixed' : records.some((record) => record.willNotFix) ? 'will-not-fix' : 'affected',
    ...(title === undefined ? {} : { title }),
    references,
    ...(location === undefined ? {} : { location }),
  };
}

/**
 * Severity order: for distro packages the distro's own rating (urgency, priority, impact), then
 * CVSS, then a database rating; for language packages the database rating (GHSA), then CVSS.
 * Among ratings of one kind the highest wins. `UNKNOWN` when nothing says.
 */
function chooseSeverity(
  records: readonly MatchedRecord[],
  cvss: Cvss | undefined,
  distro: boolean,
): { severity: Severity; source: SeveritySource } {
  const distroRating = highest(
    records.flatMap((record) => [
      severityOfRating(record.affectedRating),
      ...record.severity
        .filter((entry) => entry.type === 'Ubuntu')
        .map((entry) => severityOfRating(entry.score)),
    ]),
  );
  const databaseRating = highest(records.map((record) => severityOfRating(record.rating)));
  const fromCvss = cvss === undefined ? undefined : severityOfScore(cvss);
  const order: [Severity | undefined, SeveritySource][] = distro
    ? [
        [distroRating, 'distro'],
        [fromCvss, 'cvss'],
        [databaseRating, 'database'],
      ]
    : [
        [databaseRating ?? distroRating, 'database'],
        [fromCvss, 'cvss'],
      ];
  for (const [severity, source] of order) if (severity !== undefined) return { severity, source };
  return { severity: 'UNKNOWN', source: 'none' };
}

function highest(values: readonly (Severity | undefined)[]): Severity | undefined {
  let best: Severity | undefined;
  for (const value of values)
    if (value !== undefined && (best === undefined || RANK[value] > RANK[best])) best = value;
  return best;
}

function bestOf(values: readonly (Cvss | undefined)[]): Cvss | undefined {
  const order = { '4.0': 4, '3.1': 3, '3.0': 2, '2.0': 1 } as const;
  let best: Cvss | undefined;
  for (const value of values) {
    if (value === undefined) continue;
    if (
      best === undefined ||
      order[value.version] > order[best.version] ||
      (order[value.version] === order[best.version] && value.score > best.score)
    ) {
      best = value;
    }
  }
  return best;
}

/** GHSA and CVE-named records first (their titles read best), then distro and database records. */
function preference(id: string): number {
  if (id.startsWith('GHSA-')) return 0;
  if (CVE.test(id)) return 1;
  return 2;
}

function safeCompare(a: string, b: string, comparator: VersionComparator): number {
  try {
    return comparator.compare(a, b);
  } catch {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}
