// The pattern interpreter as it was before patterns were compiled (commit e0a7b96), kept unchanged as
// the reference model of the differential property test in pattern.test.ts. Not used by the engine.
import { hasNestedAnchors, parseAnchor } from '../anchors.ts';
import { validateValue } from './value-pattern-reference.ts';
import { hasWildcard, wildcardMatch } from '../../common/wildcard.ts';
import { isObject, type JsonObject } from '../../common/json.ts';

/** How a pattern check ended: `skip` when a conditional/global anchor did not hold. */
export type PatternResult =
  | { readonly status: 'pass' }
  | { readonly status: 'skip'; readonly message: string }
  | { readonly status: 'fail'; readonly path: string; readonly message: string };

interface PatternError {
  readonly skip: boolean;
  readonly path: string;
  readonly message: string;
}

const OK = undefined;
type Outcome = PatternError | undefined;

/** Matches `resource` against `pattern` with Kyverno's semantics. */
export function matchPattern(resource: unknown, pattern: unknown): PatternResult {
  const err = validateElement(resource, pattern, '/');
  if (err === undefined) return { status: 'pass' };
  if (err.skip) return { status: 'skip', message: err.message };
  return { status: 'fail', path: err.path, message: err.message };
}

function fail(path: string, message: string): PatternError {
  return { skip: false, path, message };
}

function validateElement(resource: unknown, pattern: unknown, path: string): Outcome {
  if (isObject(pattern)) {
    if (!isObject(resource)) {
      return fail(path, `pattern and resource have different structures. Path: ${path}`);
    }
    return validateMap(resource, pattern, path);
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(resource)) {
      return fail(
        path,
        `validation rule failed at path ${path}, resource does not satisfy the expected overlay pattern`,
      );
    }
    return validateArray(resource, pattern, path);
  }
  if (Array.isArray(resource)) {
    for (const item of resource) {
      if (!validateValue(item, pattern))
        return fail(path, `resource value does not match '${String(pattern)}' at path ${path}`);
    }
    return OK;
  }
  if (!validateValue(resource, pattern)) {
    return fail(
      path,
      `resource value '${display(resource)}' does not match '${String(pattern)}' at path ${path}`,
    );
  }
  return OK;
}

function display(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function validateMap(resource: JsonObject, rawPattern: JsonObject, path: string): Outcome {
  const pattern = expandMetadataWildcards(rawPattern, resource);
  const anchors: [string, unknown][] = [];
  const plain: string[] = [];
  for (const key of Object.keys(pattern)) {
    const a = parseAnchor(key);
    if (a !== undefined && a.kind !== 'global' && a.kind !== 'addIfNotPresent')
      anchors.push([key, pattern[key]]);
    else plain.push(key);
  }
  for (const [key, value] of anchors) {
    const err = handleKey(key, value, resource, path);
    if (err !== undefined) return err;
  }
  plain.sort();
  const front: string[] = [];
  const back: string[] = [];
  for (const key of plain) {
    const a = parseAnchor(key);
    if ((a !== undefined && a.kind === 'global') || hasNestedAnchors(pattern[key])) front.unshift(key);
    else back.push(key);
  }
  for (const key of [...front, ...back]) {
    const err = handleKey(key, pattern[key], resource, path);
    if (err !== undefined) return err;
  }
  return OK;
}

function handleKey(element: string, pattern: unknown, resource: JsonObject, path: string): Outcome {
  const anchor = parseAnchor(element);
  if (anchor === undefined || anchor.kind === 'addIfNotPresent') {
    const current = `${path}${element}/`;
    const value = resource[element];
    if (pattern === '*') {
      return value !== undefined && value !== null ? OK : fail(path, `${path}/${element} not found`);
    }
    return validateElement(value, pattern, current);
  }
  const key = anchor.key;
  const current = `${path}${key}/`;
  const present = Object.hasOwn(resource, key);
  const value = resource[key];
  switch (anchor.kind) {
    case 'negation':
      return present ? fail(current, `negation anchor matched in resource: ${current} is not allowed`) : OK;
    case 'equality':
      return present ? validateElement(value, pattern, current) : OK;
    case 'condition': {
      if (!present)
        return {
          skip: true,
          path: current,
          message: "conditional anchor mismatch: conditional anchor key doesn't exist in the resource",
        };
      const err = validateElement(value, pattern, current);
      return err === undefined
        ? OK
        : { skip: true, path: err.path, message: `conditional anchor mismatch: ${err.message}` };
    }
    case 'global': {
      if (!present) return OK;
      const err = validateElement(value, pattern, current);
      return err === undefined
        ? OK
        : { skip: true, path: err.path, message: `global anchor mismatch: ${err.message}` };
    }
    case 'existence': {
      if (!present) return OK;
      if (!Array.isArray(value))
        return fail(current, 'existence ^() anchor can be used only on list/array type resource');
      if (!Array.isArray(pattern)) return fail(current, 'existence anchor pattern has to be a list');
      for (const p of pattern) {
        if (!isObject(p)) return fail(current, 'existence anchor pattern items have to be maps');
        const found = value.some((item, i) => validateElement(item, p, `${current}${i}/`) === undefined);
        if (!found) return fail(current, `existence anchor validation failed at path ${current}`);
      }
      return OK;
    }
  }
}

function validateArray(resource: unknown[], pattern: unknown[], path: string): Outcome {
  if (pattern.length === 0) return fail(path, 'pattern Array empty');
  const first = pattern[0];
  if (isObject(first)) return validateArrayOfMaps(resource, first, path);
  if (!Array.isArray(first)) return validateElement(resource, first, path);
  if (resource.length < pattern.length) {
    return fail(
      '',
      `validate Array failed, array length mismatch, resource Array len is ${resource.length} and pattern Array len is ${pattern.length}`,
    );
  }
  let applied = 0;
  const skips: PatternError[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const err = validateElement(resource[i], pattern[i], `${path}${i}/`);
    if (err !== undefined) {
      if (err.skip) {
        skips.push(err);
        continue;
      }
      return err;
    }
    applied++;
  }
  return combineSkips(applied, skips, path);
}

function validateArrayOfMaps(resource: unknown[], pattern: JsonObject, path: string): Outcome {
  let applied = 0;
  const skips: PatternError[] = [];
  for (let i = 0; i < resource.length; i++) {
    const err = validateElement(resource[i], pattern, `${path}${i}/`);
    if (err !== undefined) {
      if (err.skip) {
        skips.push(err);
        continue;
      }
      return err;
    }
    applied++;
  }
  return combineSkips(applied, skips, path);
}

function combineSkips(applied: number, skips: PatternError[], path: string): Outcome {
  if (applied === 0 && skips.length > 0)
    return { skip: true, path, message: skips.map((s) => s.message).join('; ') };
  return OK;
}

/**
 * Kyverno expands wildcard keys under metadata.labels/annotations of a pattern into the matching
 * keys of the resource before validating (wildcards.ExpandInMetadata).
 */
function expandMetadataWildcards(pattern: JsonObject, resource: JsonObject): JsonObject {
  const meta = pattern['metadata'];
  if (!isObject(meta)) return pattern;
  const resMeta = isObject(resource['metadata']) ? resource['metadata'] : {};
  let changed = false;
  const newMeta: JsonObject = { ...meta };
  for (const field of ['labels', 'annotations']) {
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
