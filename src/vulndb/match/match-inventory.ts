import type { DatabaseSync } from 'node:sqlite';
import type { OsInfo, Package } from '../../inventory/index.ts';
import { comparatorForEcosystem, type VersionComparator } from '../versions/index.ts';
import type { StoredAffected } from '../db/stored-affected.ts';
import { readAffectedRows, readVulnRows, type AffectedRow } from './db-reads.ts';
import { evaluateAffected, type AffectedVerdict } from './evaluate-affected.ts';
import type { Finding, MatchIssue } from './finding.ts';
import { mergeFinding, type MatchedRecord } from './merge-finding.ts';
import { packageQueries, type PackageQuery } from './package-queries.ts';

export interface MatchOptions {
  /**
   * Match language packages that the OS package manager installed (`osOwned`, e.g. Debian's
   * python3-jinja2 files) against upstream advisories too. Off by default: the distro's own
   * records decide for what the distro ships, and upstream fixed versions do not apply to its backports.
   */
  readonly includeOsOwned?: boolean;
  /** Told about each package that could not be checked (unknown OS or ecosystem, unreadable version). */
  readonly onIssue?: (issue: MatchIssue) => void;
  readonly signal?: AbortSignal;
}

export interface MatchInput {
  readonly os?: OsInfo;
  readonly packages: readonly Package[];
}

/** A package that can be looked up: its valid queries and the comparator of its ecosystem. */
interface Plan {
  readonly pkg: Package;
  readonly queries: readonly PackageQuery[];
  readonly comparator: VersionComparator;
  readonly installedVersion: string;
  readonly distro: boolean;
}

/** One affected entry that said a package's version is affected (the record may still be withdrawn). */
interface Hit {
  readonly vuln: number;
  readonly entry: StoredAffected;
  readonly verdict: AffectedVerdict;
}

/**
 * Matches an inventory's packages against the OSV records in `db` (see `openVulnDb`): one
 * finding per package and vulnerability, records naming each other merged, withdrawn records
 * ignored. Findings are sorted by package purl, then id.
 *
 * Reads are batched: the affected rows of every package name in one family come from a few
 * queries, and record columns are read once, for the records that matched.
 */
export function matchInventory(db: DatabaseSync, input: MatchInput, options: MatchOptions = {}): Finding[] {
  const plans = planPackages(input, options);
  // One lookup group per family and ecosystem filter (in practice: each language, and the OS's distro).
  const rows = new Map<string, AffectedRow[]>();
  const groups = new Map<string, { family: string; ecosystems?: readonly string[]; names: Set<string> }>();
  for (const plan of plans) {
    for (const query of plan.queries) {
      const group = groupKey(query);
      let found = groups.get(group);
      if (found === undefined) {
        found = {
          family: query.family,
          ...(query.ecosystems === undefined ? {} : { ecosystems: query.ecosystems }),
          names: new Set(),
        };
        groups.set(group, found);
      }
      found.names.add(query.name);
    }
  }
  for (const [group, { family, ecosystems, names }] of groups) {
    options.signal?.throwIfAborted();
    readAffectedRows(db, family, ecosystems, [...names], rows, (name) => `${group}\u0000${name}`);
  }
  const hitsOf: Hit[][] = [];
  const vulnIds = new Set<number>();
  for (const plan of plans) {
    options.signal?.throwIfAborted();
    const hits: Hit[] = [];
    for (const query of plan.queries) {
      for (const row of rows.get(`${groupKey(query)}\u0000${query.name}`) ?? []) {
        if (!query.accepts(row.ecosystem)) continue;
        const entry = row.entry;
        const verdict = evaluateAffected(entry, query.version, plan.comparator);
        if (verdict === undefined) continue;
        hits.push({ vuln: row.vuln, entry, verdict });
        vulnIds.add(row.vuln);
      }
    }
    hitsOf.push(hits);
  }
  const vulns = readVulnRows(db, [...vulnIds]);
  const findings: Finding[] = [];
  plans.forEach((plan, index) => {
    const matched = new Map<number, MatchedRecord>();
    for (const { vuln, entry, verdict } of hitsOf[index] ?? []) {
      const record = vulns.get(vuln);
      if (record === undefined || record.withdrawn) continue;
      const previous = matched.get(vuln);
      matched.set(vuln, {
        id: record.vulnId,
        aliases: record.aliases,
        title: record.title,
        rating: record.rating,
        severity: [...(previous?.severity ?? record.severity), ...(entry.s ?? [])],
        affectedRating: previous?.affectedRating ?? entry.h?.rating,
        references: previous?.references ?? record.references,
        fixed: [...(previous?.fixed ?? []), ...verdict.fixed],
        willNotFix: (previous?.willNotFix ?? true) && verdict.willNotFix,
      });
    }
    if (matched.size === 0) return;
    findings.push(
      ...mergeRecords(plan.pkg, plan.installedVersion, [...matched.values()], plan.distro, plan.comparator),
    );
  });
  return findings.sort((a, b) => compareText(a.package.purl, b.package.purl) || compareText(a.id, b.id));
}

/**
 * The lookups each package needs, in inventory order; packages that cannot be matched are
 * reported through `onIssue` (in inventory order) and left out.
 */
function planPackages(input: MatchInput, options: MatchOptions): Plan[] {
  const plans: Plan[] = [];
  for (const pkg of input.packages) {
    options.signal?.throwIfAborted();
    const queries = packageQueries(pkg, input.os);
    if (!Array.isArray(queries)) {
      options.onIssue?.({
        package: pkg.purl,
        code: input.os === undefined ? 'OS_UNSUPPORTED' : 'ECOSYSTEM_UNSUPPORTED',
        message: queries.unsupported,
      });
      continue;
    }
    if (!queries[0]?.distro && pkg.osOwned === true && options.includeOsOwned !== true) continue;
    const valid: PackageQuery[] = [];
    let comparator: VersionComparator | undefined;
    let installedVersion = pkg.version;
    for (const query of queries) {
      comparator = comparatorForEcosystem(query.family);
      if (comparator === undefined) {
        options.onIssue?.({
          package: pkg.purl,
          code: 'ECOSYSTEM_UNSUPPORTED',
          message: `no version order for ${query.family}`,
        });
        break;
      }
      if (!isValidVersion(query, comparator)) {
        options.onIssue?.({
          package: pkg.purl,
          code: 'VERSION_INVALID',
          message: `${query.family} cannot order version ${query.version}`,
        });
        continue;
      }
      if (query === queries[0]) installedVersion = query.version;
      valid.push(query);
    }
    // The comparator that decides is the last one consulted (all queries of a package share a family).
    if (comparator === undefined || valid.length === 0) continue;
    plans.push({ pkg, queries: valid, comparator, installedVersion, distro: queries[0]?.distro === true });
  }
  return plans;
}

/** Queries of one family and one ecosystem filter share DB reads. */
function groupKey(query: PackageQuery): string {
  return query.ecosystems === undefined
    ? query.family
    : `${query.family}\u0000${query.ecosystems.join('\u0001')}`;
}

/** Groups records that share an id or alias (union-find over identifiers) and merges each group. */
function mergeRecords(
  pkg: Package,
  installedVersion: string,
  records: readonly MatchedRecord[],
  distro: boolean,
  comparator: VersionComparator,
): Finding[] {
  const parent = records.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i] as number] as number;
    return i;
  };
  const owner = new Map<string, number>();
  records.forEach((record, i) => {
    for (const id of [record.id, ...record.aliases]) {
      const other = owner.get(id);
      if (other === undefined) owner.set(id, i);
      else parent[root(i)] = root(other);
    }
  });
  const groups = new Map<number, MatchedRecord[]>();
  records.forEach((record, i) => {
    const key = root(i);
    groups.set(key, [...(groups.get(key) ?? []), record]);
  });
  return [...groups.values()].map((group) => mergeFinding(pkg, installedVersion, group, distro, comparator));
}

function isValidVersion(query: PackageQuery, comparator: VersionComparator): boolean {
  try {
    comparator.parse(query.version);
    return true;
  } catch {
    return false;
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
