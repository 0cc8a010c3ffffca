/**
 * The parts of an OSV record (https://ossf.github.io/osv-schema/) that Bosun keeps, as typed
 * values. Fields Bosun never reads (credits, `details`, GIT ranges' repo) are dropped by the parser.
 */

export type OsvEventKind = 'introduced' | 'fixed' | 'last_affected' | 'limit';

export interface OsvEvent {
  readonly kind: OsvEventKind;
  readonly version: string;
}

/** `ECOSYSTEM` and `SEMVER` are evaluated; `GIT` ranges are kept only as a count (they need the repository). */
export type OsvRangeType = 'ECOSYSTEM' | 'SEMVER' | 'GIT';

export interface OsvRange {
  readonly type: OsvRangeType;
  readonly events: readonly OsvEvent[];
}

export interface OsvSeverity {
  /** `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, or another type a database defined. */
  readonly type: string;
  readonly score: string;
}

export interface OsvReference {
  readonly type: string;
  readonly url: string;
}

/** Facts from `database_specific`/`ecosystem_specific` that change a finding, read at import. */
export interface OsvAffectedHints {
  /** A database or distro rating (`HIGH`, `MODERATE`, `medium`, `unimportant`, `Important`...), verbatim. */
  readonly rating?: string;
  /** A distro's statement that no fix will ship (`will_not_fix`, `ignored`, `no-dsa`, `end-of-life`...), verbatim. */
  readonly fixStatus?: string;
}

export interface OsvAffected {
  /** `affected[].package.ecosystem` as written, e.g. `Debian:12`, `PyPI`. */
  readonly ecosystem: string;
  readonly name: string;
  readonly purl?: string;
  readonly ranges: readonly OsvRange[];
  readonly versions: readonly string[];
  readonly severity: readonly OsvSeverity[];
  readonly hints: OsvAffectedHints;
}

export interface OsvRecord {
  readonly id: string;
  readonly modified: string;
  readonly published?: string;
  readonly withdrawn?: string;
  readonly aliases: readonly string[];
  readonly related: readonly string[];
  readonly summary?: string;
  /** The first line of `details`, capped, kept as a title when `summary` is absent. */
  readonly detailsTitle?: string;
  readonly severity: readonly OsvSeverity[];
  readonly affected: readonly OsvAffected[];
  readonly references: readonly OsvReference[];
  /** `database_specific.severity` at record level (GHSA writes `LOW`/`MODERATE`/`HIGH`/`CRITICAL` there). */
  readonly rating?: string;
}
