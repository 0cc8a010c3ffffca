import type { JsonObject } from '../common/json.ts';
import type { EvaluationOptions } from '../evaluation.ts';
import type { CelPolicy } from '../load/types.ts';
import type { PolicyResponse } from '../types.ts';

export async function applyImageValidatingPolicy(
  policy: CelPolicy,
  options: EvaluationOptions,
  _exceptions: readonly JsonObject[],
): Promise<PolicyResponse> {
  return {
    policy: policy.name,
    policyKey: policy.name,
    policyKind: policy.apiKind,
    resource: options.resource,
    rules: [
      {
        rule: policy.name,
        type: 'cel',
        status: 'error',
        message: 'not yet',
        action: 'Audit',
        unsupported: 'ImageValidatingPolicy not implemented yet',
      },
    ],
  };
}
