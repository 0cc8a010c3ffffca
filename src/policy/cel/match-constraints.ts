// Kubernetes admission match rules (ValidatingAdmissionPolicy matchConstraints / binding
// matchResources, Kyverno CEL policy matchConstraints): resource rules by group, version,
// plural resource name and operation, namespace and object label selectors, exclusions.
import { asArray, asObject, asString, isObject, type JsonObject } from '../common/json.ts';
import { groupVersionOf, labelSelectorMatches } from '../kyverno/match.ts';

const IRREGULAR: Record<string, string> = {
  Endpoints: 'endpoints',
  Ingress: 'ingresses',
  NetworkPolicy: 'networkpolicies',
  PodSecurityPolicy: 'podsecuritypolicies',
  StorageClass: 'storageclasses',
  IngressClass: 'ingressclasses',
  PriorityClass: 'priorityclasses',
  RuntimeClass: 'runtimeclasses',
};

/** Kind → plural lower-case resource name, as Kubernetes' default RESTMapper guesses it. */
export function resourceForKind(kind: string): string {
  const irregular = IRREGULAR[kind];
  if (irregular !== undefined) return irregular;
  const lower = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/u.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/u.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

export interface AdmissionFacts {
  readonly resource: JsonObject;
  readonly operation: string;
  readonly namespaceLabels?: Readonly<Record<string, string>>;
}

function listMatch(list: readonly string[], value: string): boolean {
  return list.includes('*') || list.includes(value);
}

export function resourceRuleMatches(rule: JsonObject, facts: AdmissionFacts): boolean {
  const gv = groupVersionOf(facts.resource);
  const plural = resourceForKind(asString(facts.resource['kind']) ?? '');
  const groups = asArray(rule['apiGroups']).map(String);
  const versions = asArray(rule['apiVersions']).map(String);
  const resources = asArray(rule['resources']).map(String);
  const operations = asArray(rule['operations']).map(String);
  if (!listMatch(groups, gv.group)) return false;
  if (!listMatch(versions, gv.version)) return false;
  if (!resources.includes('*') && !resources.includes(plural) && !resources.includes('*/*')) return false;
  if (operations.length > 0 && !listMatch(operations, facts.operation)) return false;
  const names = asArray(rule['resourceNames']).map(String);
  if (names.length > 0 && !names.includes(asString(asObject(facts.resource['metadata'])['name']) ?? ''))
    return false;
  return true;
}

function labels(obj: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asObject(asObject(obj['metadata'])['labels']))) out[k] = String(v);
  return out;
}

/** matchConstraints / matchResources semantics; an absent block matches everything. */
export function matchResourcesMatches(block: JsonObject | undefined, facts: AdmissionFacts): boolean {
  if (block === undefined) return true;
  const rules = asArray(block['resourceRules']);
  if (rules.length > 0 && !rules.some((r) => resourceRuleMatches(asObject(r), facts))) return false;
  if (asArray(block['excludeResourceRules']).some((r) => resourceRuleMatches(asObject(r), facts)))
    return false;
  if (
    isObject(block['objectSelector']) &&
    !labelSelectorMatches(block['objectSelector'], labels(facts.resource))
  )
    return false;
  if (isObject(block['namespaceSelector'])) {
    const isNamespace = facts.resource['kind'] === 'Namespace';
    const nsLabels = isNamespace ? labels(facts.resource) : (facts.namespaceLabels ?? {});
    const namespaced =
      isNamespace || (asString(asObject(facts.resource['metadata'])['namespace']) ?? '') !== '';
    if (namespaced && !labelSelectorMatches(block['namespaceSelector'], nsLabels)) return false;
  }
  return true;
}
