// The `kyverno test` manifest (cli.kyverno.io/v1alpha1 Test) and its Values/UserInfo documents.
import { asArray, asObject, asString, isObject, type JsonObject, type JsonValue } from '../common/json.ts';

export interface TestResultEntry {
  readonly policy: string;
  readonly rule: string;
  readonly resources: readonly string[];
  readonly kind: string;
  readonly namespace?: string;
  readonly result: string;
  readonly patchedResources?: string;
  readonly generatedResource?: string;
  readonly cloneSourceResource?: string;
  /** Which flavour the entry targets (isValidatingPolicy, isMutatingPolicy...). */
  readonly flavour?: string;
  /** Admission operation the result is for (CREATE when the test does not say). */
  readonly operation?: string;
}

export interface KyvernoTestFile {
  readonly name: string;
  readonly policies: readonly string[];
  readonly resources: readonly string[];
  readonly exceptions: readonly string[];
  readonly clusterResources: readonly string[];
  readonly targetResources: readonly string[];
  readonly variables?: string;
  readonly userinfo?: string;
  readonly context?: string;
  readonly inlineValues?: JsonObject;
  readonly results: readonly TestResultEntry[];
  readonly hasChecks: boolean;
  readonly raw: JsonObject;
}

const FLAVOURS = [
  'isValidatingAdmissionPolicy',
  'isValidatingPolicy',
  'isImageValidatingPolicy',
  'isMutatingPolicy',
  'isMutatingAdmissionPolicy',
  'isGeneratingPolicy',
  'isDeletingPolicy',
];

function strings(v: JsonValue | undefined): string[] {
  return asArray(v).filter((x): x is string => typeof x === 'string');
}

export function parseTestFile(doc: JsonObject): KyvernoTestFile {
  const results: TestResultEntry[] = asArray(doc['results']).map((r) => {
    const o = asObject(r);
    const resources = strings(o['resources']);
    const single = asString(o['resource']);
    if (resources.length === 0 && single !== undefined) resources.push(single);
    const flavour = FLAVOURS.find((f) => o[f] === true);
    const patched = asString(o['patchedResources']) ?? asString(o['patchedResource']);
    const generated = asString(o['generatedResource']);
    const clone = asString(o['cloneSourceResource']);
    const ns = asString(o['namespace']);
    const operation = asString(o['operation']);
    return {
      policy: asString(o['policy']) ?? '',
      rule: asString(o['rule']) ?? '',
      resources,
      kind: asString(o['kind']) ?? '',
      ...(ns === undefined ? {} : { namespace: ns }),
      result: asString(o['result']) ?? asString(o['status']) ?? '',
      ...(patched === undefined ? {} : { patchedResources: patched }),
      ...(generated === undefined ? {} : { generatedResource: generated }),
      ...(clone === undefined ? {} : { cloneSourceResource: clone }),
      ...(flavour === undefined ? {} : { flavour }),
      ...(operation === undefined ? {} : { operation: operation.toUpperCase() }),
    };
  });
  const variables = asString(doc['variables']);
  const userinfo = asString(doc['userinfo']);
  const context = asString(doc['context']);
  return {
    name: asString(asObject(doc['metadata'])['name']) ?? asString(doc['name']) ?? '',
    policies: strings(doc['policies']),
    resources: strings(doc['resources']),
    exceptions: strings(doc['exceptions']),
    clusterResources: strings(doc['clusterResources']),
    targetResources: strings(doc['targetResources']),
    ...(variables === undefined ? {} : { variables }),
    ...(userinfo === undefined ? {} : { userinfo }),
    ...(context === undefined ? {} : { context }),
    ...(isObject(doc['values']) ? { inlineValues: doc['values'] } : {}),
    results,
    hasChecks: asArray(doc['checks']).length > 0,
    raw: doc,
  };
}

/** A parsed Values document. */
export interface TestValues {
  readonly global: Readonly<Record<string, JsonValue>>;
  /** policy → rule → values */
  readonly rules: ReadonlyMap<string, ReadonlyMap<string, Readonly<Record<string, JsonValue>>>>;
  /** policy → rule → foreach values (lists per key) */
  readonly foreach: ReadonlyMap<string, ReadonlyMap<string, Readonly<Record<string, JsonValue>>>>;
  /** policy → resource name → values */
  readonly resources: ReadonlyMap<string, ReadonlyMap<string, Readonly<Record<string, JsonValue>>>>;
  readonly namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly subresources: readonly JsonObject[];
  /** Namespace objects given by the values file (`namespaces:`). */
  readonly namespaces: readonly JsonObject[];
}

export function parseValues(doc: JsonObject | undefined): TestValues {
  const rules = new Map<string, Map<string, Record<string, JsonValue>>>();
  const foreach = new Map<string, Map<string, Record<string, JsonValue>>>();
  const resources = new Map<string, Map<string, Record<string, JsonValue>>>();
  const namespaceLabels = new Map<string, Record<string, string>>();
  if (doc === undefined)
    return { global: {}, rules, foreach, resources, namespaceLabels, subresources: [], namespaces: [] };
  for (const p of asArray(doc['policies'])) {
    const po = asObject(p);
    const name = asString(po['name']) ?? '';
    const r = rules.get(name) ?? new Map<string, Record<string, JsonValue>>();
    const f = foreach.get(name) ?? new Map<string, Record<string, JsonValue>>();
    for (const rule of asArray(po['rules'])) {
      const ro = asObject(rule);
      r.set(asString(ro['name']) ?? '', {
        ...(r.get(asString(ro['name']) ?? '') ?? {}),
        ...asObject(ro['values']),
      });
      if (isObject(ro['foreachValues'])) f.set(asString(ro['name']) ?? '', ro['foreachValues']);
    }
    rules.set(name, r);
    foreach.set(name, f);
    const res = resources.get(name) ?? new Map<string, Record<string, JsonValue>>();
    for (const resource of asArray(po['resources'])) {
      const ro = asObject(resource);
      res.set(asString(ro['name']) ?? '', asObject(ro['values']));
    }
    resources.set(name, res);
  }
  for (const ns of asArray(doc['namespaceSelector'])) {
    const o = asObject(ns);
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(asObject(o['labels']))) labels[k] = String(v);
    namespaceLabels.set(asString(o['name']) ?? '', labels);
  }
  return {
    global: asObject(doc['globalValues']),
    rules,
    foreach,
    resources,
    namespaceLabels,
    subresources: asArray(doc['subresources']).map(asObject),
    namespaces: asArray(doc['namespaces']).map(asObject),
  };
}
