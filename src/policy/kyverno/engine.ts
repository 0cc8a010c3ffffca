// Applies one loaded Kyverno ClusterPolicy/Policy to one resource: rule selection, context,
// preconditions, then validate (pattern, anyPattern, deny, foreach, cel) and verifyImages. Rules
// select through compiled match blocks, and a policy none of whose rules can select the resource's
// kind costs a set lookup. A policy whose rules need no I/O (no verifyImages, no imageRegistry
// context) is evaluated synchronously.
import { asArray, asObject, asString, isObject, type JsonObject, type JsonValue } from '../common/json.ts';
import type { FailureAction, JsonPatchOperation, PolicyResponse, RuleResult, RuleStatus } from '../types.ts';
import type { KyvernoPolicy, KyvernoRule } from '../load/types.ts';
import { compileRuleSelector, type MatchRequest, type RuleSelector } from './match.ts';
import { applyValues, buildRequestContext, plainDocument, setIn } from './context.ts';
import { evaluateConditions } from './conditions.ts';
import { matchPattern, preparePattern } from './pattern.ts';
import { queryJmesPath } from './jmespath.ts';
import { hasVariables, substituteAll, substituteString } from './variables.ts';
import { extractImages } from './images.ts';
import { evaluateKyvernoCelSync } from '../cel/kyverno-cel.ts';
import { buildActivation, checkMatchConditions } from '../cel/validations.ts';
import { verifyImagesRule } from './verify-images.ts';
import type { EvaluationOptions } from '../evaluation.ts';

/** Raised when a rule needs something Bosun does not evaluate (named construct). */
export class UnsupportedError extends Error {}

class RuleSkip extends Error {}

export interface RuleOutcome {
  readonly status: RuleStatus;
  readonly message: string;
  readonly unsupported?: string;
  readonly patched?: JsonObject;
  /** JSON patch operations that produce `patched` (verifyImages digest pinning). */
  readonly patches?: readonly JsonPatchOperation[];
  /** The variables document the rule saw (for exception conditions). */
  readonly data?: JsonObject;
}

interface BaseEntry {
  readonly operation: string;
  readonly userInfo: EvaluationOptions['userInfo'];
  readonly base: JsonObject;
}
const baseCache = new WeakMap<JsonObject, BaseEntry[]>();

/** The request document for a resource, shared by every policy evaluated on it (read-only). */
function baseContext(resource: JsonObject, operation: string, options: EvaluationOptions): JsonObject {
  const cacheable = options.oldResource === undefined;
  let perResource = cacheable ? baseCache.get(resource) : undefined;
  if (perResource !== undefined) {
    for (const e of perResource)
      if (e.operation === operation && e.userInfo === options.userInfo) return e.base;
  }
  const base = buildRequestContext({
    resource,
    oldResource: options.oldResource ?? null,
    operation,
    ...(options.userInfo === undefined ? {} : { userInfo: options.userInfo }),
    roles: options.userInfo?.roles ?? [],
    clusterRoles: options.userInfo?.clusterRoles ?? [],
    images: () => extractImages(resource),
  });
  if (cacheable) {
    if (perResource === undefined) {
      perResource = [];
      baseCache.set(resource, perResource);
    }
    if (perResource.length < 16) perResource.push({ operation, userInfo: options.userInfo, base });
  }
  return base;
}

interface CompiledPolicy {
  /** Resource kinds some rule can select (undefined: any kind). */
  readonly kinds: ReadonlySet<string> | undefined;
  readonly selectors: readonly RuleSelector[];
  /** No rule needs I/O: the policy can be evaluated synchronously. */
  readonly sync: boolean;
  readonly key: string;
}
const compiledPolicies = new WeakMap<KyvernoPolicy, CompiledPolicy>();

function ruleNeedsIo(rule: KyvernoRule): boolean {
  if (rule.unsupported !== undefined) return false;
  if (rule.type === 'verifyImages') return true;
  return asArray(rule.raw['context']).some((e) => {
    const entry = asObject(e);
    return (
      !isObject(entry['variable']) &&
      !isObject(entry['configMap']) &&
      !isObject(entry['globalReference']) &&
      isObject(entry['imageRegistry'])
    );
  });
}

function compilePolicy(policy: KyvernoPolicy): CompiledPolicy {
  let compiled = compiledPolicies.get(policy);
  if (compiled !== undefined) return compiled;
  const selectors = policy.rules.map((r) => compileRuleSelector(r.raw));
  let kinds: Set<string> | undefined = new Set();
  for (const s of selectors) {
    if (s.kinds === undefined) {
      kinds = undefined;
      break;
    }
    for (const k of s.kinds) kinds.add(k);
  }
  compiled = {
    kinds,
    selectors,
    sync: !policy.rules.some(ruleNeedsIo),
    key: policy.namespace === undefined ? policy.name : `${policy.namespace}/${policy.name}`,
  };
  compiledPolicies.set(policy, compiled);
  return compiled;
}

/**
 * Compiles a policy's rule selection and its variable-free patterns ahead of its first evaluation
 * (load time). Only a cache is filled: anything that cannot be compiled now is left for evaluation,
 * which reports it as before.
 */
export function prepareKyvernoPolicy(policy: KyvernoPolicy): void {
  try {
    compilePolicy(policy);
    for (const rule of policy.rules) {
      const validate = asObject(rule.raw['validate']);
      for (const pattern of [validate['pattern'], ...asArray(validate['anyPattern'])])
        if (isObject(pattern) && !hasVariables(pattern)) preparePattern(pattern);
    }
  } catch {
    // Left to evaluation.
  }
}

const matchRequests = new WeakMap<EvaluationOptions, MatchRequest>();

/** The match facts of a request, shared by the cluster-wide policies evaluated with the same options. */
function matchRequest(policy: KyvernoPolicy, options: EvaluationOptions, operation: string): MatchRequest {
  if (policy.namespace !== undefined) return buildMatchRequest(policy, options, operation);
  let req = matchRequests.get(options);
  if (req === undefined) {
    req = buildMatchRequest(policy, options, operation);
    matchRequests.set(options, req);
  }
  return req;
}

function buildMatchRequest(
  policy: KyvernoPolicy,
  options: EvaluationOptions,
  operation: string,
): MatchRequest {
  return {
    resource: options.resource,
    operation,
    ...(options.namespaceLabels === undefined ? {} : { namespaceLabels: options.namespaceLabels }),
    userInfo: {
      ...(options.userInfo?.username === undefined ? {} : { username: options.userInfo.username }),
      groups: options.userInfo?.groups ?? [],
    },
    roles: options.userInfo?.roles ?? [],
    clusterRoles: options.userInfo?.clusterRoles ?? [],
    ...(options.subresource === undefined ? {} : { subresource: options.subresource }),
    ...(policy.namespace === undefined ? {} : { policyNamespace: policy.namespace }),
  };
}

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
    for (const e of asArray(rule.raw['context'])) {
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

/** The validate part of a rule, after its context and preconditions. */
function validateOutcome(rule: KyvernoRule, data: JsonObject, options: EvaluationOptions): RuleOutcome {
  const validate = asObject(rule.raw['validate']);
  const celPre = asArray(rule.raw['celPreconditions']);
  if (celPre.length > 0) {
    const mc = checkMatchConditions(celPre, buildActivation(options));
    if (mc !== undefined) {
      if (mc.status === 'no-match') return { status: 'skip', message: 'cel preconditions not met', data };
      return { status: 'error', message: mc.message, data };
    }
  }
  const outcome = isObject(validate['cel'])
    ? evaluateKyvernoCelSync(validate['cel'], data, options)
    : validateRule(rule, validate, data, options);
  return withData(outcome, data);
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
    const r = matchPattern(target, pattern);
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
      const r = matchPattern(target, pattern);
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
  const plain = plainDocument(data);
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
      if (depth === 0) d = { ...plain, element, elementIndex: i, element0: element, elementIndex0: i };
      else {
        d = { ...plain, element, elementIndex: i };
        d[`element${depth}`] = element;
        d[`elementIndex${depth}`] = i;
      }
      d = applyValues(d, options.foreachValuesFor?.(rule.name, i));
      let outcome: RuleOutcome;
      try {
        d = loadContextSync(asArray(foreach['context']), d);
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

function contextProvided(name: string, values: Readonly<Record<string, JsonValue>> | undefined): boolean {
  if (values === undefined) return false;
  return Object.keys(values).some((k) => k === name || k.startsWith(`${name}.`));
}

async function loadContext(
  entries: JsonValue[],
  data: JsonObject,
  values: Readonly<Record<string, JsonValue>> | undefined,
  options: EvaluationOptions,
): Promise<JsonObject> {
  let d = data;
  for (const e of entries) {
    const entry = asObject(e);
    const name = asString(entry['name']) ?? '';
    if (contextProvided(name, values)) continue;
    d = await loadEntry(entry, name, d, options);
  }
  return d;
}

function loadContextSync(entries: JsonValue[], data: JsonObject): JsonObject {
  let d = data;
  for (const e of entries) {
    const entry = asObject(e);
    const name = asString(entry['name']) ?? '';
    if (d[name] !== undefined && !isObject(entry['variable'])) continue;
    if (isObject(entry['variable'])) d = setIn(d, [name], variableEntry(asObject(entry['variable']), d));
    else throw new UnsupportedError(`foreach context entry ${name}: only variable entries are supported`);
  }
  return d;
}

function variableEntry(v: JsonObject, data: JsonObject): JsonValue {
  let value: JsonValue | undefined;
  try {
    if (v['value'] !== undefined) value = substituteAll(v['value'], data, '/context/variable/value/');
    const path = asString(v['jmesPath']);
    if (path !== undefined) {
      const expr = substituteString(path, data, '/context/variable/jmesPath/');
      value = queryJmesPath(value === undefined ? data : value, String(expr));
    }
  } catch (e) {
    if (v['default'] !== undefined) return substituteAll(v['default'], data, '/context/variable/default/');
    throw e;
  }
  if ((value === undefined || value === null) && v['default'] !== undefined)
    return substituteAll(v['default'], data, '/context/variable/default/');
  return value ?? null;
}

async function loadEntry(
  entry: JsonObject,
  name: string,
  data: JsonObject,
  options: EvaluationOptions,
): Promise<JsonObject> {
  if (
    !isObject(entry['variable']) &&
    !isObject(entry['configMap']) &&
    !isObject(entry['globalReference']) &&
    isObject(entry['imageRegistry'])
  ) {
    const ir = asObject(entry['imageRegistry']);
    const ref = substituteString(asString(ir['reference']) ?? '', data, '/context/imageRegistry/reference/');
    const facts = options.imageFacts;
    if (facts === undefined)
      throw new UnsupportedError(`context entry ${name}: imageRegistry needs image facts (registry access)`);
    const meta = await facts.registryMetadata(String(ref));
    const path = asString(ir['jmesPath']);
    return setIn(data, [name], path === undefined ? meta : queryJmesPath(meta, path));
  }
  return loadEntrySync(entry, name, data, options);
}

/** A context entry that needs no I/O (everything but imageRegistry). */
function loadEntrySync(
  entry: JsonObject,
  name: string,
  data: JsonObject,
  options: EvaluationOptions,
): JsonObject {
  if (isObject(entry['variable'])) return setIn(data, [name], variableEntry(entry['variable'], data));
  if (isObject(entry['configMap'])) {
    const cm = asObject(substituteAll(entry['configMap'], data, '/context/configMap/'));
    const found = options.lookupResource?.(
      'v1',
      'ConfigMap',
      asString(cm['namespace']) ?? '',
      asString(cm['name']) ?? '',
    );
    if (found === undefined)
      throw new UnsupportedError(
        `context entry ${name}: ConfigMap ${String(cm['namespace'])}/${String(cm['name'])} is not available`,
      );
    return setIn(data, [name], found);
  }
  if (isObject(entry['globalReference'])) {
    const g = asObject(entry['globalReference']);
    const value = options.globalContext?.(asString(g['name']) ?? '');
    if (value === undefined)
      throw new UnsupportedError(
        `context entry ${name}: global context ${String(g['name'])} is not available`,
      );
    const path = asString(g['jmesPath']);
    return setIn(data, [name], path === undefined ? value : queryJmesPath(value, path));
  }
  if (isObject(entry['imageRegistry']))
    throw new Error(`context entry ${name}: imageRegistry is loaded asynchronously`);
  if (isObject(entry['apiCall'])) {
    const call = asObject(entry['apiCall']);
    const mocked = options.apiCall?.(asObject(substituteAll(call, data, '/context/apiCall/')));
    if (mocked === undefined)
      throw new UnsupportedError(`context entry ${name}: apiCall needs a Kubernetes API server or service`);
    const path = asString(call['jmesPath']);
    let value = mocked;
    if (path !== undefined) value = queryJmesPath(mocked, String(substituteString(path, data)));
    if ((value === null || value === undefined) && call['default'] !== undefined) value = call['default'];
    return setIn(data, [name], value);
  }
  throw new UnsupportedError(`context entry ${name}: unsupported entry type`);
}

export type { FailureAction };
export { RuleSkip };
