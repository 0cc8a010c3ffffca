// validate.cel inside a Kyverno ClusterPolicy rule: CEL expressions (+ variables) on the resource.
import { asArray, type JsonObject } from '../common/json.ts';
import type { EvaluationOptions } from '../evaluation.ts';
import type { RuleOutcome } from '../kyverno/engine.ts';
import { buildActivation, runValidations, withVariables } from './validations.ts';
import { requestMemo } from '../request-memo.ts';

export async function evaluateKyvernoCel(
  cel: JsonObject,
  data: JsonObject,
  options: EvaluationOptions,
): Promise<RuleOutcome> {
  return evaluateKyvernoCelSync(cel, data, options);
}

export function evaluateKyvernoCelSync(
  cel: JsonObject,
  _data: JsonObject,
  options: EvaluationOptions,
): RuleOutcome {
  const activation = withVariables(buildActivation(options), asArray(cel['variables']), requestMemo(options));
  const r = runValidations(asArray(cel['expressions']), activation);
  if (r.status === 'no-match') return { status: 'skip', message: r.message };
  if (r.unsupported === undefined) return { status: r.status, message: r.message };
  return { status: r.status, message: r.message, unsupported: r.unsupported };
}
