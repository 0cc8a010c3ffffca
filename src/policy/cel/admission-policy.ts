// Kubernetes ValidatingAdmissionPolicy with its bindings. Without a binding the policy's own
// matchConstraints decide (as `kyverno test` does); with bindings, a resource no binding selects
// is skipped. Parameters (paramKind) are not supported.
import { asArray, asObject, isObject } from '../common/json.ts';
import type { EvaluationOptions } from '../evaluation.ts';
import type { AdmissionPolicy, CelPolicy } from '../load/types.ts';
import type { FailureAction, PolicyResponse } from '../types.ts';
import { matchResourcesMatches } from './match-constraints.ts';
import { buildActivation, checkMatchConditions, runValidations, withVariables } from './validations.ts';
import { outcomeToRule, response } from './validating-policy.ts';
import { requestMemo } from '../request-memo.ts';

export async function applyAdmissionPolicy(
  policy: AdmissionPolicy,
  options: EvaluationOptions,
): Promise<PolicyResponse> {
  return applyAdmissionPolicySync(policy, options);
}

export function applyAdmissionPolicySync(
  policy: AdmissionPolicy,
  options: EvaluationOptions,
): PolicyResponse {
  const spec = asObject(policy.raw['spec']);
  const asCel: CelPolicy = {
    kind: 'validating-policy',
    apiKind: policy.apiKind,
    name: policy.name,
    raw: policy.raw,
  };
  const facts = {
    resource: options.resource,
    operation: options.operation ?? 'CREATE',
    ...(options.namespaceLabels === undefined ? {} : { namespaceLabels: options.namespaceLabels }),
  };
  if (
    !matchResourcesMatches(isObject(spec['matchConstraints']) ? spec['matchConstraints'] : undefined, facts)
  )
    return response(asCel, options.resource, []);
  let action: FailureAction = 'Enforce';
  if (policy.bindings.length > 0) {
    const binding = policy.bindings.find((b) => {
      const bs = asObject(b['spec']);
      return matchResourcesMatches(isObject(bs['matchResources']) ? bs['matchResources'] : undefined, facts);
    });
    if (binding === undefined)
      return response(asCel, options.resource, [
        {
          rule: policy.name,
          type: 'vap',
          status: 'skip',
          message: 'no binding selects the resource',
          action,
        },
      ]);
    const bspec = asObject(binding['spec']);
    if (isObject(bspec['paramRef'])) {
      const msg = `policy ${policy.name}: binding paramRef is not supported`;
      return response(asCel, options.resource, [
        { rule: policy.name, type: 'vap', status: 'error', message: msg, action, unsupported: msg },
      ]);
    }
    action = asArray(bspec['validationActions']).map(String).includes('Deny') ? 'Enforce' : 'Audit';
  }
  if (isObject(spec['paramKind'])) {
    const msg = `policy ${policy.name}: paramKind is not supported`;
    return response(asCel, options.resource, [
      { rule: policy.name, type: 'vap', status: 'error', message: msg, action, unsupported: msg },
    ]);
  }
  const activation = withVariables(
    buildActivation(options),
    asArray(spec['variables']),
    requestMemo(options),
  );
  const mc = checkMatchConditions(asArray(spec['matchConditions']), activation);
  if (mc !== undefined) return response(asCel, options.resource, outcomeToRule(asCel, mc, action));
  const r = runValidations(asArray(spec['validations']), activation);
  return response(
    asCel,
    options.resource,
    outcomeToRule(asCel, r, action).map((x) => ({ ...x, type: 'vap' as const })),
  );
}
