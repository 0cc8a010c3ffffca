import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { OsInfo, Package } from '../../inventory/index.ts';
import { comparatorForEcosystem, type VersionComparator } from '../versions/index.ts';
import type { StoredAffected } from '../db/stored-affected.ts';
import type { OsvReference, OsvSeverity } from '../osv/osv-types.ts';
import { evaluateAffected } from './evaluate-affected.ts';
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

/** One affected row; its `data` JSON stays text until the row's ecosystem applies. */
interface AffectedRow {
  readonly vuln: number;
  readonly ecosystem: string;
  readonly data: string;
}

/** The record columns a finding needs, read only for records that matched (JSON kept as text). */
interface VulnRow {
  readonly vulnId: string;
  readonly withdrawn: boolean;
  readonly title: string | undefined;
  readonly rating: string | undefined;
  readonly severity: string | undefined;
  readonly refs: string | undefined;
  readonly aliases: string | undefined;
}

interface Statements {
  readonly affected: StatementSync;
  readonly vuln: StatementSync;
}

const statements = new WeakMap<DatabaseSync, Statements>();

function statementsFor(db: DatabaseSync): Statements {
  let found = statements.get(db);
  if (found === undefined) {
    found = {
      affected: db.prepare('SELECT vuln, ecosystem, data FROM affected WHERE family = ? AND name = ?'),
      vuln: db.prepare(
        'SELECT vuln_id, withdrawn, title, rating, severity, refs, aliases FROM vulns WHERE id = ?',
      ),
    };
    statements.set(db, found);
  }
  return found;
}

/**
 * Matches an inventory's packages against the OSV records in `db` (see `openVulnDb`): one
 * finding per package and vulnerability, records naming each other merged, withdrawn records
 * ignored. Findings are sorted by package purl, then id.
 */
export function matchInventory(db: DatabaseSync, input: MatchInput, options: MatchOptions = {}): Finding[] {
  const { affected, vuln } = statementsFor(db);
  // Many packages share a name (one library at several paths): read its rows once per call.
  const rowCache = new Map<string, readonly AffectedRow[]>();
  const entryCache = new Map<string, StoredAffected>();
  const vulnCache = new Map<number, VulnRow | undefined>();
  const rowsFor = (family: string, name: string): readonly AffectedRow[] => {
    const key = `${family}\u0000${name}`;
    let rows = rowCache.get(key);
    if (rows === undefined) {
      rows = affected.all(family, name).map((row) => ({
        vuln: Number(row['vuln']),
        ecosystem: String(row['ecosystem']),
        data: String(row['data']),
      }));
      rowCache.set(key, rows);
    }
    return rows;
  };
  const vulnOf = (id: number): VulnRow | undefined => {
    if (vulnCache.has(id)) return vulnCache.get(id);
    const row = vuln.get(id);
    const found =
      row === undefined
        ? undefined
        : {
            vulnId: String(row['vuln_id']),
            withdrawn: row['withdrawn'] !== null,
            title: nullable(row['title']),
            rating: nullable(row['rating']),
            severity: nullable(row['severity']),
            refs: nullable(row['refs']),
            aliases: nullable(row['aliases']),
          };
    vulnCache.set(id, found);
    return found;
  };
  const entryOf = (row: AffectedRow): StoredAffected => {
    let entry = entryCache.get(row.data);
    if (entry === undefined) {
      entry = JSON.parse(row.data) as StoredAffected;
      entryCache.set(row.data, entry);
    }
    return entry;
  };
  const findings: Finding[] = [];
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
    const matched = new Map<number, MatchedRecord>();
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
      for (const row of rowsFor(query.family, query.name)) {
        if (!query.accepts(row.ecosystem)) continue;
        const entry = entryOf(row);
        const verdict = evaluateAffected(entry, query.version, comparator);
        if (verdict === undefined) continue;
        const record = vulnOf(row.vuln);
        if (record === undefined || record.withdrawn) continue;
        const previous = matched.get(row.vuln);
        matched.set(row.vuln, {
          id: record.vulnId,
          aliases: parseJson<string[]>(record.aliases) ?? [],
          title: record.title,
          rating: record.rating,
          severity: [
            ...(previous?.severity ?? parseJson<OsvSeverity[]>(record.severity) ?? []),
            ...(entry.severity ?? []),
          ],
          affectedRating: previous?.affectedRating ?? entry.hints?.rating,
          references:
            previous?.references ?? (parseJson<OsvReference[]>(record.refs) ?? []).map((ref) => ref.url),
          fixed: [...(previous?.fixed ?? []), ...verdict.fixed],
          willNotFix: (previous?.willNotFix ?? true) && verdict.willNotFix,
        });
      }
    }
    if (matched.size === 0 || comparator === undefined) continue;
    findings.push(
      ...mergeRecords(pkg, installedVersion, [...matched.values()], queries[0]?.distro === true, comparator),
    );
  }
  return findings.sort((a, b) => compareText(a.package.purl, b.package.purl) || compareText(a.id, b.id));
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

function nullable(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

function parseJson<T>(value: unknown): T | undefined {
  return typeof value === 'string' ? (JSON.parse(value) as T) : undefined;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
