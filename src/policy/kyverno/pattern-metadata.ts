// Wildcard keys under metadata.labels/annotations of a pattern (`app.io/*: v`): Kyverno expands
// them against each resource's own keys before validating (wildcards.ExpandInMetadata).
import { parseAnchor } from './anchors.ts';
import { hasWildcard, wildcardMatch } from '../common/wildcard.ts';
import { isObject, type JsonObject } from '../common/json.ts';

const METADATA_FIELDS = ['labels', 'annotations'] as const;

export function hasMetadataWildcards(pattern: JsonObject): boolean {
  const meta = pattern['metadata'];
  if (!isObject(meta)) return false;
  for (const field of METADATA_FIELDS) {
    const p = meta[field];
    if (!isObject(p)) continue;
    for (const key of Object.keys(p)) {
      const a = parseAnchor(key);
      if (hasWildcard(a === undefined ? key : a.key)) return true;
    }
  }
  return false;
}

/**
 * Kyverno expands wildcard keys under metadata.labels/annotations of a pattern into the matching
 * keys of the resource before validating (wildcards.ExpandInMetadata).
 */
export function expandMetadataWildcards(pattern: JsonObject, resource: JsonObject): JsonObject {
  const meta = pattern['metadata'];
  if (!isObject(meta)) return pattern;
  const resMeta = isObject(resource['metadata']) ? resource['metadata'] : {};
  let changed = false;
  const newMeta: JsonObject = { ...meta };
  for (const field of METADATA_FIELDS) {
    const p = meta[field];
    if (!isObject(p)) continue;
    const r = isObject(resMeta[field]) ? (resMeta[field] as JsonObject) : {};
    const out: JsonObject = {};
    let fieldChanged = false;
    for (const [key, value] of Object.entries(p)) {
      const a = parseAnchor(key);
      const bare = a === undefined ? key : a.key;
      if (!hasWildcard(bare)) {
        out[key] = value;
        continue;
      }
      const matches = Object.keys(r).filter((k) => wildcardMatch(bare, k));
      if (matches.length === 0) {
        out[key] = value;
        continue;
      }
      fieldChanged = true;
      for (const m of matches) out[a === undefined ? m : key.replace(bare, m)] = value;
    }
    if (fieldChanged) {
      newMeta[field] = out;
      changed = true;
    }
  }
  return changed ? { ...pattern, metadata: newMeta } : pattern;
}
