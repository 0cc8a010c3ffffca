// A standalone CEL condition over JSON values (an attestation's predicate, its statement), in the
// policy engine's CEL environment (Kubernetes and Kyverno extensions, timestamps, durations) plus a
// `now` timestamp. Only the declared variables may be named; the expression must be boolean.
import type { Environment } from '@marcbachmann/cel-js';
import { BosunError } from '../../util/errors.ts';
import type { JsonValue } from '../common/json.ts';
import { celEnvironment } from './env.ts';
import { toCel } from './values.ts';

/** Longest expression accepted (characters). */
export const MAX_CEL_PREDICATE_LENGTH = 4096;
const LIMITS = { maxAstNodes: 2000, maxDepth: 64 };
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export type CelPredicateOutcome = { readonly ok: boolean } | { readonly error: string };

export interface CelPredicate {
  readonly expression: string;
  /** Evaluates on these values (one per declared variable) and `now`; never throws. */
  evaluate(values: Readonly<Record<string, JsonValue>>, options: { readonly now: Date }): CelPredicateOutcome;
}

/**
 * Parses and type-checks `expression` with `variables` (dyn) and `now` (timestamp) declared.
 * Throws POLICY_INVALID for a too long, malformed, ill-typed or non-boolean expression.
 */
export function compileCelPredicate(expression: string, variables: readonly string[]): CelPredicate {
  if (expression.length > MAX_CEL_PREDICATE_LENGTH) {
    throw new BosunError(
      'POLICY_INVALID',
      `CEL condition is ${expression.length} characters; the limit is ${MAX_CEL_PREDICATE_LENGTH}`,
    );
  }
  const env = declare(variables);
  const checked = env.check(expression);
  if (!checked.valid) {
    throw new BosunError('POLICY_INVALID', `CEL condition does not compile: ${firstLine(checked.error)}`);
  }
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    throw new BosunError('POLICY_INVALID', `CEL condition is of type ${checked.type}, not bool`);
  }
  const program = env.parse(expression);
  return {
    expression,
    evaluate(values, options) {
      const activation: Record<string, unknown> = { now: options.now };
      for (const name of variables) activation[name] = toCel(values[name]);
      let result: unknown;
      try {
        result = program(activation);
      } catch (error) {
        return { error: firstLine(error) };
      }
      if (typeof result !== 'boolean')
        return { error: `CEL condition returned a ${typeName(result)}, not a bool` };
      return { ok: result };
    },
  };
}

/** Compiles and evaluates once: compile errors throw POLICY_INVALID, evaluation errors are returned. */
export function evaluateCelPredicate(
  expression: string,
  values: Readonly<Record<string, JsonValue>>,
  options: { readonly now: Date },
): CelPredicateOutcome {
  return compileCelPredicate(expression, Object.keys(values)).evaluate(values, options);
}

function declare(variables: readonly string[]): Environment {
  const env = celEnvironment().clone({ unlistedVariablesAreDyn: false, limits: LIMITS });
  env.registerVariable('now', 'google.protobuf.Timestamp');
  for (const name of variables) {
    if (!VARIABLE_NAME.test(name) || name === 'now') {
      throw new BosunError('POLICY_INVALID', `CEL variable name "${name.slice(0, 64)}" is not allowed`);
    }
    env.registerVariable(name, 'dyn');
  }
  return env;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? '').slice(0, 300);
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return 'int';
  if (Array.isArray(value)) return 'list';
  return typeof value;
}
