import type { OsvAffected, OsvAffectedHints, OsvRange, OsvSeverity } from '../osv/osv-types.ts';

/** What one `affected` row keeps in its `data` column (JSON): everything matching needs, nothing else. */
export interface StoredAffected {
  /** ECOSYSTEM and SEMVER ranges (GIT ranges need the repository and are not evaluated). */
  readonly ranges: readonly OsvRange[];
  readonly versions?: readonly string[];
  readonly severity?: readonly OsvSeverity[];
  readonly hints?: OsvAffectedHints;
}

export function storedAffected(affected: OsvAffected): StoredAffected {
  const ranges = affected.ranges.filter((range) => range.type !== 'GIT');
  return {
    ranges,
    ...(affected.versions.length > 0 ? { versions: affected.versions } : {}),
    ...(affected.severity.length > 0 ? { severity: affected.severity } : {}),
    ...(Object.keys(affected.hints).length > 0 ? { hints: affected.hints } : {}),
  };
}
