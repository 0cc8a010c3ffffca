/**
 * Filters applied between matching and reporting. Severity, fix status and package type drop
 * findings silently (they are views); VEX statements and ignore rules suppress findings with a
 * recorded reason (they are decisions someone made, and JSON output keeps them).
 */
import type { Finding, Severity } from '../../vulndb/index.ts';
import { BosunError } from '../../util/errors.ts';
import { findingLocation, isOsPackage } from '../targets.ts';
import type { SuppressedFinding, Suppression } from '../types.ts';
import { ruleExpired, type IgnoreFile, type IgnoreRule } from './ignore-file.ts';
import { productIsArtifact, purlCovers } from './purl-match.ts';
import type { VexDocument, VexStatement } from './vex.ts';

export type PkgType = 'os' | 'library';

export interface FilterOptions {
  /** Keep only these severities (all when absent). */
  readonly severities?: readonly Severity[];
  /** Drop findings without a fixed version. */
  readonly ignoreUnfixed?: boolean;
  /** Keep only OS packages, language libraries, or both (default). */
  readonly pkgTypes?: readonly PkgType[];
  readonly ignoreFiles?: readonly IgnoreFile[];
  readonly vex?: readonly VexDocument[];
  /** The scanned artifact, for VEX statements whose product is the image. */
  readonly artifact?: { readonly digest?: string };
  /** The time ignore-rule expiry is judged at; defaults to now. */
  readonly now?: Date;
}

export interface FilterResult {
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  /** Expired ignore rules, named with file and line. */
  readonly warnings: readonly string[];
}

function findingIds(f: Finding): Set<string> {
  return new Set([f.id, ...f.aliases]);
}

function ruleCovers(rule: IgnoreRule, f: Finding, ids: ReadonlySet<string>): boolean {
  if (!ids.has(rule.id)) return false;
  if (rule.purls.length > 0 && !rule.purls.some((p) => purlCovers(p, f.package.purl))) return false;
  if (rule.paths.length > 0) {
    const path = findingLocation(f)?.path;
    if (path === undefined || !rule.paths.includes(path)) return false;
  }
  return true;
}

function statementCovers(
  s: VexStatement,
  f: Finding,
  ids: ReadonlySet<string>,
  artifact: FilterOptions['artifact'],
): boolean {
  if (!ids.has(s.vulnerability) && !s.aliases.some((a) => ids.has(a))) return false;
  return s.products.some((p) => {
    if (purlCovers(p.id, f.package.purl)) return true;
    if (!productIsArtifact(p.id, artifact)) return false;
    return p.subcomponents.length === 0 || p.subcomponents.some((c) => purlCovers(c, f.package.purl));
  });
}

interface TimedStatement {
  readonly statement: VexStatement;
  readonly source: string;
}

/** Entries by every id they name, so each finding looks only at entries about its own ids. */
function indexBy<T>(entries: readonly T[], idsOf: (entry: T) => readonly string[]): Map<string, T[]> {
  const index = new Map<string, T[]>();
  for (const entry of entries) {
    for (const id of new Set(idsOf(entry))) {
      const list = index.get(id);
      if (list === undefined) index.set(id, [entry]);
      else list.push(entry);
    }
  }
  return index;
}

/** Candidates for a finding, in their original order (document order decides ties). */
function candidates<T>(
  index: ReadonlyMap<string, T[]>,
  ids: ReadonlySet<string>,
  order: ReadonlyMap<T, number>,
): T[] {
  const found = new Set<T>();
  for (const id of ids) for (const entry of index.get(id) ?? []) found.add(entry);
  return [...found].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
}

/** The statement that decides: the latest by timestamp, later documents and statements winning ties. */
function decidingStatement(candidates: readonly TimedStatement[]): TimedStatement | undefined {
  let best: TimedStatement | undefined;
  for (const c of candidates) {
    if (best === undefined) {
      best = c;
      continue;
    }
    const a = Date.parse(best.statement.timestamp ?? '');
    const b = Date.parse(c.statement.timestamp ?? '');
    if (Number.isNaN(a) || Number.isNaN(b) || b >= a) best = c;
  }
  return best;
}

export function filterFindings(findings: readonly Finding[], options: FilterOptions = {}): FilterResult {
  const now = options.now ?? new Date();
  if (Number.isNaN(now.getTime()))
    throw new BosunError('REPORT_OPTIONS_INVALID', 'filter time is not a valid date');
  const severities = options.severities === undefined ? undefined : new Set(options.severities);
  const pkgTypes = new Set(options.pkgTypes ?? ['os', 'library']);
  const warnings: string[] = [];
  const activeRules: { rule: IgnoreRule; source: string }[] = [];
  for (const file of options.ignoreFiles ?? []) {
    for (const rule of file.rules) {
      if (ruleExpired(rule, now)) {
        warnings.push(
          `${file.source}:${rule.line}: ignore rule for ${rule.id} expired on ${rule.expiresAt}; not applied`,
        );
      } else {
        activeRules.push({ rule, source: file.source });
      }
    }
  }
  const statements: TimedStatement[] = (options.vex ?? []).flatMap((doc) =>
    doc.statements.map((statement) => ({ statement, source: doc.source })),
  );
  const statementIndex = indexBy(statements, (s) => [s.statement.vulnerability, ...s.statement.aliases]);
  const statementOrder = new Map(statements.map((s, i) => [s, i]));
  const ruleIndex = indexBy(activeRules, (r) => [r.rule.id]);
  const ruleOrder = new Map(activeRules.map((r, i) => [r, i]));

  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of findings) {
    if (severities !== undefined && !severities.has(f.severity)) continue;
    if (options.ignoreUnfixed === true && f.fixedVersions.length === 0) continue;
    if (!pkgTypes.has(isOsPackage(f.package) ? 'os' : 'library')) continue;
    const ids = findingIds(f);

    const decided = decidingStatement(
      candidates(statementIndex, ids, statementOrder).filter((s) =>
        statementCovers(s.statement, f, ids, options.artifact),
      ),
    );
    if (
      decided !== undefined &&
      (decided.statement.status === 'not_affected' || decided.statement.status === 'fixed')
    ) {
      const suppression: Suppression = {
        kind: 'vex',
        source: decided.source,
        status: decided.statement.status,
        justification: decided.statement.justification,
        statement: decided.statement.statement,
      };
      suppressed.push({ finding: f, suppression });
      continue;
    }
    const rule = candidates(ruleIndex, ids, ruleOrder).find((r) => ruleCovers(r.rule, f, ids));
    if (rule !== undefined) {
      suppressed.push({
        finding: f,
        suppression: {
          kind: 'ignore',
          source: `${rule.source}:${rule.rule.line}`,
          statement: rule.rule.statement,
          expiresAt: rule.rule.expiresAt,
        },
      });
      continue;
    }
    kept.push(f);
  }
  return { findings: kept, suppressed, warnings };
}

/**
 * The process exit code for findings that survived the filters: `exitCode` when any remain,
 * 0 otherwise (Trivy's `--exit-code`). Named apart from util's exitCodeFor(error).
 */
export function exitCodeForFindings(findings: readonly unknown[], exitCode: number): number {
  if (!Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255) {
    throw new BosunError('REPORT_OPTIONS_INVALID', `exit code must be an integer 0..255, got ${exitCode}`, {
      details: { input: 'exitCode', value: exitCode },
    });
  }
  return findings.length > 0 ? exitCode : 0;
}
