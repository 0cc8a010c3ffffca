// `kyverno test`: runs every kyverno-test.yaml under a directory and compares Bosun's rule results
// with the expected ones, case by case. A case Bosun cannot evaluate is `unsupported`, never pass.
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { asArray, asObject, asString, isObject, type JsonObject, type JsonValue } from '../common/json.ts';
import { parseYamlDocuments } from '../load/yaml.ts';
import { loadPolicyDocuments } from '../load/load.ts';
import type { LoadedPolicies, LoadedPolicy } from '../load/types.ts';
import { applyPolicy, type ApplyOptions } from '../apply.ts';
import type { PolicyResponse, RequestUserInfo } from '../types.ts';
import type { ImageFacts } from '../image-facts.ts';
import {
  parseTestFile,
  parseValues,
  type KyvernoTestFile,
  type TestResultEntry,
  type TestValues,
} from './test-file.ts';
import { compareResources } from './compare.ts';

export type CaseVerdict = 'pass' | 'fail' | 'unsupported';

/** One expected result (policy, rule, resource) of one test file and what Bosun made of it. */
export interface KyvernoTestCase {
  /** The kyverno-test.yaml path relative to the directory given. */
  readonly suite: string;
  readonly id: string;
  readonly policy: string;
  readonly rule: string;
  readonly kind: string;
  readonly resource: string;
  readonly expected: string;
  /** Bosun's rule status(es), `excluded` when no rule applied, `not-found` when nothing matched. */
  readonly actual: string;
  readonly verdict: CaseVerdict;
  readonly reason: string;
}

export interface KyvernoTestSummary {
  readonly total: number;
  readonly pass: number;
  readonly fail: number;
  readonly unsupported: number;
}

export interface KyvernoTestRun {
  readonly cases: readonly KyvernoTestCase[];
  readonly summary: KyvernoTestSummary;
  /** Test files that could not be read at all, with the reason. */
  readonly brokenSuites: readonly { readonly suite: string; readonly reason: string }[];
}

export interface RunKyvernoTestsOptions {
  readonly imageFacts?: ImageFacts;
  readonly now?: Date;
  readonly signal?: AbortSignal;
  /** File name of test manifests (default kyverno-test.yaml). */
  readonly fileName?: string;
}

async function findTestFiles(dir: string, fileName: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, depth: number): Promise<void> => {
    if (depth > 32) return;
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p, depth + 1);
      else if (e.isFile() && e.name === fileName) out.push(p);
    }
  };
  await walk(dir, 0);
  return out;
}

async function readDocs(base: string, path: string): Promise<JsonObject[]> {
  if (/^https?:\/\//u.test(path)) throw new NetworkPath(path);
  const full = resolve(base, path);
  const st = await stat(full);
  if (st.isDirectory()) {
    const docs: JsonObject[] = [];
    for (const name of (await readdir(full)).sort()) {
      if (/\.(ya?ml|json)$/u.test(name)) docs.push(...(await readDocs(full, name)));
    }
    return docs;
  }
  return parseYamlDocuments(await readFile(full, 'utf8'), full);
}

class NetworkPath extends Error {}

interface SuiteData {
  readonly test: KyvernoTestFile;
  readonly loaded: LoadedPolicies;
  readonly resources: JsonObject[];
  readonly values: TestValues;
  readonly userInfo?: RequestUserInfo;
  readonly cluster: JsonObject[];
  readonly unsupported?: string;
}

function metaOf(r: JsonObject): { name: string; namespace: string } {
  const m = asObject(r['metadata']);
  return { name: asString(m['name']) ?? '', namespace: asString(m['namespace']) ?? '' };
}

// Kinds without a namespace (the common built-in ones; anything else is taken as namespaced).
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'StorageClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'PriorityClass',
  'RuntimeClass',
  'IngressClass',
  'CustomResourceDefinition',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'CertificateSigningRequest',
  'ClusterPolicy',
  'ClusterPolicyReport',
  'ClusterCleanupPolicy',
  'ValidatingPolicy',
  'ImageValidatingPolicy',
  'MutatingPolicy',
  'GeneratingPolicy',
  'DeletingPolicy',
]);

/**
 * Like `kyverno test` (which loads resources as kubectl would), a namespaced resource written
 * without a namespace is in `default`.
 */
function withDefaultNamespace(resource: JsonObject): JsonObject {
  const kind = asString(resource['kind']) ?? '';
  const meta = asObject(resource['metadata']);
  if (CLUSTER_SCOPED.has(kind) || typeof meta['namespace'] === 'string' || !isObject(resource['metadata']))
    return resource;
  return { ...resource, metadata: { ...meta, namespace: 'default' } };
}

async function loadSuite(file: string, test: KyvernoTestFile): Promise<SuiteData> {
  const base = dirname(file);
  const policyDocs: JsonObject[] = [];
  let unsupported: string | undefined;
  for (const p of test.policies) {
    try {
      policyDocs.push(...(await readDocs(base, p)));
    } catch (e) {
      if (e instanceof NetworkPath) unsupported = `policy ${p} is fetched over the network`;
      else throw e;
    }
  }
  for (const p of test.exceptions) policyDocs.push(...(await readDocs(base, p)));
  const loaded = loadPolicyDocuments(policyDocs, { strict: false });
  const resources: JsonObject[] = [];
  for (const r of test.resources) resources.push(...(await readDocs(base, r)).map(withDefaultNamespace));
  const cluster: JsonObject[] = [];
  for (const r of [...test.clusterResources, ...test.targetResources])
    cluster.push(...(await readDocs(base, r)));
  if (test.context !== undefined) {
    for (const d of await readDocs(base, test.context))
      cluster.push(...asArray(asObject(d['spec'])['resources']).map(asObject));
  }
  let valuesDoc: JsonObject | undefined;
  if (test.variables !== undefined) valuesDoc = (await readDocs(base, test.variables))[0];
  else if (test.inlineValues !== undefined) valuesDoc = test.inlineValues;
  const values = parseValues(valuesDoc);
  let userInfo: RequestUserInfo | undefined;
  if (test.userinfo !== undefined) {
    const doc = (await readDocs(base, test.userinfo))[0] ?? {};
    const ui = asObject(doc['userInfo']);
    userInfo = {
      ...(asString(ui['username']) === undefined ? {} : { username: asString(ui['username'])! }),
      groups: asArray(ui['groups']).map(String),
      roles: asArray(doc['roles']).map(String),
      clusterRoles: asArray(doc['clusterRoles']).map(String),
    };
  }
  return {
    test,
    loaded,
    resources,
    values,
    cluster,
    ...(userInfo === undefined ? {} : { userInfo }),
    ...(unsupported === undefined ? {} : { unsupported }),
  };
}

function namespaceLabelsFor(suite: SuiteData, resource: JsonObject): Record<string, string> | undefined {
  const ns = resource['kind'] === 'Namespace' ? metaOf(resource).name : metaOf(resource).namespace;
  const fromValues = suite.values.namespaceLabels.get(ns);
  if (fromValues !== undefined) return { ...fromValues };
  for (const r of [...suite.values.namespaces, ...suite.resources, ...suite.cluster]) {
    if (r['kind'] === 'Namespace' && metaOf(r).name === ns) {
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(asObject(asObject(r['metadata'])['labels']))) labels[k] = String(v);
      return labels;
    }
  }
  return undefined;
}

function namespaceObjectFor(suite: SuiteData, resource: JsonObject): JsonObject | undefined {
  if (resource['kind'] === 'Namespace') return undefined;
  const ns = metaOf(resource).namespace || 'default';
  for (const r of [...suite.values.namespaces, ...suite.resources, ...suite.cluster])
    if (r['kind'] === 'Namespace' && metaOf(r).name === ns) return r;
  const labels = suite.values.namespaceLabels.get(ns);
  if (labels !== undefined)
    return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ...labels } } };
  // Like `kyverno test`, a namespace the test does not describe is an object with just its name.
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } };
}

/** A response with the admission operation it was evaluated for. */
type SuiteResponse = PolicyResponse & {
  readonly operation: string;
  /** Evaluated with the suite's own operation (values, else CREATE) rather than one a result names. */
  readonly suiteOperation: boolean;
};

/** Operations results name for a policy (`operation: DELETE` on a result entry). */
function namedOperations(suite: SuiteData, policy: LoadedPolicy): Set<string> {
  const key =
    'namespace' in policy && policy.namespace !== undefined
      ? `${policy.namespace}/${policy.name}`
      : policy.name;
  const ops = new Set<string>();
  for (const r of suite.test.results)
    if (r.operation !== undefined && (r.policy === policy.name || r.policy === key)) ops.add(r.operation);
  return ops;
}

async function evaluateSuite(suite: SuiteData, options: RunKyvernoTestsOptions): Promise<SuiteResponse[]> {
  const responses: SuiteResponse[] = [];
  const all = [...suite.resources, ...suite.cluster];
  for (const policy of suite.loaded.policies) {
    const extraOperations = namedOperations(suite, policy);
    for (const resource of suite.resources) {
      const rname = metaOf(resource).name;
      const values = suite.values;
      const nsLabels = namespaceLabelsFor(suite, resource);
      const nsObject = namespaceObjectFor(suite, resource);
      const valuesFor = (p: string, rule: string): Record<string, JsonValue> => ({
        ...values.global,
        ...(values.rules.get(p)?.get(rule) ??
          (rule.startsWith('autogen-')
            ? values.rules.get(p)?.get(rule.replace(/^autogen-(cronjob-)?/u, ''))
            : undefined) ??
          {}),
        ...(values.resources.get(p)?.get(rname) ?? {}),
      });
      const globalOp = values.global['request.operation'];
      const resOp = values.resources.get(policy.name)?.get(rname)?.['request.operation'];
      const operation =
        typeof resOp === 'string' ? resOp : typeof globalOp === 'string' ? globalOp : 'CREATE';
      const applyOptions: ApplyOptions = {
        operation,
        // As `kyverno test` shapes an UPDATE: the resource is both the object and the old object.
        ...(operation === 'UPDATE' ? { oldResource: resource } : {}),
        ...(suite.userInfo === undefined ? {} : { userInfo: suite.userInfo }),
        ...(nsLabels === undefined ? {} : { namespaceLabels: nsLabels }),
        ...(nsObject === undefined ? {} : { namespaceObject: nsObject }),
        valuesFor,
        foreachValuesFor: (rule, index) => {
          const fv = values.foreach.get(policy.name)?.get(rule);
          if (fv === undefined) return undefined;
          const out: Record<string, JsonValue> = {};
          for (const [k, list] of Object.entries(fv))
            if (Array.isArray(list) && index < list.length) out[k] = list[index]!;
          return out;
        },
        lookupResource: (apiVersion, kind, namespace, name) =>
          all.find(
            (r) =>
              r['kind'] === kind &&
              metaOf(r).name === name &&
              (namespace === '' ||
                metaOf(r).namespace === namespace ||
                (metaOf(r).namespace === '' && namespace === 'default')),
          ),
        exceptions: suite.loaded.exceptions,
        ...(options.imageFacts === undefined ? {} : { imageFacts: options.imageFacts }),
        ...(options.now === undefined ? {} : { now: options.now }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      };
      responses.push({
        ...(await applyPolicy(policy, resource, applyOptions)),
        operation,
        suiteOperation: true,
      });
      for (const op of extraOperations) {
        if (op === operation) continue;
        responses.push({
          ...(await applyPolicy(policy, resource, { ...applyOptions, operation: op })),
          operation: op,
          suiteOperation: false,
        });
      }
    }
  }
  return responses;
}

/**
 * Whether `kyverno test` keeps a policy's response that holds no rule result. Kyverno keeps it for
 * ClusterPolicy/Policy and ValidatingAdmissionPolicy responses (the test then counts the resource as
 * excluded, a pass whatever result was expected), but drops the empty response of a
 * ValidatingPolicy whose matchConstraints is a single resource rule without resource names, object
 * or namespace selector and exclusions (processor `hasSelector`): the test then finds nothing and
 * fails with "Not found".
 */
function keepsEmptyResponse(policy: LoadedPolicy | undefined): boolean {
  if (policy === undefined || policy.kind !== 'validating-policy') return true;
  const match = asObject(policy.raw['spec'])['matchConstraints'];
  if (!isObject(match)) return true;
  const hasLabels = (selector: JsonValue | undefined): boolean =>
    Object.keys(asObject(asObject(selector)['matchLabels'])).length > 0 ||
    asArray(asObject(selector)['matchExpressions']).length > 0;
  if (hasLabels(match['namespaceSelector']) || hasLabels(match['objectSelector'])) return true;
  if (asArray(match['excludeResourceRules']).length > 0) return true;
  const rules = asArray(match['resourceRules']);
  if (rules.length !== 1) return true;
  return asArray(asObject(rules[0])['resourceNames']).length > 0;
}

function ruleMatches(entry: TestResultEntry, rule: string): boolean {
  if (entry.rule === '') return true;
  return rule === entry.rule || rule === `autogen-${entry.rule}` || rule === `autogen-cronjob-${entry.rule}`;
}

async function judge(
  suitePath: string,
  file: string,
  suite: SuiteData,
  entry: TestResultEntry,
  resourceName: string,
  responses: readonly SuiteResponse[],
): Promise<KyvernoTestCase> {
  const base = {
    suite: suitePath,
    id: `${suitePath}#${entry.policy}/${entry.rule}/${entry.kind}/${resourceName}`,
    policy: entry.policy,
    rule: entry.rule,
    kind: entry.kind,
    resource: resourceName,
    expected: entry.result,
  };
  if (suite.unsupported !== undefined)
    return { ...base, actual: 'unsupported', verdict: 'unsupported', reason: suite.unsupported };
  for (const key of ['jsonPayloads', 'envoyPayloads', 'httpPayloads']) {
    if (suite.test.raw[key] !== undefined) {
      return {
        ...base,
        actual: 'unsupported',
        verdict: 'unsupported',
        reason: `${key} (JSON-mode policies) are not evaluated by Bosun`,
      };
    }
  }
  const named = suite.loaded.policies.find((p) => p.name === entry.policy);
  if (named !== undefined && named.kind === 'kyverno') {
    const rules = named.rules.filter((r) => ruleMatches(entry, r.name));
    if (rules.length > 0 && rules.every((r) => r.unsupported !== undefined)) {
      return { ...base, actual: 'unsupported', verdict: 'unsupported', reason: rules[0]!.unsupported! };
    }
  }
  if (entry.generatedResource !== undefined || entry.cloneSourceResource !== undefined) {
    return {
      ...base,
      actual: 'unsupported',
      verdict: 'unsupported',
      reason: 'generate rules are not evaluated by Bosun',
    };
  }
  const matching = responses.filter((r) => {
    if (entry.operation === undefined ? !r.suiteOperation : r.operation !== entry.operation) return false;
    if (r.policyKey !== entry.policy && r.policy !== entry.policy) return false;
    if (entry.kind !== '' && r.resource['kind'] !== entry.kind) return false;
    const m = metaOf(r.resource);
    const full = m.namespace === '' ? m.name : `${m.namespace}/${m.name}`;
    if (resourceName !== m.name && resourceName !== full) return false;
    if (entry.namespace !== undefined && entry.namespace !== '' && entry.namespace !== m.namespace)
      return false;
    return true;
  });
  const policy = suite.loaded.policies.find(
    (p) =>
      p.name === entry.policy ||
      (p.kind !== 'vap' && 'namespace' in p && `${p.namespace}/${p.name}` === entry.policy),
  );
  if (policy !== undefined && policy.kind === 'unsupported')
    return { ...base, actual: 'unsupported', verdict: 'unsupported', reason: policy.unsupported };
  if (matching.length === 0)
    return {
      ...base,
      actual: 'not-found',
      verdict: 'fail',
      reason: 'no response for this policy and resource (Kyverno reports "Not found")',
    };
  const kept = matching.filter((r) => r.rules.length > 0 || keepsEmptyResponse(policy));
  if (kept.length === 0)
    return {
      ...base,
      actual: 'not-found',
      verdict: 'fail',
      reason:
        'the ValidatingPolicy selects nothing here and Kyverno drops its empty response for a single, selector-free resource rule (Kyverno reports "Not found")',
    };
  const statuses: string[] = [];
  let ok = true;
  let rows = 0;
  const messages: string[] = [];
  for (const response of kept) {
    for (const rule of response.rules.filter((r) => ruleMatches(entry, r.rule))) {
      rows++;
      if (rule.unsupported !== undefined)
        return { ...base, actual: rule.status, verdict: 'unsupported', reason: rule.unsupported };
      statuses.push(rule.status);
      if (rule.status !== entry.result) {
        ok = false;
        messages.push(rule.message);
      }
      if (entry.patchedResources !== undefined) {
        const expected = await readDocs(dirname(file), entry.patchedResources).catch(() => []);
        const actual = response.patchedResource ?? response.resource;
        if (!compareResources(actual, expected)) {
          if (response.patchedResource === undefined && rule.type !== 'verifyImages') {
            return {
              ...base,
              actual: rule.status,
              verdict: 'unsupported',
              reason: 'mutation (patchedResources) is not evaluated by Bosun',
            };
          }
          ok = false;
          statuses.push('patched-differs');
        }
      }
    }
  }
  if (rows === 0) {
    return {
      ...base,
      actual: 'excluded',
      verdict: 'pass',
      reason: 'no rule applied to the resource (`kyverno test` counts an excluded resource as a pass)',
    };
  }
  const actual = statuses.join(',');
  return {
    ...base,
    actual,
    verdict: ok ? 'pass' : 'fail',
    reason: ok ? 'ok' : `want ${entry.result}, got ${actual}: ${messages.join('; ')}`,
  };
}

/** Runs every test manifest under `dir` and returns a record per case. */
export async function runKyvernoTests(
  dir: string,
  options: RunKyvernoTestsOptions = {},
): Promise<KyvernoTestRun> {
  const root = resolve(dir);
  const files = await findTestFiles(root, options.fileName ?? 'kyverno-test.yaml');
  const cases: KyvernoTestCase[] = [];
  const broken: { suite: string; reason: string }[] = [];
  for (const file of files) {
    options.signal?.throwIfAborted();
    const suitePath = relative(root, file);
    let test: KyvernoTestFile;
    let suite: SuiteData;
    try {
      const doc = parseYamlDocuments(await readFile(file, 'utf8'), file)[0] ?? {};
      test = parseTestFile(doc);
      suite = await loadSuite(file, test);
    } catch (e) {
      broken.push({ suite: suitePath, reason: (e as Error).message });
      continue;
    }
    let responses: SuiteResponse[];
    try {
      responses = await evaluateSuite(suite, options);
    } catch (e) {
      broken.push({ suite: suitePath, reason: `evaluation failed: ${(e as Error).message}` });
      continue;
    }
    for (const entry of test.results) {
      for (const resourceName of entry.resources.length > 0 ? entry.resources : ['']) {
        cases.push(await judge(suitePath, file, suite, entry, resourceName, responses));
      }
    }
  }
  const summary = {
    total: cases.length,
    pass: cases.filter((c) => c.verdict === 'pass').length,
    fail: cases.filter((c) => c.verdict === 'fail').length,
    unsupported: cases.filter((c) => c.verdict === 'unsupported').length,
  };
  return { cases, summary, brokenSuites: broken };
}

export { isObject };
