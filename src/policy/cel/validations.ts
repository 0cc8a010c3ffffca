// Shared evaluation of CEL validation blocks: matchConditions, lazily evaluated variables,
// validations with message / messageExpression.
import { asArray, asObject, asString, type JsonObject, type JsonValue } from '../common/json.ts';
import type { RuleStatus } from '../types.ts';
import type { EvaluationOptions } from '../evaluation.ts';
import {
  evaluateCel,
  GlobalContextLib,
  NetworkLib,
  ResourceLib,
  NETWORK_LIBRARIES,
  NETWORK_METHODS,
  UNSUPPORTED_MARK,
  type CelHost,
} from './env.ts';
import { toCel } from './values.ts';
import { resourceForKind } from './match-constraints.ts';
import { requestMemo, type RequestMemo } from '../request-memo.ts';

export interface CelOutcome {
  readonly status: RuleStatus | 'no-match';
  readonly message: string;
  readonly unsupported?: string;
}

function hostFor(options: EvaluationOptions): CelHost {
  return {
    getResource: (apiVersion, res, ns, name) => {
      const kind = kindFromResource(res);
      return options.lookupResource?.(apiVersion, kind, ns, name);
    },
    ...(options.globalContext === undefined ? {} : { globalContext: options.globalContext }),
  };
}

function kindFromResource(res: string): string {
  const known: Record<string, string> = {
    configmaps: 'ConfigMap',
    secrets: 'Secret',
    namespaces: 'Namespace',
    pods: 'Pod',
    deployments: 'Deployment',
    services: 'Service',
  };
  return known[res] ?? res;
}

/**
 * The activation (variables) of an admission CEL evaluation. Without params it is shared by the
 * CEL rules and policies evaluated on the same request (read-only).
 */
export function buildActivation(
  options: EvaluationOptions,
  params: JsonValue | undefined = undefined,
): Record<string, unknown> {
  if (params !== undefined) return createActivation(options, params);
  const memo = requestMemo(options);
  if (memo === undefined) return createActivation(options, undefined);
  return (memo.celActivation ??= createActivation(options, undefined));
}

function createActivation(
  options: EvaluationOptions,
  params: JsonValue | undefined,
): Record<string, unknown> {
  const resource = options.resource;
  const operation = options.operation ?? 'CREATE';
  const meta = asObject(resource['metadata']);
  const apiVersion = asString(resource['apiVersion']) ?? '';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const kind = asString(resource['kind']) ?? '';
  const request: JsonObject = {
    operation,
    name: asString(meta['name']) ?? '',
    namespace: asString(meta['namespace']) ?? '',
    kind: { group, version, kind },
    resource: { group, version, resource: resourceForKind(kind) },
    userInfo: { username: options.userInfo?.username ?? '', groups: [...(options.userInfo?.groups ?? [])] },
    dryRun: false,
  };
  const host = hostFor(options);
  return {
    object: operation === 'DELETE' ? null : toCel(resource),
    oldObject:
      operation === 'DELETE'
        ? toCel(resource)
        : options.oldResource === undefined
          ? null
          : toCel(options.oldResource),
    request: toCel(request),
    namespaceObject: options.namespaceObject === undefined ? null : toCel(options.namespaceObject),
    params: params === undefined ? null : toCel(params),
    resource: new ResourceLib(host),
    globalContext: new GlobalContextLib(host),
    http: new NetworkLib('http'),
    envoy: new NetworkLib('envoy'),
    jwt: new NetworkLib('jwt'),
    imageData: new NetworkLib('imageData'),
  };
}

// A call into one of Kyverno's network libraries (env.ts), which Bosun does not evaluate.
const NETWORK_CALL_RE = new RegExp(
  `\\b(?:${NETWORK_LIBRARIES.join('|')})\\.(?:${NETWORK_METHODS.join('|')})\\s*\\(`,
  'u',
);

function errorOutcome(e: unknown, where: string, expression?: string): CelOutcome {
  const msg = `${where}: ${(e as Error).message}`;
  if (msg.includes(UNSUPPORTED_MARK)) return { status: 'error', message: msg, unsupported: msg };
  // An expression that calls a network library fails in Bosun one way or another (cel-js may even
  // reject its shape, e.g. has() over a call); the reason that matters is the unsupported call.
  const call = expression === undefined ? null : NETWORK_CALL_RE.exec(expression);
  if (call !== null) {
    const why = `${where}: ${call[0].replace(/\s*\($/u, '')} ${UNSUPPORTED_MARK} (registry or HTTP access from CEL)`;
    return { status: 'error', message: why, unsupported: why };
  }
  return { status: 'error', message: msg };
}

/** Adds `variables` (lazy, memoised) to an activation. */
export function withVariables(
  activation: Record<string, unknown>,
  variables: readonly JsonValue[],
  memo?: RequestMemo,
): Record<string, unknown> {
  if (variables.length === 0) {
    // No variables: an empty, never written `variables` map can be shared by the request.
    if (memo === undefined || memo.celActivation !== activation) return { ...activation, variables: {} };
    return (memo.celActivationNoVariables ??= { ...activation, variables: {} });
  }
  const vars: Record<string, unknown> = {};
  const act = { ...activation, variables: vars };
  for (const v of variables) {
    const vo = asObject(v);
    const name = asString(vo['name']) ?? '';
    const expr = asString(vo['expression']) ?? '';
    let done = false;
    let value: unknown;
    Object.defineProperty(vars, name, {
      enumerable: true,
      get: () => {
        if (!done) {
          value = evaluateCel(expr, act);
          done = true;
        }
        return value;
      },
    });
  }
  return act;
}

/** All matchConditions hold (an error is an error outcome). */
export function checkMatchConditions(
  conditions: readonly JsonValue[],
  activation: Record<string, unknown>,
): CelOutcome | undefined {
  for (const c of conditions) {
    const co = asObject(c);
    try {
      if (evaluateCel(asString(co['expression']) ?? 'true', activation) !== true) {
        return { status: 'no-match', message: `match condition ${asString(co['name']) ?? ''} not met` };
      }
    } catch (e) {
      return errorOutcome(e, `matchCondition ${asString(co['name']) ?? ''}`, asString(co['expression']));
    }
  }
  return undefined;
}

/** Runs validations in order; the first false or erroring one decides. */
export function runValidations(
  validations: readonly JsonValue[],
  activation: Record<string, unknown>,
): CelOutcome {
  for (const v of validations) {
    const vo = asObject(v);
    const expr = asString(vo['expression']) ?? '';
    let result: unknown;
    try {
      result = evaluateCel(expr, activation);
    } catch (e) {
      return errorOutcome(e, `expression '${expr}'`, expr);
    }
    if (result !== true) {
      if (typeof result !== 'boolean')
        return { status: 'error', message: `expression '${expr}' did not return a bool` };
      let message = asString(vo['message']) ?? `failed expression: ${expr}`;
      const me = asString(vo['messageExpression']);
      if (me !== undefined) {
        try {
          const m = evaluateCel(me, activation);
          if (typeof m === 'string' && m !== '') message = m;
        } catch {
          // Kubernetes falls back on `message` when messageExpression fails.
        }
      }
      return { status: 'fail', message };
    }
  }
  return PASSED;
}

const PASSED: CelOutcome = { status: 'pass', message: 'validation passed' };

export function specList(spec: JsonObject, key: string): JsonValue[] {
  return asArray(spec[key]);
}
