export type { Ordering, ParsedVersion, VersionComparator, VersionSchemeId } from './types.ts';
export { MAX_VERSION_LENGTH } from './compare-util.ts';
export {
  comparatorForEcosystem,
  ecosystemFamily,
  versionComparators,
  type OsvEcosystemFamily,
} from './registry.ts';
export {
  isVersionAffected,
  isVersionInRange,
  type OsvAffectedVersions,
  type OsvRange,
  type OsvRangeEvent,
} from './range.ts';
