import type { JsonObject } from '../common/json.ts';
import type { EvaluationOptions } from '../evaluation.ts';
import type { RuleOutcome } from '../kyverno/engine.ts';

export async function evaluateKyvernoCel(
  _cel: JsonObject,
  _data: JsonObject,
  _options: EvaluationOptions,
): Promise<RuleOutcome> {
  return { status: 'error', message: 'validate.cel not implemented yet', unsupported: 'validate.cel' };
}
