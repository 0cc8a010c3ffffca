// Condition blocks (preconditions, deny.conditions, foreach preconditions): a list (all must
// hold) or `{any, all}`. Keys and values are substituted before the operator runs. A block of a
// policy is prepared once (operators checked, variable-free operands kept as they are, strings
// with variables parsed) and remembered by identity: loaded policies are never mutated.
import { asArray, asObject, isObject, type JsonObject, type JsonValue } from '../common/json.ts';
import { evaluateOperator, isConditionOperator } from './operators.ts';
import { hasVariables, prepareString, substituteAll, substitutePrepared } from './variables.ts';

export interface ConditionOutcome {
  readonly result: boolean;
  /** Message of the first condition that decided the outcome, when it has one. */
  readonly message?: string;
}

export class ConditionError extends Error {}

interface PreparedCondition {
  readonly holds: (data: JsonObject) => boolean;
  readonly message: string | undefined;
}

type PreparedBlock =
  | { readonly kind: 'list'; readonly all: readonly PreparedCondition[] }
  | {
      readonly kind: 'any-all';
      readonly any: readonly PreparedCondition[];
      readonly all: readonly PreparedCondition[];
    }
  | { readonly kind: 'invalid' };

const prepared = new WeakMap<object, PreparedBlock>();

type Operand = (data: JsonObject) => JsonValue;

function prepareOperand(value: JsonValue, path: string): Operand {
  if (!hasVariables(value)) return () => value;
  if (typeof value === 'string') {
    const text = prepareString(value);
    return (data) => substitutePrepared(text, data, path);
  }
  return (data) => substituteAll(value, data, path);
}

function prepareCondition(c: JsonValue): PreparedCondition {
  const cond = asObject(c);
  const m = cond['message'];
  const message = typeof m === 'string' ? m : undefined;
  const op = String(cond['operator'] ?? '');
  if (!isConditionOperator(op)) {
    return {
      message,
      holds: () => {
        throw new ConditionError(`unknown condition operator ${op}`);
      },
    };
  }
  const key = prepareOperand(cond['key'] ?? null, '/key/');
  const value = prepareOperand(cond['value'] ?? null, '/value/');
  return { message, holds: (data) => evaluateOperator(op, key(data), value(data)) };
}

function prepareBlock(block: object): PreparedBlock {
  let p = prepared.get(block);
  if (p === undefined) {
    if (Array.isArray(block)) p = { kind: 'list', all: block.map(prepareCondition) };
    else if (isObject(block))
      p = {
        kind: 'any-all',
        any: asArray(block['any']).map(prepareCondition),
        all: asArray(block['all']).map(prepareCondition),
      };
    else p = { kind: 'invalid' };
    prepared.set(block, p);
  }
  return p;
}

const HOLDS: ConditionOutcome = { result: true };
const FAILS: ConditionOutcome = { result: false };

/** Evaluates a conditions block; an absent or empty block holds. */
export function evaluateConditions(block: JsonValue | undefined, data: JsonObject): ConditionOutcome {
  if (block === undefined || block === null) return HOLDS;
  if (typeof block !== 'object') throw new ConditionError('conditions must be a list or {any, all}');
  const p = prepareBlock(block);
  if (p.kind === 'invalid') throw new ConditionError('conditions must be a list or {any, all}');
  if (p.kind === 'list') {
    for (const c of p.all) if (!c.holds(data)) return failed(c.message);
    return HOLDS;
  }
  if (p.any.length > 0) {
    let anyMessage: string | undefined;
    let ok = false;
    for (const c of p.any) {
      if (c.holds(data)) {
        ok = true;
        break;
      }
      anyMessage ??= c.message;
    }
    if (!ok) return failed(anyMessage);
  }
  for (const c of p.all) if (!c.holds(data)) return failed(c.message);
  return HOLDS;
}

function failed(message: string | undefined): ConditionOutcome {
  return message === undefined ? FAILS : { result: false, message };
}
