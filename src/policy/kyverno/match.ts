// Kyverno rule match/exclude blocks (pkg/engine/utils/match.go of Kyverno): kinds with optional
// group/version/subresource, names and namespaces with wildcards, annotations, label selectors,
// namespace selectors, operations and user info (subjects, roles, cluster roles). Each block is
// compiled once into a predicate (selectors parsed, wildcards pre-compiled) cached by object
// identity; a rule also exposes the kinds it can select so a resource of another kind costs a lookup.
import { compileWildcard, hasWildcard } from '../common/wildcard.ts';
import { asArray, asObject, asString, isObject, type JsonObject, type JsonValue } from '../common/json.ts';

/** Facts about the admission request that matching needs. */
export interface MatchRequest {
  readonly resource: JsonObject;
  readonly operation: string;
  /** Labels of the resource's namespace, when known. */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  readonly userInfo?: { readonly username?: string; readonly groups?: readonly string[] };
  readonly roles?: readonly string[];
  readonly clusterRoles?: readonly string[];
  readonly subresource?: string;
  /** The policy's namespace for namespaced `Policy` objects. */
  readonly policyNamespace?: string;
}

export interface KindSelector {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly subresource: string;
}

type Predicate = (req: MatchRequest) => boolean;
type StringTest = (value: string) => boolean;

export function parseKindSelector(text: string): KindSelector {
  const parts = text.split('/');
  let kindIdx = parts.findIndex((p) => /^[A-Z*]/u.test(p));
  if (kindIdx < 0) kindIdx = parts.length - 1;
  const before = parts.slice(0, kindIdx);
  const after = parts.slice(kindIdx + 1);
  const group = before.length >= 2 ? before[0]! : '*';
  const version = before.length >= 2 ? before[1]! : before.length === 1 ? before[0]! : '*';
  return { group, version, kind: parts[kindIdx]!, subresource: after.join('/') };
}

export function groupVersionOf(resource: JsonObject): { group: string; version: string } {
  const apiVersion = asString(resource['apiVersion']) ?? '';
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

type KindTest = (resource: JsonObject, subresource: string) => boolean;

function compileKinds(kinds: readonly string[]): KindTest {
  const selectors = kinds.map((k) => {
    const sel = parseKindSelector(k);
    return {
      kind: compileWildcard(sel.kind),
      group: sel.group === '*' ? undefined : compileWildcard(sel.group),
      version: sel.version === '*' ? undefined : compileWildcard(sel.version),
      subresource: sel.subresource === '' ? undefined : compileWildcard(sel.subresource),
    };
  });
  return (resource, subresource) => {
    const kind = asString(resource['kind']) ?? '';
    let gv: { group: string; version: string } | undefined;
    for (const sel of selectors) {
      if (!sel.kind(kind)) continue;
      if (sel.group !== undefined || sel.version !== undefined) gv ??= groupVersionOf(resource);
      if (sel.group !== undefined && !sel.group(gv!.group)) continue;
      if (sel.version !== undefined && !sel.version(gv!.version)) continue;
      if (sel.subresource === undefined ? subresource === '' : sel.subresource(subresource)) return true;
    }
    return false;
  };
}

export function kindMatches(kinds: readonly string[], resource: JsonObject, subresource = ''): boolean {
  return compileKinds(kinds)(resource, subresource);
}

type LabelTest = (labels: Readonly<Record<string, string>>) => boolean;
const compiledSelectors = new WeakMap<JsonObject, LabelTest>();

function compileLabelSelector(selector: JsonObject): LabelTest {
  const hit = compiledSelectors.get(selector);
  if (hit !== undefined) return hit;
  const matchLabels = Object.entries(asObject(selector['matchLabels'])).map(([k, v]) => ({
    key: compileWildcard(k),
    value: compileWildcard(String(v)),
  }));
  const expressions = asArray(selector['matchExpressions']).map((expr) => {
    const e = asObject(expr);
    return {
      key: asString(e['key']) ?? '',
      values: asArray(e['values']).map(String),
      operator: e['operator'],
    };
  });
  const test: LabelTest = (labels) => {
    for (const { key, value } of matchLabels) {
      let anyKey = false;
      let anyValue = false;
      for (const lk of Object.keys(labels)) {
        if (!key(lk)) continue;
        anyKey = true;
        if (value(labels[lk]!)) {
          anyValue = true;
          break;
        }
      }
      if (!anyKey || !anyValue) return false;
    }
    for (const { key, values, operator } of expressions) {
      const has = Object.hasOwn(labels, key);
      switch (operator) {
        case 'In':
          if (!has || !values.includes(labels[key]!)) return false;
          break;
        case 'NotIn':
          if (has && values.includes(labels[key]!)) return false;
          break;
        case 'Exists':
          if (!has) return false;
          break;
        case 'DoesNotExist':
          if (has) return false;
          break;
        default:
          return false;
      }
    }
    return true;
  };
  compiledSelectors.set(selector, test);
  return test;
}

export function labelSelectorMatches(
  selector: JsonObject,
  labels: Readonly<Record<string, string>>,
): boolean {
  return compileLabelSelector(selector)(labels);
}

function stringMap(value: JsonValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asObject(value)))
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

function resourceNamespace(resource: JsonObject): string {
  const meta = asObject(resource['metadata']);
  if (resource['kind'] === 'Namespace') return asString(meta['name']) ?? '';
  return asString(meta['namespace']) ?? '';
}

function anyOf(tests: readonly StringTest[], value: string): boolean {
  for (const t of tests) if (t(value)) return true;
  return false;
}

/** One `resources` description: every field given must hold. */
function compileResourceDescription(desc: JsonObject): Predicate {
  const checks: Predicate[] = [];
  const kinds = asArray(desc['kinds']).map(String);
  if (kinds.length > 0) {
    const test = compileKinds(kinds);
    checks.push((req) => test(req.resource, req.subresource ?? ''));
  }
  const nameOf = (res: JsonObject): string => {
    const meta = asObject(res['metadata']);
    return asString(meta['name']) ?? asString(meta['generateName']) ?? '';
  };
  const singleName = asString(desc['name']);
  if (singleName !== undefined && singleName !== '') {
    const test = compileWildcard(singleName);
    checks.push((req) => test(nameOf(req.resource)));
  }
  const names = asArray(desc['names']).map((n) => compileWildcard(String(n)));
  if (names.length > 0) checks.push((req) => anyOf(names, nameOf(req.resource)));
  const namespaces = asArray(desc['namespaces']).map((n) => compileWildcard(String(n)));
  if (namespaces.length > 0) checks.push((req) => anyOf(namespaces, resourceNamespace(req.resource)));
  const annotations = Object.entries(asObject(desc['annotations'])).map(([k, v]) => ({
    key: compileWildcard(k),
    value: compileWildcard(String(v)),
  }));
  if (annotations.length > 0) {
    checks.push((req) => {
      const have = stringMap(asObject(req.resource['metadata'])['annotations']);
      return annotations.every(({ key, value }) =>
        Object.keys(have).some((hk) => key(hk) && value(have[hk]!)),
      );
    });
  }
  if (isObject(desc['selector'])) {
    const test = compileLabelSelector(desc['selector']);
    checks.push((req) => test(stringMap(asObject(req.resource['metadata'])['labels'])));
  }
  if (isObject(desc['namespaceSelector'])) {
    const test = compileLabelSelector(desc['namespaceSelector']);
    checks.push((req) => {
      if (req.resource['kind'] === 'Namespace')
        return test(stringMap(asObject(req.resource['metadata'])['labels']));
      return req.namespaceLabels !== undefined && test(req.namespaceLabels);
    });
  }
  const operations = asArray(desc['operations']).map(String);
  if (operations.length > 0) checks.push((req) => operations.includes(req.operation));
  return allOf(checks);
}

export function resourceDescriptionMatches(desc: JsonObject, req: MatchRequest): boolean {
  return compileResourceDescription(desc)(req);
}

function allOf(checks: readonly Predicate[]): Predicate {
  if (checks.length === 0) return () => true;
  if (checks.length === 1) return checks[0]!;
  return (req) => {
    for (const c of checks) if (!c(req)) return false;
    return true;
  };
}

function compileUserInfo(filter: JsonObject): Predicate {
  const roles = asArray(filter['roles']).map(String);
  const clusterRoles = asArray(filter['clusterRoles']).map(String);
  const subjects = asArray(filter['subjects']).map((s) => {
    const subj = asObject(s);
    const name = asString(subj['name']) ?? '';
    const kind = subj['kind'];
    const full =
      kind === 'ServiceAccount' ? `system:serviceaccount:${asString(subj['namespace']) ?? ''}:${name}` : name;
    return { kind, test: compileWildcard(full) };
  });
  if (roles.length === 0 && clusterRoles.length === 0 && subjects.length === 0) return () => true;
  return (req) => {
    if (roles.length > 0 && roles.some((r) => (req.roles ?? []).includes(r))) return true;
    if (clusterRoles.length > 0 && clusterRoles.some((r) => (req.clusterRoles ?? []).includes(r)))
      return true;
    const username = req.userInfo?.username ?? '';
    const groups = req.userInfo?.groups ?? [];
    for (const { kind, test } of subjects) {
      switch (kind) {
        case 'ServiceAccount':
        case 'User':
          if (test(username)) return true;
          break;
        case 'Group':
          if (groups.some((g) => test(g))) return true;
          break;
        default:
          break;
      }
    }
    return false;
  };
}

/** A resource filter (`{resources, subjects, roles, clusterRoles}`). */
function compileFilter(filter: JsonObject): Predicate {
  const resources = asObject(filter['resources']);
  const user = compileUserInfo(filter);
  if (Object.keys(resources).length === 0) return user;
  const res = compileResourceDescription(resources);
  return (req) => res(req) && user(req);
}

export function filterMatches(filter: JsonObject, req: MatchRequest): boolean {
  return compileFilter(filter)(req);
}

function blockHasContent(block: JsonObject): boolean {
  return (
    asArray(block['any']).length > 0 ||
    asArray(block['all']).length > 0 ||
    Object.keys(asObject(block['resources'])).length > 0 ||
    asArray(block['subjects']).length > 0 ||
    asArray(block['roles']).length > 0 ||
    asArray(block['clusterRoles']).length > 0
  );
}

const compiledBlocks = new WeakMap<JsonObject, Predicate>();
const NONE: Predicate = () => false;

function compileBlock(block: JsonObject): Predicate {
  const hit = compiledBlocks.get(block);
  if (hit !== undefined) return hit;
  let test: Predicate;
  if (!blockHasContent(block)) test = NONE;
  else {
    const any = asArray(block['any']);
    const all = asArray(block['all']);
    if (any.length > 0) {
      const filters = any.map((f) => compileFilter(asObject(f)));
      test = (req) => filters.some((f) => f(req));
    } else if (all.length > 0) {
      const filters = all.map((f) => compileFilter(asObject(f)));
      test = (req) => filters.every((f) => f(req));
    } else test = compileFilter(block);
  }
  compiledBlocks.set(block, test);
  return test;
}

/** True when a `match`/`exclude` block selects the request (an empty block selects nothing). */
export function blockMatches(block: JsonObject, req: MatchRequest): boolean {
  return compileBlock(block)(req);
}

/** A rule's compiled selection, with the resource kinds it can select (undefined: any kind). */
export interface RuleSelector {
  readonly kinds: ReadonlySet<string> | undefined;
  readonly selects: Predicate;
}

const compiledRules = new WeakMap<JsonObject, RuleSelector>();

/** Kinds a filter can select: a kinds list without wildcard kinds, else undefined (any). */
function filterKinds(filter: JsonObject): Set<string> | undefined {
  const kinds = asArray(asObject(filter['resources'])['kinds']).map(String);
  if (kinds.length === 0) return undefined;
  const out = new Set<string>();
  for (const k of kinds) {
    const kind = parseKindSelector(k).kind;
    if (hasWildcard(kind)) return undefined;
    out.add(kind);
  }
  return out;
}

function blockKinds(block: JsonObject): Set<string> | undefined {
  if (!blockHasContent(block)) return new Set();
  const any = asArray(block['any']);
  if (any.length > 0) {
    const out = new Set<string>();
    for (const f of any) {
      const kinds = filterKinds(asObject(f));
      if (kinds === undefined) return undefined;
      for (const k of kinds) out.add(k);
    }
    return out;
  }
  const all = asArray(block['all']);
  if (all.length > 0) {
    // Every filter must hold: any one filter's kinds bound the selection.
    for (const f of all) {
      const kinds = filterKinds(asObject(f));
      if (kinds !== undefined) return kinds;
    }
    return undefined;
  }
  return filterKinds(block);
}

export function compileRuleSelector(rule: JsonObject): RuleSelector {
  const hit = compiledRules.get(rule);
  if (hit !== undefined) return hit;
  const match = compileBlock(asObject(rule['match']));
  const exclude = asObject(rule['exclude']);
  const excluded = blockHasContent(exclude) ? compileBlock(exclude) : NONE;
  const kinds = blockKinds(asObject(rule['match']));
  const selects: Predicate = (req) => {
    if (kinds !== undefined && !kinds.has(asString(req.resource['kind']) ?? '')) return false;
    if (
      req.policyNamespace !== undefined &&
      req.policyNamespace !== '' &&
      resourceNamespace(req.resource) !== req.policyNamespace
    )
      return false;
    return match(req) && !excluded(req);
  };
  const selector = { kinds, selects };
  compiledRules.set(rule, selector);
  return selector;
}

/** Rule selection: matched by `match` and not excluded by `exclude`. */
export function ruleSelects(rule: JsonObject, req: MatchRequest): boolean {
  return compileRuleSelector(rule).selects(req);
}
