// Kyverno ValidatingPolicy (policies.kyverno.io): matchConstraints, matchConditions, variables,
// validations; CEL PolicyExceptions; pod-controller autogen (spec.autogen.podControllers).
import { asArray, asObject, asString, isObject, type JsonObject, type JsonValue } from '../common/json.ts';
import type { EvaluationOptions } from '../evaluation.ts';
import type { CelPolicy } from '../load/types.ts';
import type { FailureAction, PolicyResponse, RuleResult } from '../types.ts';
import { matchResourcesMatches } from './match-constraints.ts';
import {
  buildActivation,
  checkMatchConditions,
  runValidations,
  withVariables,
  type CelOutcome,
} from './validations.ts';
import { evaluateCel } from './env.ts';
import { podSpecPaths } from '../kyverno/images.ts';
import { requestMemo } from '../request-memo.ts';

export function celAction(spec: JsonObject): FailureAction {
  const actions = asArray(spec['validationActions']).map(String);
  return actions.includes('Deny') ? 'Enforce' : 'Audit';
}

/** Name of a CEL PolicyException that applies, if any. */
export function findCelException(
  exceptions: readonly JsonObject[],
  policy: CelPolicy,
  activation: Record<string, unknown>,
): string | undefined {
  for (const ex of exceptions) {
    if (!(asString(ex['apiVersion']) ?? '').startsWith('policies.kyverno.io/')) continue;
    const spec = asObject(ex['spec']);
    const refs = asArray(spec['policyRefs']).map(asObject);
    if (
      !refs.some(
        (r) => r['name'] === policy.name && (r['kind'] === undefined || r['kind'] === policy.apiKind),
      )
    )
      continue;
    let ok = true;
    for (const c of asArray(spec['matchConditions'])) {
      try {
        if (evaluateCel(asString(asObject(c)['expression']) ?? 'true', activation) !== true) ok = false;
      } catch {
        ok = false;
      }
      if (!ok) break;
    }
    if (ok) return asString(asObject(ex['metadata'])['name']) ?? '';
  }
  return undefined;
}

/** For pod-controller autogen: the Pod a controller's template describes. */
export function podFromController(resource: JsonObject): JsonObject | undefined {
  const kind = asString(resource['kind']) ?? '';
  if (kind === 'Pod') return undefined;
  let tmpl: JsonValue | undefined = resource;
  const path = podSpecPaths(kind)[0]!.slice(0, -1);
  for (const p of path) tmpl = asObject(tmpl)[p];
  if (!isObject(tmpl) || !isObject(tmpl['spec'])) return undefined;
  const meta = asObject(resource['metadata']);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...asObject(tmpl['metadata']),
      ...(meta['namespace'] === undefined ? {} : { namespace: meta['namespace'] }),
      name: meta['name'] ?? '',
    },
    spec: tmpl['spec'],
  };
}

function autogenControllers(spec: JsonObject): string[] {
  return asArray(asObject(asObject(spec['autogen'])['podControllers'])['controllers']).map(String);
}

export function response(policy: CelPolicy, resource: JsonObject, rules: RuleResult[]): PolicyResponse {
  return {
    policy: policy.name,
    policyKey: policy.namespace === undefined ? policy.name : `${policy.namespace}/${policy.name}`,
    policyKind: policy.apiKind,
    resource,
    rules,
  };
}

export function outcomeToRule(
  policy: CelPolicy,
  r: CelOutcome,
  action: FailureAction,
  ruleName = policy.name,
): RuleResult[] {
  if (r.status === 'no-match')
    return [{ rule: ruleName, type: 'cel', status: 'skip', message: r.message, action }];
  return [
    {
      rule: ruleName,
      type: 'cel',
      status: r.status,
      message: r.message,
      action,
      ...(r.unsupported === undefined ? {} : { unsupported: r.unsupported }),
    },
  ];
}

export async function applyValidatingPolicy(
  policy: CelPolicy,
  options: EvaluationOptions,
  exceptions: readonly JsonObject[],
): Promise<PolicyResponse> {
  return applyValidatingPolicySync(policy, options, exceptions);
}

export function applyValidatingPolicySync(
  policy: CelPolicy,
  options: EvaluationOptions,
  exceptions: readonly JsonObject[],
): PolicyResponse {
  const spec = asObject(policy.raw['spec']);
  const action = celAction(spec);
  let target = options.resource;
  let ruleName = policy.name;
  const facts = {
    resource: target,
    operation: options.operation ?? 'CREATE',
    ...(options.namespaceLabels === undefined ? {} : { namespaceLabels: options.namespaceLabels }),
  };
  const constraints = isObject(spec['matchConstraints']) ? spec['matchConstraints'] : undefined;
  if (!matchResourcesMatches(constraints, facts)) {
    const controllers = autogenControllers(spec);
    const pod = controllers.includes(asString(target['kind']) ?? '') ? podFromController(target) : undefined;
    if (pod === undefined || !matchResourcesMatches(constraints, { ...facts, resource: pod }))
      return response(policy, options.resource, []);
    target = pod;
    ruleName = `autogen-${policy.name}`;
  }
  if (
    policy.namespace !== undefined &&
    asString(asObject(target['metadata'])['namespace']) !== policy.namespace
  )
    return response(policy, options.resource, []);
  // The request's own options (and memo) unless the policy sees the pod template of a controller.
  const opts = target === options.resource ? options : { ...options, resource: target };
  const activation = withVariables(buildActivation(opts), asArray(spec['variables']), requestMemo(opts));
  const mc = checkMatchConditions(asArray(spec['matchConditions']), activation);
  if (mc !== undefined)
    return response(policy, options.resource, outcomeToRule(policy, mc, action, ruleName));
  const ex = findCelException(exceptions, policy, activation);
  if (ex !== undefined) {
    return response(policy, options.resource, [
      {
        rule: ruleName,
        type: 'cel',
        status: 'skip',
        message: `rule skipped due to policy exception ${ex}`,
        action,
        exception: ex,
      },
    ]);
  }
  const r = runValidations(asArray(spec['validations']), activation);
  return response(policy, options.resource, outcomeToRule(policy, r, action, ruleName));
}
