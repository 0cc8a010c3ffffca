// Applies one loaded Kyverno ClusterPolicy/Policy to one resource: rule selection, context,
// preconditions, then validate (pattern, anyPattern, deny, foreach, cel) and verifyImages. Rules
// select through compiled match blocks, and a policy none of whose rules can select the resource's
// kind costs a set lookup. A policy whose rules need no I/O (no verifyImages, no imageRegistry
// context) is evaluated synchronously.
import { asArray, asObject, asString, type JsonObject, type JsonValue } from '../common/json.ts';
import type { FailureAction, PolicyResponse, RuleResult } from '../types.ts';
import type { KyvernoPolicy, KyvernoRule } from '../load/types.ts';
import type { EvaluationOptions } from '../evaluation.ts';
import { applyValues } from './context.ts';
import { evaluateConditions } from './conditions.ts';
import { verifyImagesRule } from './verify-images.ts';
import { RuleSkip, UnsupportedError, type RuleOutcome } from './rule-outcome.ts';
import { baseContext, compilePolicy, matchRequest, type CompiledPolicy } from './policy-plan.ts';
import { validateOutcome } from './validate-rule.ts';
import { contextProvided, loadContext, loadEntrySync } from './context-entries.ts';

export { prepareKyvernoPolicy } from './policy-plan.ts';
export { RuleSkip, UnsupportedError } from './rule-outcome.ts';
export type { RuleOutcome } from './rule-outcome.ts';

function response(
  policy: KyvernoPolicy,
  compiled: CompiledPolicy,
  resource: JsonObject,
  rules: RuleResult[],
  patched: JsonObject | undefined,
): PolicyResponse {
  if (patched === undefined)
    return { policy: policy.name, policyKey: compiled.key, policyKind: policy.apiKind, resource, rules };
  return {
    policy: policy.name,
    policyKey: compiled.key,
    policyKind: policy.apiKind,
    resource,
    rules,
    patchedResource: patched,
  };
}

/** Adds a rule's result; true when `applyRules: One` stops the policy here. */
function record(
  policy: KyvernoPolicy,
  rule: KyvernoRule,
  outcome: RuleOutcome,
  options: EvaluationOptions,
  results: RuleResult[],
): boolean {
  let status = outcome.status;
  if (status === 'fail' && !policy.scored) status = 'warn';
  const exception =
    outcome.data === undefined
      ? undefined
      : options.exceptionFor?.(policy, rule.name, options.resource, outcome.data);
  if (exception !== undefined && status !== 'error') {
    results.push({
      rule: rule.name,
      type: rule.type,
      status: 'skip',
      message: `rule skipped due to policy exception ${exception}`,
      action: rule.action,
      exception,
    });
  } else if (outcome.unsupported === undefined && outcome.patches === undefined) {
    results.push({ rule: rule.name, type: rule.type, status, message: outcome.message, action: rule.action });
  } else {
    results.push({
      rule: rule.name,
      type: rule.type,
      status,
      message: outcome.message,
      action: rule.action,
      ...(outcome.unsupported === undefined ? {} : { unsupported: outcome.unsupported }),
      ...(outcome.patches === undefined ? {} : { patches: outcome.patches }),
    });
  }
  return policy.applyOne && (status === 'pass' || status === 'fail' || status === 'warn');
}

/**
 * Evaluates a Kyverno policy on one resource without awaiting anything, or returns undefined when
 * one of its rules needs I/O (then use applyKyvernoPolicy).
 */
export function applyKyvernoPolicySync(
  policy: KyvernoPolicy,
  options: EvaluationOptions,
): PolicyResponse | undefined {
  const compiled = compilePolicy(policy);
  if (!compiled.sync) return undefined;
  const resource = options.resource;
  const results: RuleResult[] = [];
  if (compiled.kinds !== undefined && !compiled.kinds.has(asString(resource['kind']) ?? ''))
    return response(policy, compiled, resource, results, undefined);
  const operation = options.operation ?? 'CREATE';
  const req = matchRequest(policy, options, operation);
  let base: JsonObject | undefined;
  for (let i = 0; i < policy.rules.length; i++) {
    const rule = policy.rules[i]!;
    if (!compiled.selectors[i]!.selects(req)) continue;
    base ??= baseContext(resource, operation, options);
    const outcome = evaluateRuleSync(policy, rule, base, options);
    if (record(policy, rule, outcome, options, results)) break;
  }
  return response(policy, compiled, resource, results, undefined);
}

/** Evaluates a Kyverno policy on one resource. */
export async function applyKyvernoPolicy(
  policy: KyvernoPolicy,
  options: EvaluationOptions,
): Promise<PolicyResponse> {
  const compiled = compilePolicy(policy);
  if (compiled.sync) return applyKyvernoPolicySync(policy, options)!;
  const resource = options.resource;
  const results: RuleResult[] = [];
  if (compiled.kinds !== undefined && !compiled.kinds.has(asString(resource['kind']) ?? ''))
    return response(policy, compiled, resource, results, undefined);
  const operation = options.operation ?? 'CREATE';
  const req = matchRequest(policy, options, operation);
  let base: JsonObject | undefined;
  let patched: JsonObject | undefined;
  for (let i = 0; i < policy.rules.length; i++) {
    const rule = policy.rules[i]!;
    if (!compiled.selectors[i]!.selects(req)) continue;
    base ??= baseContext(resource, operation, options);
    const outcome = await evaluateRule(policy, rule, base, options, patched ?? resource);
    if (outcome.patched !== undefined) patched = outcome.patched;
    if (record(policy, rule, outcome, options, results)) break;
  }
  return response(policy, compiled, resource, results, patched);
}

const NO_ENTRIES: readonly JsonValue[] = [];

function unsupportedOutcome(rule: KyvernoRule): RuleOutcome {
  return { status: 'error', message: rule.unsupported!, unsupported: rule.unsupported! };
}

function thrownOutcome(e: unknown): RuleOutcome {
  if (e instanceof RuleSkip) return { status: 'skip', message: e.message };
  if (e instanceof UnsupportedError) return { status: 'error', message: e.message, unsupported: e.message };
  if ((e as Error).message.includes('is not supported by Bosun'))
    return { status: 'error', message: (e as Error).message, unsupported: (e as Error).message };
  return { status: 'error', message: (e as Error).message };
}

function evaluateRuleSync(
  policy: KyvernoPolicy,
  rule: KyvernoRule,
  base: JsonObject,
  options: EvaluationOptions,
): RuleOutcome {
  if (rule.unsupported !== undefined) return unsupportedOutcome(rule);
  const values = options.valuesFor?.(policy.name, rule.name);
  let data = applyValues(base, values);
  try {
    const entries = rule.raw['context'];
    for (const e of Array.isArray(entries) ? entries : NO_ENTRIES) {
      const entry = asObject(e);
      const name = asString(entry['name']) ?? '';
      if (contextProvided(name, values)) continue;
      data = loadEntrySync(entry, name, data, options);
    }
    const pre = evaluateConditions(rule.raw['preconditions'], data);
    if (!pre.result) return { status: 'skip', message: 'preconditions not met', data };
    return validateOutcome(rule, data, options);
  } catch (e) {
    return thrownOutcome(e);
  }
}

async function evaluateRule(
  policy: KyvernoPolicy,
  rule: KyvernoRule,
  base: JsonObject,
  options: EvaluationOptions,
  resource: JsonObject,
): Promise<RuleOutcome> {
  if (rule.unsupported !== undefined) return unsupportedOutcome(rule);
  const values = options.valuesFor?.(policy.name, rule.name);
  let data = applyValues(base, values);
  try {
    data = await loadContext(asArray(rule.raw['context']), data, values, options);
    const pre = evaluateConditions(rule.raw['preconditions'], data);
    if (!pre.result) return { status: 'skip', message: 'preconditions not met', data };
    if (rule.type === 'verifyImages')
      return { ...(await verifyImagesRule(rule, data, resource, options)), data };
    return validateOutcome(rule, data, options);
  } catch (e) {
    return thrownOutcome(e);
  }
}

export type { FailureAction };
