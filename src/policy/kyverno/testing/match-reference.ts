// Rule match/exclude as it was evaluated before blocks were compiled (commit e0a7b96), kept unchanged
// as the reference model of the differential property test in match.test.ts. Not used by the engine.
import { wildcardMatch } from '../../common/wildcard.ts';
import { asArray, asObject, asString, isObject, type JsonObject, type JsonValue } from '../../common/json.ts';

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

export function kindMatches(kinds: readonly string[], resource: JsonObject, subresource = ''): boolean {
  const kind = asString(resource['kind']) ?? '';
  const gv = groupVersionOf(resource);
  return kinds.some((k) => {
    const sel = parseKindSelector(k);
    if (!wildcardMatch(sel.kind, kind)) return false;
    if (sel.group !== '*' && !wildcardMatch(sel.group, gv.group)) return false;
    if (sel.version !== '*' && !wildcardMatch(sel.version, gv.version)) return false;
    if (sel.subresource === '') return subresource === '';
    return wildcardMatch(sel.subresource, subresource);
  });
}

export function labelSelectorMatches(
  selector: JsonObject,
  labels: Readonly<Record<string, string>>,
): boolean {
  const matchLabels = asObject(selector['matchLabels']);
  for (const [k, v] of Object.entries(matchLabels)) {
    const want = String(v);
    const keys = Object.keys(labels).filter((lk) => wildcardMatch(k, lk));
    if (keys.length === 0) return false;
    if (!keys.some((lk) => wildcardMatch(want, labels[lk]!))) return false;
  }
  for (const expr of asArray(selector['matchExpressions'])) {
    const e = asObject(expr);
    const key = asString(e['key']) ?? '';
    const values = asArray(e['values']).map(String);
    const has = Object.hasOwn(labels, key);
    switch (e['operator']) {
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

/** One `resources` description: every field given must hold. */
export function resourceDescriptionMatches(desc: JsonObject, req: MatchRequest): boolean {
  const res = req.resource;
  const meta = asObject(res['metadata']);
  const kinds = asArray(desc['kinds']).map(String);
  if (kinds.length > 0 && !kindMatches(kinds, res, req.subresource ?? '')) return false;
  const name = asString(meta['name']) ?? asString(meta['generateName']) ?? '';
  const singleName = asString(desc['name']);
  if (singleName !== undefined && singleName !== '' && !wildcardMatch(singleName, name)) return false;
  const names = asArray(desc['names']).map(String);
  if (names.length > 0 && !names.some((n) => wildcardMatch(n, name))) return false;
  const namespaces = asArray(desc['namespaces']).map(String);
  if (namespaces.length > 0) {
    const ns = resourceNamespace(res);
    if (!namespaces.some((n) => wildcardMatch(n, ns))) return false;
  }
  const annotations = asObject(desc['annotations']);
  if (Object.keys(annotations).length > 0) {
    const have = stringMap(meta['annotations']);
    for (const [k, v] of Object.entries(annotations)) {
      const keys = Object.keys(have).filter((hk) => wildcardMatch(k, hk));
      if (!keys.some((hk) => wildcardMatch(String(v), have[hk]!))) return false;
    }
  }
  if (isObject(desc['selector']) && !labelSelectorMatches(desc['selector'], stringMap(meta['labels'])))
    return false;
  if (isObject(desc['namespaceSelector'])) {
    if (res['kind'] === 'Namespace') {
      if (!labelSelectorMatches(desc['namespaceSelector'], stringMap(meta['labels']))) return false;
    } else {
      if (req.namespaceLabels === undefined) return false;
      if (!labelSelectorMatches(desc['namespaceSelector'], req.namespaceLabels)) return false;
    }
  }
  const operations = asArray(desc['operations']).map(String);
  if (operations.length > 0 && !operations.includes(req.operation)) return false;
  return true;
}

function userInfoMatches(filter: JsonObject, req: MatchRequest): boolean {
  const roles = asArray(filter['roles']).map(String);
  const clusterRoles = asArray(filter['clusterRoles']).map(String);
  const subjects = asArray(filter['subjects']);
  if (roles.length === 0 && clusterRoles.length === 0 && subjects.length === 0) return true;
  if (roles.length > 0 && roles.some((r) => (req.roles ?? []).includes(r))) return true;
  if (clusterRoles.length > 0 && clusterRoles.some((r) => (req.clusterRoles ?? []).includes(r))) return true;
  const username = req.userInfo?.username ?? '';
  const groups = req.userInfo?.groups ?? [];
  for (const s of subjects) {
    const subj = asObject(s);
    const name = asString(subj['name']) ?? '';
    switch (subj['kind']) {
      case 'ServiceAccount': {
        const full = `system:serviceaccount:${asString(subj['namespace']) ?? ''}:${name}`;
        if (wildcardMatch(full, username)) return true;
        break;
      }
      case 'User':
        if (wildcardMatch(name, username)) return true;
        break;
      case 'Group':
        if (groups.some((g) => wildcardMatch(name, g))) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

/** A resource filter (`{resources, subjects, roles, clusterRoles}`). */
export function filterMatches(filter: JsonObject, req: MatchRequest): boolean {
  const resources = asObject(filter['resources']);
  if (Object.keys(resources).length > 0 && !resourceDescriptionMatches(resources, req)) return false;
  return userInfoMatches(filter, req);
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

/** True when a `match`/`exclude` block selects the request (an empty block selects nothing). */
export function blockMatches(block: JsonObject, req: MatchRequest): boolean {
  if (!blockHasContent(block)) return false;
  const any = asArray(block['any']);
  if (any.length > 0) return any.some((f) => filterMatches(asObject(f), req));
  const all = asArray(block['all']);
  if (all.length > 0) return all.every((f) => filterMatches(asObject(f), req));
  return filterMatches(block, req);
}

/** Rule selection: matched by `match` and not excluded by `exclude`. */
export function ruleSelects(rule: JsonObject, req: MatchRequest): boolean {
  if (
    req.policyNamespace !== undefined &&
    req.policyNamespace !== '' &&
    resourceNamespace(req.resource) !== req.policyNamespace
  )
    return false;
  if (!blockMatches(asObject(rule['match']), req)) return false;
  const exclude = asObject(rule['exclude']);
  if (blockHasContent(exclude) && blockMatches(exclude, req)) return false;
  return true;
}
