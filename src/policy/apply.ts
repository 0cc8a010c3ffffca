// Applies loaded policies to resources: one PolicyResponse per (policy, resource) pair. Policies
// that need no I/O are evaluated without awaiting (one microtask per policy adds up at admission
// rates); the others go through their async evaluation.
import type { JsonObject } from './common/json.ts';
import type { EvaluationOptions } from './evaluation.ts';
import type { LoadedPolicies, LoadedPolicy } from './load/types.ts';
import type { PolicyResponse } from './types.ts';
import { applyKyvernoPolicy, applyKyvernoPolicySync } from './kyverno/engine.ts';
import { findKyvernoException } from './exceptions.ts';
import { applyValidatingPolicySync } from './cel/validating-policy.ts';
import { applyImageValidatingPolicy } from './cel/image-validating-policy.ts';
import { applyAdmissionPolicySync } from './cel/admission-policy.ts';
import { withRequestMemo } from './request-memo.ts';

export type ApplyOptions = Omit<EvaluationOptions, 'resource'> & {
  /** PolicyExceptions (Kyverno and CEL) to honour. */
  readonly exceptions?: readonly JsonObject[];
};

/** The options of one request: a fresh object each call, with the memo its policies share. */
function evaluationOptions(resource: JsonObject, options: ApplyOptions): EvaluationOptions {
  const exceptions = options.exceptions ?? [];
  return withRequestMemo({
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
  });
}

/** The response when it can be computed without awaiting, else undefined. */
function applySync(
  policy: LoadedPolicy,
  eval_: EvaluationOptions,
  exceptions: readonly JsonObject[],
): PolicyResponse | undefined {
  switch (policy.kind) {
    case 'kyverno':
      return applyKyvernoPolicySync(policy, eval_);
    case 'validating-policy':
      return applyValidatingPolicySync(policy, eval_, exceptions);
    case 'image-validating-policy':
      return undefined;
    case 'vap':
      return applyAdmissionPolicySync(policy, eval_);
    case 'unsupported':
      return {
        policy: policy.name,
        policyKey: policy.namespace === undefined ? policy.name : `${policy.namespace}/${policy.name}`,
        policyKind: policy.apiKind,
        resource: eval_.resource,
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

async function applyEvaluation(
  policy: LoadedPolicy,
  eval_: EvaluationOptions,
  exceptions: readonly JsonObject[],
): Promise<PolicyResponse> {
  const sync = applySync(policy, eval_, exceptions);
  if (sync !== undefined) return sync;
  switch (policy.kind) {
    case 'kyverno':
      return applyKyvernoPolicy(policy, eval_);
    case 'image-validating-policy':
      return applyImageValidatingPolicy(policy, eval_, exceptions);
    default:
      throw new Error(`policy kind ${policy.kind} has no asynchronous evaluation`);
  }
}

/** Evaluates one policy on one resource. */
export async function applyPolicy(
  policy: LoadedPolicy,
  resource: JsonObject,
  options: ApplyOptions = {},
): Promise<PolicyResponse> {
  return applyEvaluation(policy, evaluationOptions(resource, options), options.exceptions ?? []);
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
  const withExceptions: ApplyOptions = { ...options, exceptions };
  const perResource = resources.map((r) => evaluationOptions(r, withExceptions));
  const out: PolicyResponse[] = [];
  for (const p of list) {
    for (const eval_ of perResource) {
      options.signal?.throwIfAborted();
      out.push(applySync(p, eval_, exceptions) ?? (await applyEvaluation(p, eval_, exceptions)));
    }
  }
  return out;
}
