// What a Kyverno policy needs ahead of evaluation: compiled rule selection with the kinds its rules
// can select, whether any rule needs I/O, compiled variable-free patterns (load time), and the
// per-request documents shared by every policy evaluated on the same resource.
import { asArray, asObject, isObject, type JsonObject } from '../common/json.ts';
import type { KyvernoPolicy, KyvernoRule } from '../load/types.ts';
import type { EvaluationOptions } from '../evaluation.ts';
import { compileRuleSelector, type MatchRequest, type RuleSelector } from './match.ts';
import { buildRequestContext } from './context.ts';
import { preparePattern } from './pattern.ts';
import { hasVariables } from './variables.ts';
import { extractImages } from './images.ts';
import { requestMemo } from '../request-memo.ts';

/** The request document for a resource, shared by every policy evaluated on the same request (read-only). */
export function baseContext(resource: JsonObject, operation: string, options: EvaluationOptions): JsonObject {
  const memo = requestMemo(options);
  if (memo?.kyvernoBase !== undefined && memo.owner.resource === resource) return memo.kyvernoBase;
  const base = buildRequestContext({
    resource,
    oldResource: options.oldResource ?? null,
    operation,
    ...(options.userInfo === undefined ? {} : { userInfo: options.userInfo }),
    roles: options.userInfo?.roles ?? [],
    clusterRoles: options.userInfo?.clusterRoles ?? [],
    images: extractImages(resource),
  });
  if (memo !== undefined && memo.owner.resource === resource) memo.kyvernoBase = base;
  return base;
}

export interface CompiledPolicy {
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

export function compilePolicy(policy: KyvernoPolicy): CompiledPolicy {
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

/** The match facts of a request, shared by the cluster-wide policies evaluated with the same options. */
export function matchRequest(
  policy: KyvernoPolicy,
  options: EvaluationOptions,
  operation: string,
): MatchRequest {
  if (policy.namespace !== undefined) return buildMatchRequest(policy, options, operation);
  const memo = requestMemo(options);
  if (memo === undefined) return buildMatchRequest(policy, options, operation);
  return (memo.kyvernoMatch ??= buildMatchRequest(policy, options, operation)) as MatchRequest;
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
