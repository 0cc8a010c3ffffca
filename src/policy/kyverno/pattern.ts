// Kyverno validate.pattern: structural match of a resource against a pattern tree with anchors.
// Semantics follow pkg/engine/validate of Kyverno: anchors are evaluated before plain keys; a
// failed conditional or global anchor makes the rule not apply (skip) instead of failing it; a
// list pattern whose first element is a map is applied to every element of the resource list.
// A pattern tree is compiled once into matcher closures (key order, anchors and leaf predicates
// decided ahead of time) and cached by object identity: policies are never mutated after loading.
import { hasNestedAnchors, parseAnchor } from './anchors.ts';
import { compileValuePattern } from './value-pattern.ts';
import { hasWildcard, wildcardMatch } from '../common/wildcard.ts';
import { isObject, type JsonObject } from '../common/json.ts';

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
/** A compiled pattern node: checks `resource` found at `path`. */
type Matcher = (resource: unknown, path: string) => Outcome;

const PASS: PatternResult = { status: 'pass' };
const compiledRoots = new WeakMap<object, Matcher>();

/** Compiles a pattern tree ahead of its first use (policy load). */
export function preparePattern(pattern: JsonObject): void {
  if (!compiledRoots.has(pattern)) compiledRoots.set(pattern, compileElement(pattern));
}

/** Matches `resource` against `pattern` with Kyverno's semantics. */
export function matchPattern(resource: unknown, pattern: unknown): PatternResult {
  let matcher: Matcher;
  if (typeof pattern === 'object' && pattern !== null) {
    const hit = compiledRoots.get(pattern);
    if (hit === undefined) {
      matcher = compileElement(pattern);
      compiledRoots.set(pattern, matcher);
    } else matcher = hit;
  } else matcher = compileElement(pattern);
  const err = matcher(resource, '/');
  if (err === undefined) return PASS;
  if (err.skip) return { status: 'skip', message: err.message };
  return { status: 'fail', path: err.path, message: err.message };
}

function fail(path: string, message: string): PatternError {
  return { skip: false, path, message };
}

function compileElement(pattern: unknown): Matcher {
  if (isObject(pattern)) {
    const map = compileMap(pattern);
    return (resource, path) =>
      isObject(resource)
        ? map(resource, path)
        : fail(path, `pattern and resource have different structures. Path: ${path}`);
  }
  if (Array.isArray(pattern)) {
    const array = compileArray(pattern);
    return (resource, path) =>
      Array.isArray(resource)
        ? array(resource, path)
        : fail(
            path,
            `validation rule failed at path ${path}, resource does not satisfy the expected overlay pattern`,
          );
  }
  const test = compileValuePattern(pattern);
  return (resource, path) => {
    if (Array.isArray(resource)) {
      for (const item of resource) {
        if (!test(item))
          return fail(path, `resource value does not match '${String(pattern)}' at path ${path}`);
      }
      return OK;
    }
    if (!test(resource)) {
      return fail(
        path,
        `resource value '${display(resource)}' does not match '${String(pattern)}' at path ${path}`,
      );
    }
    return OK;
  };
}

function display(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

type MapMatcher = (resource: JsonObject, path: string) => Outcome;

function compileMap(pattern: JsonObject): MapMatcher {
  const plan = compileMapPlan(pattern);
  if (!hasMetadataWildcards(pattern)) return plan;
  // Wildcard label/annotation keys expand against each resource's own keys.
  return (resource, path) => {
    const expanded = expandMetadataWildcards(pattern, resource);
    return expanded === pattern ? plan(resource, path) : compileMapPlan(expanded)(resource, path);
  };
}

/** Anchored keys first (in document order), then global-anchor or nested-anchor keys, then the rest. */
function compileMapPlan(pattern: JsonObject): MapMatcher {
  const anchors: string[] = [];
  const plain: string[] = [];
  for (const key of Object.keys(pattern)) {
    const a = parseAnchor(key);
    if (a !== undefined && a.kind !== 'global' && a.kind !== 'addIfNotPresent') anchors.push(key);
    else plain.push(key);
  }
  plain.sort();
  const front: string[] = [];
  const back: string[] = [];
  for (const key of plain) {
    const a = parseAnchor(key);
    if ((a !== undefined && a.kind === 'global') || hasNestedAnchors(pattern[key])) front.unshift(key);
    else back.push(key);
  }
  const steps = [...anchors, ...front, ...back].map((key) => compileKey(key, pattern[key]));
  if (steps.length === 1) return steps[0]!;
  return (resource, path) => {
    for (const step of steps) {
      const err = step(resource, path);
      if (err !== undefined) return err;
    }
    return OK;
  };
}

function compileKey(element: string, pattern: unknown): MapMatcher {
  const anchor = parseAnchor(element);
  if (anchor === undefined || anchor.kind === 'addIfNotPresent') {
    if (pattern === '*') {
      return (resource, path) => {
        const value = resource[element];
        return value !== undefined && value !== null ? OK : fail(path, `${path}/${element} not found`);
      };
    }
    const child = compileElement(pattern);
    return (resource, path) => child(resource[element], `${path}${element}/`);
  }
  const key = anchor.key;
  switch (anchor.kind) {
    case 'negation':
      return (resource, path) => {
        if (!Object.hasOwn(resource, key)) return OK;
        const current = `${path}${key}/`;
        return fail(current, `negation anchor matched in resource: ${current} is not allowed`);
      };
    case 'equality': {
      const child = compileElement(pattern);
      return (resource, path) => (Object.hasOwn(resource, key) ? child(resource[key], `${path}${key}/`) : OK);
    }
    case 'condition': {
      const child = compileElement(pattern);
      return (resource, path) => {
        const current = `${path}${key}/`;
        if (!Object.hasOwn(resource, key))
          return {
            skip: true,
            path: current,
            message: "conditional anchor mismatch: conditional anchor key doesn't exist in the resource",
          };
        const err = child(resource[key], current);
        return err === undefined
          ? OK
          : { skip: true, path: err.path, message: `conditional anchor mismatch: ${err.message}` };
      };
    }
    case 'global': {
      const child = compileElement(pattern);
      return (resource, path) => {
        if (!Object.hasOwn(resource, key)) return OK;
        const err = child(resource[key], `${path}${key}/`);
        return err === undefined
          ? OK
          : { skip: true, path: err.path, message: `global anchor mismatch: ${err.message}` };
      };
    }
    case 'existence':
      return compileExistence(key, pattern);
  }
}

function compileExistence(key: string, pattern: unknown): MapMatcher {
  const items = Array.isArray(pattern)
    ? pattern.map((p) => (isObject(p) ? compileElement(p) : undefined))
    : [];
  return (resource, path) => {
    if (!Object.hasOwn(resource, key)) return OK;
    const current = `${path}${key}/`;
    const value = resource[key];
    if (!Array.isArray(value))
      return fail(current, 'existence ^() anchor can be used only on list/array type resource');
    if (!Array.isArray(pattern)) return fail(current, 'existence anchor pattern has to be a list');
    for (let j = 0; j < pattern.length; j++) {
      if (!isObject(pattern[j])) return fail(current, 'existence anchor pattern items have to be maps');
      const item = items[j]!;
      const found = value.some((v, i) => item(v, `${current}${i}/`) === undefined);
      if (!found) return fail(current, `existence anchor validation failed at path ${current}`);
    }
    return OK;
  };
}

type ArrayMatcher = (resource: unknown[], path: string) => Outcome;

function compileArray(pattern: unknown[]): ArrayMatcher {
  if (pattern.length === 0) return (_resource, path) => fail(path, 'pattern Array empty');
  const first = pattern[0];
  if (isObject(first)) {
    const each = compileElement(first);
    return (resource, path) => {
      let applied = 0;
      let skips: PatternError[] | undefined;
      for (let i = 0; i < resource.length; i++) {
        const err = each(resource[i], `${path}${i}/`);
        if (err !== undefined) {
          if (err.skip) {
            (skips ??= []).push(err);
            continue;
          }
          return err;
        }
        applied++;
      }
      return combineSkips(applied, skips, path);
    };
  }
  if (!Array.isArray(first)) {
    const whole = compileElement(first);
    return (resource, path) => whole(resource, path);
  }
  const items = pattern.map((p) => compileElement(p));
  return (resource, path) => {
    if (resource.length < pattern.length) {
      return fail(
        '',
        `validate Array failed, array length mismatch, resource Array len is ${resource.length} and pattern Array len is ${pattern.length}`,
      );
    }
    let applied = 0;
    let skips: PatternError[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const err = items[i]!(resource[i], `${path}${i}/`);
      if (err !== undefined) {
        if (err.skip) {
          (skips ??= []).push(err);
          continue;
        }
        return err;
      }
      applied++;
    }
    return combineSkips(applied, skips, path);
  };
}

function combineSkips(applied: number, skips: PatternError[] | undefined, path: string): Outcome {
  if (applied === 0 && skips !== undefined && skips.length > 0)
    return { skip: true, path, message: skips.map((s) => s.message).join('; ') };
  return OK;
}

const METADATA_FIELDS = ['labels', 'annotations'] as const;

function hasMetadataWildcards(pattern: JsonObject): boolean {
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
function expandMetadataWildcards(pattern: JsonObject, resource: JsonObject): JsonObject {
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
