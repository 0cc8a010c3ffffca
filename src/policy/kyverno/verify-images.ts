import type { JsonObject } from '../common/json.ts';
import type { KyvernoRule } from '../load/types.ts';
import type { EvaluationOptions } from '../evaluation.ts';
import type { RuleOutcome } from './engine.ts';

export async function verifyImagesRule(
  _rule: KyvernoRule,
  _data: JsonObject,
  _resource: JsonObject,
  _options: EvaluationOptions,
): Promise<RuleOutcome> {
  return { status: 'error', message: 'verifyImages not implemented yet', unsupported: 'verifyImages' };
}
