/** The result of comparing two versions: a < b is -1, a = b is 0, a > b is 1. */
export type Ordering = -1 | 0 | 1;

/** One version scheme per ordering rule; several OSV ecosystems can share one (Debian and Ubuntu use dpkg). */
export type VersionSchemeId =
  | 'dpkg'
  | 'rpm'
  | 'apk'
  | 'semver'
  | 'go'
  | 'pub'
  | 'nuget'
  | 'pep440'
  | 'maven'
  | 'rubygems'
  | 'composer'
  | 'cran'
  | 'hackage';

/** A version that its scheme accepted. `original` is the string as given. */
export interface ParsedVersion {
  readonly scheme: VersionSchemeId;
  readonly original: string;
}

/**
 * The ordering of one version scheme. `compare` is a total order (reflexive, antisymmetric,
 * transitive) over every string `parse` accepts, and agrees with the ecosystem's own tool.
 * Both methods throw `VULNDB_VERSION_INVALID` for a string the scheme cannot order.
 */
export interface VersionComparator {
  readonly id: VersionSchemeId;
  parse(version: string): ParsedVersion;
  compare(a: string, b: string): Ordering;
}
