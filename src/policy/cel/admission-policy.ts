import type { EvaluationOptions } from '../evaluation.ts';
import type { AdmissionPolicy } from '../load/types.ts';
import type { PolicyResponse } from '../types.ts';

export async function applyAdmissionPolicy(
  policy: AdmissionPolicy,
  options: EvaluationOptions,
): Promise<PolicyResponse> {
  return {
    policy: policy.name,
    policyKey: policy.name,
    policyKind: policy.apiKind,
    resource: options.resource,
    rules: [
      {
        rule: policy.name,
        type: 'vap',
        status: 'error',
        message: 'not yet',
        action: 'Audit',
        unsupported: 'ValidatingAdmissionPolicy not implemented yet',
      },
    ],
  };
}
