// JMESPath evaluation for Kyverno variables: the JMESPath Community runtime plus Kyverno's
// functions, with compiled expressions cached. Like Kyverno's go-jmespath fork, a plain path that
// names a missing key is a "not found" error rather than null; `a || b` falls back on null.
import { compile, TreeInterpreter, type JSONValue } from '@jmespath-community/jmespath';
import { registerKyvernoFunctions } from './jmespath-functions.ts';
import { isObject } from '../common/json.ts';

registerKyvernoFunctions();

type Ast = ReturnType<typeof compile>;
const astCache = new Map<string, Ast>();

export class VariableNotFoundError extends Error {
  readonly variable: string;
  constructor(variable: string, key: string) {
    super(`Unknown key "${key}" in path`);
    this.variable = variable;
  }
}

export class JmesPathError extends Error {}

function compileCached(expr: string): Ast {
  let ast = astCache.get(expr);
  if (ast === undefined) {
    try {
      ast = compile(expr);
    } catch (e) {
      throw new JmesPathError(`incorrect query ${expr}: ${(e as Error).message}`);
    }
    if (astCache.size > 50_000) astCache.clear();
    astCache.set(expr, ast);
  }
  return ast;
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

/** Evaluates a JMESPath expression on `data`. Throws VariableNotFoundError / JmesPathError. */
export function queryJmesPath(data: unknown, expression: string): JSONValue {
  const expr = expression.trim();
  if (expr === '') throw new JmesPathError('invalid query (nil)');
  const ast = compileCached(expr);
  let result: JSONValue;
  try {
    result = TreeInterpreter.search(ast, data as JSONValue);
  } catch (e) {
    throw new JmesPathError(`JMESPath query failed: ${(e as Error).message}`);
  }
  if ((result === null || result === undefined) && SIMPLE_PATH_RE.test(expr)) {
    let cur: unknown = data;
    for (const step of splitSimplePath(expr)) {
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
