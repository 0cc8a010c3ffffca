// The validate part of a Kyverno rule once its context and preconditions hold: celPreconditions,
// validate.cel, pattern, anyPattern, deny and foreach (nested, with element scope).
import { asArray, asObject, asString, isObject, type JsonObject, type JsonValue } from '../common/json.ts';
import type { KyvernoRule } from '../load/types.ts';
import type { EvaluationOptions } from '../evaluation.ts';
import { applyValues } from './context.ts';
import { evaluateConditions } from './conditions.ts';
import { matchPattern } from './pattern.ts';
import { queryJmesPath } from './jmespath.ts';
import { substituteAll, substituteString } from './variables.ts';
import { evaluateKyvernoCelSync } from '../cel/kyverno-cel.ts';
import { buildActivation, checkMatchConditions } from '../cel/validations.ts';
import { UnsupportedError, type RuleOutcome } from './rule-outcome.ts';
import { loadContextSync } from './context-entries.ts';

/** The validate part of a rule, after its context and preconditions. */
export function validateOutcome(
  rule: KyvernoRule,
  data: JsonObject,
  options: EvaluationOptions,
): RuleOutcome {
  const validate = asObject(rule.raw['validate']);
  const celPre = rule.raw['celPreconditions'];
  if (Array.isArray(celPre) && celPre.length > 0) {
    const mc = checkMatchConditions(celPre, buildActivation(options));
    if (mc !== undefined) {
      if (mc.status === 'no-match') return { status: 'skip', message: 'cel preconditions not met', data };
      return { status: 'error', message: mc.message, data };
    }
  }
  const outcome = isObject(validate['cel'])
    ? evaluateKyvernoCelSync(validate['cel'], data, options)
    : validateRule(rule, validate, data, options);
  // The variables document is only needed to look up exceptions.
  return options.exceptionFor === undefined ? outcome : withData(outcome, data);
}

/** The outcome with the variables document the rule saw. */
function withData(outcome: RuleOutcome, data: JsonObject): RuleOutcome {
  if (outcome.unsupported === undefined && outcome.patched === undefined && outcome.patches === undefined)
    return outcome.data === undefined
      ? { status: outcome.status, message: outcome.message, data }
      : { ...outcome, data };
  return { ...outcome, data };
}

const passOutcomes = new WeakMap<KyvernoRule, RuleOutcome>();

/** `validation rule '<name>' passed.` (one shared, read-only outcome per rule). */
function passed(rule: KyvernoRule): RuleOutcome {
  let outcome = passOutcomes.get(rule);
  if (outcome === undefined) {
    outcome = { status: 'pass', message: `validation rule '${rule.name}' passed.` };
    passOutcomes.set(rule, outcome);
  }
  return outcome;
}

function validationTarget(data: JsonObject): JsonValue {
  const request = asObject(data['request']);
  if (request['operation'] === 'DELETE') return request['oldObject'] ?? null;
  return request['object'] ?? null;
}

function failMessage(validate: JsonObject, data: JsonObject, rule: KyvernoRule, detail?: string): string {
  const raw = asString(validate['message']);
  let msg = '';
  if (raw !== undefined) {
    try {
      const s = substituteString(raw, data, '/message/');
      msg = typeof s === 'string' ? s : JSON.stringify(s);
    } catch {
      msg = raw;
    }
  }
  return detail === undefined ? msg : `validation error: ${msg}. rule ${rule.name} ${detail}`;
}

function validateRule(
  rule: KyvernoRule,
  validate: JsonObject,
  data: JsonObject,
  options: EvaluationOptions,
): RuleOutcome {
  if (Array.isArray(validate['foreach'])) {
    return validateForeach(rule, validate, asArray(validate['foreach']), data, options, 0);
  }
  return validateElement(rule, validate, validate, data, validationTarget(data));
}

/** pattern / anyPattern / deny on a target (the resource, or a foreach element). */
function validateElement(
  rule: KyvernoRule,
  validate: JsonObject,
  block: JsonObject,
  data: JsonObject,
  target: JsonValue,
): RuleOutcome {
  if (block['pattern'] !== undefined) {
    const pattern = substituteAll(block['pattern'], data, '/pattern/');
    const r = matchPattern(target, pattern, pattern === block['pattern']);
    if (r.status === 'pass') return passed(rule);
    if (r.status === 'skip') return { status: 'skip', message: `rule skipped: ${r.message}` };
    return { status: 'fail', message: failMessage(validate, data, rule, `failed at path ${r.path}`) };
  }
  if (Array.isArray(block['anyPattern'])) {
    const patterns = block['anyPattern'];
    let skips = 0;
    const failures: string[] = [];
    for (let i = 0; i < patterns.length; i++) {
      const pattern = substituteAll(patterns[i]!, data, `/anyPattern/${i}/`);
      const r = matchPattern(target, pattern, pattern === patterns[i]);
      if (r.status === 'pass')
        return { status: 'pass', message: `validation rule '${rule.name}' anyPattern[${i}] passed.` };
      if (r.status === 'skip') skips++;
      else failures.push(`rule ${rule.name}[${i}] failed at path ${r.path}`);
    }
    if (skips === patterns.length) return { status: 'skip', message: 'rule skipped' };
    return {
      status: 'fail',
      message: `validation error: ${failMessage(validate, data, rule)}. ${failures.join(' ')}`,
    };
  }
  if (isObject(block['deny'])) {
    const deny = evaluateConditions(asObject(block['deny'])['conditions'], data);
    if (deny.result) return { status: 'fail', message: failMessage(validate, data, rule) };
    return passed(rule);
  }
  if (block['deny'] === null) return { status: 'fail', message: failMessage(validate, data, rule) };
  throw new UnsupportedError(`rule ${rule.name}: validate has no pattern, anyPattern, deny, foreach or cel`);
}

function validateForeach(
  rule: KyvernoRule,
  validate: JsonObject,
  foreachList: JsonValue[],
  data: JsonObject,
  options: EvaluationOptions,
  depth: number,
): RuleOutcome {
  let applied = 0;
  for (const fe of foreachList) {
    const foreach = asObject(fe);
    const listExpr = asString(foreach['list']) ?? '';
    const expr = substituteString(listExpr, data, '/foreach/list/');
    const listValue: JsonValue = typeof expr === 'string' ? queryJmesPath(data, expr) : expr;
    if (listValue === null) continue;
    const elements = Array.isArray(listValue)
      ? listValue
      : isObject(listValue)
        ? Object.values(listValue)
        : [listValue];
    for (let i = 0; i < elements.length; i++) {
      const element = elements[i]!;
      // Same keys, in the same order, as setting element, elementIndex, element<depth> and
      // elementIndex<depth> one after the other (literal keys keep the copy on V8's fast path).
      let d: JsonObject;
      if (depth === 0) d = { ...data, element, elementIndex: i, element0: element, elementIndex0: i };
      else {
        d = { ...data, element, elementIndex: i };
        d[`element${depth}`] = element;
        d[`elementIndex${depth}`] = i;
      }
      d = applyValues(d, options.foreachValuesFor?.(rule.name, i));
      let outcome: RuleOutcome;
      try {
        if (Array.isArray(foreach['context'])) d = loadContextSync(foreach['context'], d);
        const pre = evaluateConditions(foreach['preconditions'], d);
        if (!pre.result) continue;
        if (Array.isArray(foreach['foreach'])) {
          outcome = validateForeach(rule, validate, foreach['foreach'], d, options, depth + 1);
        } else {
          const scope = foreach['elementScope'];
          if (scope === true && !isObject(element)) {
            throw new Error('cannot use elementScope=true foreach rules for elements that are not maps');
          }
          const target =
            scope === false
              ? validationTarget(d)
              : isObject(element) || scope === true
                ? element
                : validationTarget(d);
          outcome = validateElement(rule, validate, foreach, d, target);
        }
      } catch (e) {
        if (e instanceof UnsupportedError || (e as Error).message.includes('is not supported by Bosun'))
          throw e;
        outcome = { status: 'error', message: (e as Error).message };
      }
      // Kyverno ignores an element's error unless it is the last element of the list.
      if (outcome.status === 'error' && i < elements.length - 1) continue;
      if (outcome.status === 'fail')
        return { ...outcome, message: failMessage(validate, d, rule) || outcome.message };
      if (outcome.status === 'error') return outcome;
      if (outcome.status === 'pass') applied++;
    }
  }
  if (applied === 0) return { status: 'skip', message: 'rule skipped' };
  return passed(rule);
}
