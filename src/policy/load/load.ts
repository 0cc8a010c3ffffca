// Loads Kyverno ClusterPolicy/Policy, Kyverno CEL policies (ValidatingPolicy,
// ImageValidatingPolicy), Kubernetes ValidatingAdmissionPolicy (+ bindings) and
// PolicyExceptions from YAML. Rules are expanded with pod-controller autogen. Constructs Bosun does
// not evaluate are named (policy, rule, field); in strict mode they are a POLICY_UNSUPPORTED error.
import { BosunError } from '../../util/errors.ts';
import { asArray, asObject, asString, isObject, type JsonObject } from '../common/json.ts';
import type { FailureAction, RuleType } from '../types.ts';
import { autogenControllers, autogenRules } from '../kyverno/autogen.ts';
import { prepareKyvernoPolicy } from '../kyverno/policy-plan.ts';
import { parseYamlDocuments, type YamlLimits } from './yaml.ts';
import type {
  AdmissionPolicy,
  KyvernoPolicy,
  KyvernoRule,
  LoadedPolicies,
  LoadedPolicy,
  UnsupportedConstruct,
} from './types.ts';

export interface PolicySource {
  /** Name used in errors (a file path). */
  readonly name: string;
  readonly text: string;
}

export interface LoadOptions extends YamlLimits {
  /** Throw POLICY_UNSUPPORTED on the first construct Bosun cannot evaluate (default true). */
  readonly strict?: boolean;
  /** Maximum number of policies (default 100,000). */
  readonly maxPolicies?: number;
}

const UNSUPPORTED_KINDS = new Set([
  'MutatingPolicy',
  'NamespacedMutatingPolicy',
  'GeneratingPolicy',
  'NamespacedGeneratingPolicy',
  'DeletingPolicy',
  'NamespacedDeletingPolicy',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'CleanupPolicy',
  'ClusterCleanupPolicy',
]);

function normaliseAction(value: unknown): FailureAction | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.toLowerCase();
  if (v === 'enforce') return 'Enforce';
  if (v === 'audit') return 'Audit';
  return undefined;
}

function ruleType(raw: JsonObject): RuleType {
  if (isObject(raw['validate'])) return 'validate';
  if (Array.isArray(raw['verifyImages'])) return 'verifyImages';
  if (isObject(raw['mutate'])) return 'mutate';
  if (isObject(raw['generate'])) return 'generate';
  return 'validate';
}

function unsupportedField(raw: JsonObject): [string, string] | undefined {
  if (isObject(raw['mutate'])) return ['mutate', 'mutation rules are not evaluated by Bosun'];
  if (isObject(raw['generate'])) return ['generate', 'generate rules are not evaluated by Bosun'];
  const validate = asObject(raw['validate']);
  if (isObject(validate['podSecurity']))
    return ['validate.podSecurity', 'Pod Security Standards checks are not implemented'];
  if (isObject(validate['manifests']))
    return ['validate.manifests', 'manifest signature checks are not implemented'];
  if (isObject(validate['assert']))
    return ['validate.assert', 'kyverno-json assertion trees are not implemented'];
  const cel = asObject(validate['cel']);
  if (isObject(cel['paramKind']) || isObject(cel['paramRef']))
    return ['validate.cel.paramKind', 'CEL parameters are not supported'];
  for (const [i, vi] of asArray(raw['verifyImages']).entries()) {
    const type = asString(asObject(vi)['type']) ?? 'Cosign';
    if (type !== 'Cosign' && type !== 'SigstoreBundle')
      return [`verifyImages[${i}].type`, `${type} verification is not supported`];
  }
  return undefined;
}

function loadKyverno(doc: JsonObject, issues: UnsupportedConstruct[]): KyvernoPolicy {
  const meta = asObject(doc['metadata']);
  const spec = asObject(doc['spec']);
  const name = asString(meta['name']) ?? '';
  if (name === '') throw new BosunError('POLICY_INVALID', `${String(doc['kind'])} without metadata.name`);
  const apiKind = doc['kind'] === 'Policy' ? 'Policy' : 'ClusterPolicy';
  const policyAction =
    normaliseAction(spec['validationFailureAction']) ?? normaliseAction(spec['failureAction']) ?? 'Audit';
  const controllers = autogenControllers(doc);
  const rules: KyvernoRule[] = [];
  const rawRules = asArray(spec['rules']);
  for (const r of rawRules) {
    const raw = asObject(r);
    const ruleName = asString(raw['name']) ?? '';
    const validateAction = normaliseAction(asObject(raw['validate'])['failureAction']);
    const viAction = normaliseAction(asObject(asArray(raw['verifyImages'])[0])['failureAction']);
    const action = validateAction ?? viAction ?? policyAction;
    const bad = unsupportedField(raw);
    const unsupported =
      bad === undefined ? undefined : `policy ${name}, rule ${ruleName}, field ${bad[0]}: ${bad[1]}`;
    if (bad !== undefined) issues.push({ policy: name, rule: ruleName, field: bad[0], reason: bad[1] });
    const type = ruleType(raw);
    rules.push({ name: ruleName, type, raw, action, ...(unsupported === undefined ? {} : { unsupported }) });
    for (const gen of autogenRules(raw, controllers)) {
      rules.push({
        name: asString(gen['name']) ?? '',
        type,
        raw: gen,
        action,
        autogenFrom: ruleName,
        ...(unsupported === undefined ? {} : { unsupported }),
      });
    }
  }
  const scored = asString(asObject(meta['annotations'])['policies.kyverno.io/scored']) !== 'false';
  const ns = asString(meta['namespace']);
  const policy: KyvernoPolicy = {
    kind: 'kyverno',
    apiKind,
    name,
    ...(apiKind === 'Policy' ? { namespace: ns ?? 'default' } : {}),
    raw: doc,
    rules,
    scored,
    applyOne: spec['applyRules'] === 'One',
  };
  prepareKyvernoPolicy(policy);
  return policy;
}

/** Loads policy documents already parsed from YAML. */
export function loadPolicyDocuments(docs: readonly JsonObject[], options: LoadOptions = {}): LoadedPolicies {
  const policies: LoadedPolicy[] = [];
  const exceptions: JsonObject[] = [];
  const issues: UnsupportedConstruct[] = [];
  const others: JsonObject[] = [];
  const bindings: JsonObject[] = [];
  const maxPolicies = options.maxPolicies ?? 100_000;
  for (const doc of docs) {
    const kind = asString(doc['kind']) ?? '';
    const apiVersion = asString(doc['apiVersion']) ?? '';
    const meta = asObject(doc['metadata']);
    const name = asString(meta['name']) ?? '';
    if (policies.length >= maxPolicies) {
      throw new BosunError('LIMIT_EXCEEDED', `more than ${maxPolicies} policies`, {
        details: { limit: 'policies', max: maxPolicies },
      });
    }
    if ((kind === 'ClusterPolicy' || kind === 'Policy') && apiVersion.startsWith('kyverno.io/')) {
      policies.push(loadKyverno(doc, issues));
    } else if (
      (kind === 'ValidatingPolicy' || kind === 'NamespacedValidatingPolicy') &&
      apiVersion.startsWith('policies.kyverno.io/')
    ) {
      policies.push({
        kind: 'validating-policy',
        apiKind: kind,
        name,
        ...(kind.startsWith('Namespaced') ? { namespace: asString(meta['namespace']) ?? 'default' } : {}),
        raw: doc,
      });
    } else if (
      (kind === 'ImageValidatingPolicy' || kind === 'NamespacedImageValidatingPolicy') &&
      apiVersion.startsWith('policies.kyverno.io/')
    ) {
      policies.push({
        kind: 'image-validating-policy',
        apiKind: kind,
        name,
        ...(kind.startsWith('Namespaced') ? { namespace: asString(meta['namespace']) ?? 'default' } : {}),
        raw: doc,
      });
    } else if (
      kind === 'ValidatingAdmissionPolicy' &&
      apiVersion.startsWith('admissionregistration.k8s.io/')
    ) {
      const vap: AdmissionPolicy = {
        kind: 'vap',
        apiKind: 'ValidatingAdmissionPolicy',
        name,
        raw: doc,
        bindings: [],
      };
      policies.push(vap);
    } else if (
      kind === 'ValidatingAdmissionPolicyBinding' &&
      apiVersion.startsWith('admissionregistration.k8s.io/')
    ) {
      bindings.push(doc);
    } else if (
      kind === 'PolicyException' &&
      (apiVersion.startsWith('kyverno.io/') || apiVersion.startsWith('policies.kyverno.io/'))
    ) {
      exceptions.push(doc);
    } else if (
      UNSUPPORTED_KINDS.has(kind) &&
      (apiVersion.startsWith('policies.kyverno.io/') ||
        apiVersion.startsWith('admissionregistration.k8s.io/') ||
        apiVersion.startsWith('kyverno.io/'))
    ) {
      const reason = `${kind} is not evaluated by Bosun`;
      issues.push({ policy: name, field: 'kind', reason });
      if (kind !== 'MutatingAdmissionPolicyBinding')
        policies.push({
          kind: 'unsupported',
          apiKind: kind,
          name,
          raw: doc,
          unsupported: `policy ${name}: ${reason}`,
        });
    } else {
      others.push(doc);
    }
  }
  // Attach bindings to their policies.
  const withBindings = policies.map((p) => {
    if (p.kind !== 'vap') return p;
    const own = bindings.filter((b) => asObject(b['spec'])['policyName'] === p.name);
    return { ...p, bindings: own };
  });
  if (options.strict !== false && issues.length > 0) {
    const first = issues[0]!;
    throw new BosunError(
      'POLICY_UNSUPPORTED',
      `policy ${first.policy}${first.rule === undefined ? '' : `, rule ${first.rule}`}, field ${first.field}: ${first.reason}`,
      { details: { policy: first.policy, rule: first.rule, field: first.field } },
    );
  }
  return { policies: withBindings, exceptions, unsupported: issues, others };
}

/**
 * Loads policies from YAML texts (multi-document). Strict by default: a construct Bosun does not
 * evaluate is a POLICY_UNSUPPORTED error naming the policy, rule and field.
 */
export function loadPolicies(
  sources: readonly (PolicySource | string)[],
  options: LoadOptions = {},
): LoadedPolicies {
  const docs: JsonObject[] = [];
  sources.forEach((s, i) => {
    const src = typeof s === 'string' ? { name: `input ${i + 1}`, text: s } : s;
    docs.push(...parseYamlDocuments(src.text, src.name, options));
  });
  return loadPolicyDocuments(docs, options);
}
