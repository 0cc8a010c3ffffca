// Applies loaded policies to resources: one PolicyResponse per (policy, resource) pair.
import type { JsonObject } from './common/json.ts';
import type { EvaluationOptions } from './evaluation.ts';
import type { LoadedPolicies, LoadedPolicy } from './load/types.ts';
import type { PolicyResponse } from './types.ts';
import { applyKyvernoPolicy } from './kyverno/engine.ts';
import { findKyvernoException } from './exceptions.ts';
import { applyValidatingPolicy } from './cel/validating-policy.ts';
import { applyImageValidatingPolicy } from './cel/image-validating-policy.ts';
import { applyAdmissionPolicy } from './cel/admission-policy.ts';

export type ApplyOptions = Omit<EvaluationOptions, 'resource'> & {
  /** PolicyExceptions (Kyverno and CEL) to honour. */
  readonly exceptions?: readonly JsonObject[];
};

/** Evaluates one policy on one resource. */
export async function applyPolicy(
  policy: LoadedPolicy,
  resource: JsonObject,
  options: ApplyOptions = {},
): Promise<PolicyResponse> {
  const exceptions = options.exceptions ?? [];
  const eval_: EvaluationOptions = {
    ...options,
    resource,
    ...(options.exceptionFor === undefined && exceptions.length > 0
      ? {
          exceptionFor: (p, rule, res, data) =>
            findKyvernoException(
              exceptions,
              p,
              rule,
              {
                resource: res,
                operation: options.operation ?? 'CREATE',
                ...(options.namespaceLabels === undefined
                  ? {}
                  : { namespaceLabels: options.namespaceLabels }),
              },
              data,
            ),
        }
      : {}),
  };
  switch (policy.kind) {
    case 'kyverno':
      return applyKyvernoPolicy(policy, eval_);
    case 'validating-policy':
      return applyValidatingPolicy(policy, eval_, exceptions);
    case 'image-validating-policy':
      return applyImageValidatingPolicy(policy, eval_, exceptions);
    case 'vap':
      return applyAdmissionPolicy(policy, eval_);
    case 'unsupported':
      return {
        policy: policy.name,
        policyKey: policy.namespace === undefined ? policy.name : `${policy.namespace}/${policy.name}`,
        policyKind: policy.apiKind,
        resource,
        rules: [
          {
            rule: policy.name,
            type: 'validate',
            status: 'error',
            message: policy.unsupported,
            action: 'Audit',
            unsupported: policy.unsupported,
          },
        ],
      };
  }
}

/** Evaluates every policy on every resource (responses in policy-major order). */
export async function applyPolicies(
  policies: LoadedPolicies | readonly LoadedPolicy[],
  resources: readonly JsonObject[],
  options: ApplyOptions = {},
): Promise<PolicyResponse[]> {
  const list = Array.isArray(policies)
    ? (policies as readonly LoadedPolicy[])
    : (policies as LoadedPolicies).policies;
  const exceptions =
    options.exceptions ?? (Array.isArray(policies) ? [] : (policies as LoadedPolicies).exceptions);
  const out: PolicyResponse[] = [];
  for (const p of list) {
    for (const r of resources) {
      options.signal?.throwIfAborted();
      out.push(await applyPolicy(p, r, { ...options, exceptions }));
    }
  }
  return out;
}
