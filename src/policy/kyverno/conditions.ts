// Condition blocks (preconditions, deny.conditions, foreach preconditions): a list (all must
// hold) or `{any, all}`. Keys and values are substituted before the operator runs.
import { asArray, asObject, isObject, type JsonObject, type JsonValue } from '../common/json.ts';
import { evaluateOperator, isConditionOperator } from './operators.ts';
import { substituteAll } from './variables.ts';

export interface ConditionOutcome {
  readonly result: boolean;
  /** Message of the first condition that decided the outcome, when it has one. */
  readonly message?: string;
}

export class ConditionError extends Error {}

function evaluateOne(cond: JsonObject, data: JsonObject): boolean {
  const op = String(cond['operator'] ?? '');
  if (!isConditionOperator(op)) throw new ConditionError(`unknown condition operator ${op}`);
  const key = substituteAll(cond['key'] ?? null, data, '/key/');
  const value = substituteAll(cond['value'] ?? null, data, '/value/');
  return evaluateOperator(op, key, value);
}

const HOLDS: ConditionOutcome = { result: true };
const FAILS: ConditionOutcome = { result: false };

/** Evaluates a conditions block; an absent or empty block holds. */
export function evaluateConditions(block: JsonValue | undefined, data: JsonObject): ConditionOutcome {
  if (block === undefined || block === null) return HOLDS;
  if (Array.isArray(block)) {
    for (const c of block) {
      if (!evaluateOne(asObject(c), data)) return failed(messageOf(c).message);
    }
    return HOLDS;
  }
  if (!isObject(block)) throw new ConditionError('conditions must be a list or {any, all}');
  const any = asArray(block['any']);
  const all = asArray(block['all']);
  let anyMessage: string | undefined;
  if (any.length > 0) {
    let ok = false;
    for (const c of any) {
      if (evaluateOne(asObject(c), data)) {
        ok = true;
        break;
      }
      anyMessage ??= messageOf(c).message;
    }
    if (!ok) return failed(anyMessage);
  }
  for (const c of all) {
    if (!evaluateOne(asObject(c), data)) return failed(messageOf(c).message);
  }
  return HOLDS;
}

function failed(message: string | undefined): ConditionOutcome {
  return message === undefined ? FAILS : { result: false, message };
}

function messageOf(c: JsonValue): { message?: string } {
  const m = asObject(c)['message'];
  return typeof m === 'string' ? { message: m } : {};
}
