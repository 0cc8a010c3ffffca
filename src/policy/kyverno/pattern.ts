// Kyverno validate.pattern: structural match of a resource against a pattern tree with anchors.
// Semantics follow pkg/engine/validate of Kyverno: anchors are evaluated before plain keys; a
// failed conditional or global anchor makes the rule not apply (skip) instead of failing it; a
// list pattern whose first element is a map is applied to every element of the resource list.
// A pattern tree is compiled once into matcher closures (key order, anchors and leaf predicates
// decided ahead of time) and cached by object identity: policies are never mutated after loading.
import { hasNestedAnchors, parseAnchor } from './anchors.ts';
import { compileValuePattern } from './value-pattern.ts';
import { compileFastPattern, type FastPattern } from './pattern-fast.ts';
import { expandMetadataWildcards, hasMetadataWildcards } from './pattern-metadata.ts';
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
/**
 * The path of the value being checked, as segments (`/`, `spec/`, `0/`...): pushed and popped on
 * the way down, joined only when a failure names it.
 */
type Path = string[];
/** A compiled pattern node: checks `resource` found at `path`. */
type Matcher = (resource: unknown, path: Path) => Outcome;

const PASS: PatternResult = { status: 'pass' };

/** A policy pattern's matcher, and its generated pass-only fast path when it has one. */
interface CompiledRoot {
  readonly matcher: Matcher;
  readonly fast: FastPattern | undefined;
}
const compiledRoots = new WeakMap<object, CompiledRoot>();

function compileRoot(pattern: object): CompiledRoot {
  let root = compiledRoots.get(pattern);
  if (root === undefined) {
    root = { matcher: compileElement(pattern), fast: compileFastPattern(pattern) };
    compiledRoots.set(pattern, root);
  }
  return root;
}

/** Compiles a pattern tree ahead of its first use (policy load). */
export function preparePattern(pattern: JsonObject): void {
  compileRoot(pattern);
}

/**
 * Matches `resource` against `pattern` with Kyverno's semantics. The compiled matcher is kept for
 * a pattern object of a policy; `policyOwned` false (a pattern made per evaluation by variable
 * substitution) compiles without keeping it.
 */
export function matchPattern(resource: unknown, pattern: unknown, policyOwned = true): PatternResult {
  let matcher: Matcher;
  if (policyOwned && typeof pattern === 'object' && pattern !== null) {
    const root = compileRoot(pattern);
    if (root.fast?.(resource) === true) return PASS;
    matcher = root.matcher;
  } else matcher = compileElement(pattern);
  const err = matcher(resource, ['/']);
  if (err === undefined) return PASS;
  if (err.skip) return { status: 'skip', message: err.message };
  return { status: 'fail', path: err.path, message: err.message };
}

function fail(path: string, message: string): PatternError {
  return { skip: false, path, message };
}

const INDEX_SEGMENTS = Array.from({ length: 64 }, (_, i) => `${i}/`);

function indexSegment(i: number): string {
  return i < INDEX_SEGMENTS.length ? INDEX_SEGMENTS[i]! : `${i}/`;
}

function compileElement(pattern: unknown): Matcher {
  if (isObject(pattern)) {
    const map = compileMap(pattern);
    return (resource, path) => {
      if (isObject(resource)) return map(resource, path);
      const at = path.join('');
      return fail(at, `pattern and resource have different structures. Path: ${at}`);
    };
  }
  if (Array.isArray(pattern)) {
    const array = compileArray(pattern);
    return (resource, path) => {
      if (Array.isArray(resource)) return array(resource, path);
      const at = path.join('');
      return fail(
        at,
        `validation rule failed at path ${at}, resource does not satisfy the expected overlay pattern`,
      );
    };
  }
  const test = compileValuePattern(pattern);
  return (resource, path) => {
    if (Array.isArray(resource)) {
      for (const item of resource) {
        if (!test(item)) {
          const at = path.join('');
          return fail(at, `resource value does not match '${String(pattern)}' at path ${at}`);
        }
      }
      return OK;
    }
    if (!test(resource)) {
      const at = path.join('');
      return fail(
        at,
        `resource value '${display(resource)}' does not match '${String(pattern)}' at path ${at}`,
      );
    }
    return OK;
  };
}

function display(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

type MapMatcher = (resource: JsonObject, path: Path) => Outcome;

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

/** Runs `check` with `segment` appended to the path. */
function below(path: Path, segment: string, check: (path: Path) => Outcome): Outcome {
  path.push(segment);
  const err = check(path);
  path.pop();
  return err;
}

function compileKey(element: string, pattern: unknown): MapMatcher {
  const anchor = parseAnchor(element);
  if (anchor === undefined || anchor.kind === 'addIfNotPresent') {
    if (pattern === '*') {
      return (resource, path) => {
        const value = resource[element];
        if (value !== undefined && value !== null) return OK;
        const at = path.join('');
        return fail(at, `${at}/${element} not found`);
      };
    }
    const child = compileElement(pattern);
    const segment = `${element}/`;
    return (resource, path) => {
      path.push(segment);
      const err = child(resource[element], path);
      path.pop();
      return err;
    };
  }
  const key = anchor.key;
  const segment = `${key}/`;
  switch (anchor.kind) {
    case 'negation':
      return (resource, path) => {
        if (!Object.hasOwn(resource, key)) return OK;
        const current = path.join('') + segment;
        return fail(current, `negation anchor matched in resource: ${current} is not allowed`);
      };
    case 'equality': {
      const child = compileElement(pattern);
      return (resource, path) =>
        Object.hasOwn(resource, key) ? below(path, segment, (p) => child(resource[key], p)) : OK;
    }
    case 'condition': {
      const child = compileElement(pattern);
      return (resource, path) => {
        if (!Object.hasOwn(resource, key))
          return {
            skip: true,
            path: path.join('') + segment,
            message: "conditional anchor mismatch: conditional anchor key doesn't exist in the resource",
          };
        const err = below(path, segment, (p) => child(resource[key], p));
        return err === undefined
          ? OK
          : { skip: true, path: err.path, message: `conditional anchor mismatch: ${err.message}` };
      };
    }
    case 'global': {
      const child = compileElement(pattern);
      return (resource, path) => {
        if (!Object.hasOwn(resource, key)) return OK;
        const err = below(path, segment, (p) => child(resource[key], p));
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
  const segment = `${key}/`;
  return (resource, path) => {
    if (!Object.hasOwn(resource, key)) return OK;
    const value = resource[key];
    if (!Array.isArray(value))
      return fail(
        path.join('') + segment,
        'existence ^() anchor can be used only on list/array type resource',
      );
    if (!Array.isArray(pattern))
      return fail(path.join('') + segment, 'existence anchor pattern has to be a list');
    for (let j = 0; j < pattern.length; j++) {
      if (!isObject(pattern[j]))
        return fail(path.join('') + segment, 'existence anchor pattern items have to be maps');
      const item = items[j]!;
      path.push(segment);
      const found = value.some((v, i) => below(path, indexSegment(i), (p) => item(v, p)) === undefined);
      path.pop();
      if (!found) {
        const current = path.join('') + segment;
        return fail(current, `existence anchor validation failed at path ${current}`);
      }
    }
    return OK;
  };
}

type ArrayMatcher = (resource: unknown[], path: Path) => Outcome;

function compileArray(pattern: unknown[]): ArrayMatcher {
  if (pattern.length === 0) return (_resource, path) => fail(path.join(''), 'pattern Array empty');
  const first = pattern[0];
  if (isObject(first)) {
    const each = compileElement(first);
    return (resource, path) => {
      let applied = 0;
      let skips: PatternError[] | undefined;
      for (let i = 0; i < resource.length; i++) {
        path.push(indexSegment(i));
        const err = each(resource[i], path);
        path.pop();
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
      path.push(indexSegment(i));
      const err = items[i]!(resource[i], path);
      path.pop();
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

function combineSkips(applied: number, skips: PatternError[] | undefined, path: Path): Outcome {
  if (applied === 0 && skips !== undefined && skips.length > 0)
    return { skip: true, path: path.join(''), message: skips.map((s) => s.message).join('; ') };
  return OK;
}
