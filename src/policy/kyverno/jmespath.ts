// JMESPath evaluation for Kyverno variables: the JMESPath Community runtime plus Kyverno's
// functions, with compiled expressions cached. Like Kyverno's go-jmespath fork, a plain path that
// names a missing key is a "not found" error rather than null; `a || b` falls back on null.
import { compile, TreeInterpreter, type JSONValue } from '@jmespath-community/jmespath';
import { registerKyvernoFunctions } from './jmespath-functions.ts';
import { compileAst, runCompiled, type CompiledExpression } from './jmespath-compile.ts';
import { isObject } from '../common/json.ts';

registerKyvernoFunctions();

type Ast = ReturnType<typeof compile>;

/** A parsed expression; `steps` when it is a plain path (`a.b."c.d"[0]`). */
export interface CompiledQuery {
  readonly expression: string;
  readonly ast: Ast;
  readonly steps: readonly (string | number)[] | undefined;
  /** The AST as closures, when every node could be compiled. */
  readonly run: CompiledExpression | undefined;
}
type Compiled = CompiledQuery;
const MAX_CACHED = 50_000;
const compiledCache = new Map<string, Compiled>();

export class VariableNotFoundError extends Error {
  readonly variable: string;
  constructor(variable: string, key: string) {
    super(`Unknown key "${key}" in path`);
    this.variable = variable;
  }
}

export class JmesPathError extends Error {}

function compileCached(expr: string): Compiled {
  let compiled = compiledCache.get(expr);
  if (compiled === undefined) {
    let ast: Ast;
    try {
      ast = compile(expr);
    } catch (e) {
      throw new JmesPathError(`incorrect query ${expr}: ${(e as Error).message}`);
    }
    compiled = {
      expression: expr,
      ast,
      steps: SIMPLE_PATH_RE.test(expr) ? splitSimplePath(expr) : undefined,
      run: compileAst(ast),
    };
    if (compiledCache.size >= MAX_CACHED) compiledCache.clear();
    compiledCache.set(expr, compiled);
  }
  return compiled;
}

const SIMPLE_PATH_RE =
  /^(?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*")(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*")|\[\d+\])*$/u;

function splitSimplePath(expr: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*)|"((?:[^"\\]|\\.)*)"|\[(\d+)\]/gu;
  for (const m of expr.matchAll(re)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(JSON.parse(`"${m[2]}"`) as string);
    else out.push(Number(m[3]));
  }
  return out;
}

/**
 * A plain path whose every step is present (own keys, indexes in range) is read directly: the
 * interpreter would return the same value. Anything else goes through the interpreter.
 */
function readPresentPath(data: unknown, steps: readonly (string | number)[]): unknown {
  let cur: unknown = data;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(cur) || step >= cur.length) return undefined;
      cur = cur[step];
      continue;
    }
    if (!isObject(cur)) return undefined;
    const next: unknown = cur[step];
    // What a JSON object inherits is a function or, for `__proto__`, Object.prototype: such a
    // value (or a missing key) goes to the interpreter, every other value is an own property.
    if (next === undefined || typeof next === 'function' || next === Object.prototype) return undefined;
    cur = next;
  }
  return cur;
}

/** Evaluates a JMESPath expression on `data`. Throws VariableNotFoundError / JmesPathError. */
export function queryJmesPath(data: unknown, expression: string): JSONValue {
  return runQuery(data, prepareQuery(expression));
}

/** Parses an expression (cached). Throws JmesPathError for an empty or malformed one. */
export function prepareQuery(expression: string): CompiledQuery {
  const expr = expression.trim();
  if (expr === '') throw new JmesPathError('invalid query (nil)');
  return compileCached(expr);
}

/** Evaluates a prepared expression on `data`. Throws VariableNotFoundError / JmesPathError. */
export function runQuery(data: unknown, query: CompiledQuery): JSONValue {
  const { expression: expr, ast, steps, run } = query;
  if (steps !== undefined) {
    const direct = readPresentPath(data, steps);
    if (direct !== undefined && direct !== null) return direct as JSONValue;
  }
  let result: JSONValue;
  try {
    result = run === undefined ? TreeInterpreter.search(ast, data as JSONValue) : runCompiled(run, data);
  } catch (e) {
    throw new JmesPathError(`JMESPath query failed: ${(e as Error).message}`);
  }
  if ((result === null || result === undefined) && steps !== undefined) {
    let cur: unknown = data;
    for (const step of steps) {
      if (typeof step === 'number') {
        if (!Array.isArray(cur)) break;
        cur = cur[step];
        continue;
      }
      if (!isObject(cur)) break;
      if (!Object.hasOwn(cur, step)) throw new VariableNotFoundError(expr, step);
      cur = cur[step];
    }
  }
  return result ?? null;
}
