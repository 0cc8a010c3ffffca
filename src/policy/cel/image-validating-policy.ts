// Kyverno ImageValidatingPolicy: matchImageReferences, attestors, attestations, validations with
// verifyImageSignatures / verifyAttestationSignatures / extractPayload, through ImageFacts.
import type { JsonObject } from '../common/json.ts';
import type { EvaluationOptions } from '../evaluation.ts';
import type { CelPolicy } from '../load/types.ts';
import type { PolicyResponse } from '../types.ts';
import { response } from './validating-policy.ts';

export async function applyImageValidatingPolicy(
  policy: CelPolicy,
  options: EvaluationOptions,
  _exceptions: readonly JsonObject[],
): Promise<PolicyResponse> {
  const msg = `policy ${policy.name}: ImageValidatingPolicy evaluation is not implemented yet`;
  return response(policy, options.resource, [
    { rule: policy.name, type: 'cel', status: 'error', message: msg, action: 'Audit', unsupported: msg },
  ]);
}
