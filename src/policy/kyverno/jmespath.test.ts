import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compile, TreeInterpreter, type JSONValue } from '@jmespath-community/jmespath';
import { queryJmesPath, VariableNotFoundError } from './jmespath.ts';
import { compileAst, runCompiled } from './jmespath-compile.ts';
import { isObject, type JsonValue } from '../common/json.ts';

/** The evaluation before plain paths were read directly: interpreter, then the not-found walk. */
function reference(data: JsonValue, expr: string): unknown {
  const result = TreeInterpreter.search(compile(expr), data as JSONValue);
  if (result === null || result === undefined) {
    let cur: unknown = data;
    for (const m of expr.matchAll(/([A-Za-z_][A-Za-z0-9_]*)|"((?:[^"\\]|\\.)*)"|\[(\d+)\]/gu)) {
      if (m[3] !== undefined) {
        if (!Array.isArray(cur)) break;
        cur = cur[Number(m[3])];
        continue;
      }
      const key = m[1] ?? (JSON.parse(`"${m[2]!}"`) as string);
      if (!isObject(cur)) break;
      if (!Object.hasOwn(cur, key)) return 'not-found';
      cur = cur[key];
    }
  }
  return result ?? null;
}

function outcome(data: JsonValue, expr: string): unknown {
  try {
    return queryJmesPath(data, expr);
  } catch (e) {
    if (e instanceof VariableNotFoundError) return 'not-found';
    throw e;
  }
}

const key = fc.constantFrom('a', 'b', 'spec', 'c0', 'x.y');
const tree: fc.Arbitrary<JsonValue> = fc.letrec<{ node: JsonValue }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.boolean(), fc.constant(null)),
    fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    fc.array(tie('node'), { maxLength: 3 }),
  ),
})).node;
const step = fc.oneof(
  key.map((k) => (k.includes('.') ? `."${k}"` : `.${k}`)),
  fc.constantFrom('.constructor', '.__proto__', '.toString'),
  fc.integer({ min: 0, max: 3 }).map((i) => `[${i}]`),
);
const path = fc
  .tuple(key, fc.array(step, { maxLength: 4 }))
  .map(([head, rest]) => `${head.includes('.') ? `"${head}"` : head}${rest.join('')}`);

describe('queryJmesPath', () => {
  it('reads plain paths as the interpreter does (values, nulls and not-found errors)', () => {
    fc.assert(
      fc.property(tree, path, (data, expr) => {
        expect(outcome(data, expr)).toEqual(reference(data, expr));
      }),
      { numRuns: 5000 },
    );
  });

  it.each<[string, JsonValue, string, unknown]>([
    ['present key', { a: { b: 1 } }, 'a.b', 1],
    ['null value', { a: { b: null } }, 'a.b', null],
    ['missing key', { a: {} }, 'a.b', 'not-found'],
    ['through a scalar', { a: 'x' }, 'a.b', null],
    ['index out of range', { a: [1] }, 'a[3]', null],
    ['quoted key', { a: { 'x.y': true } }, 'a."x.y"', true],
    ['function', { a: [1, 2] }, 'length(a)', 2],
  ])('%s', (_name, data, expr, want) => {
    expect(outcome(data, expr)).toEqual(want);
  });
});

// Differential check of the closures against the library's interpreter on generated expressions.
describe('compiled JMESPath expressions agree with the interpreter', () => {
  const field = fc.constantFrom('a', 'b', 'c', 'name', 'items', '"x.y"');
  const literal = fc.constantFrom('`1`', '`"a"`', '`null`', '`[1,2]`', '`{"a":1}`', "'b'", '`true`', '`[]`');
  const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      field,
      literal,
      fc.constant('@'),
      fc.constant('$'),
      fc.tuple(tie('e'), field).map(([l, r]) => `${l}.${r}`),
      fc.tuple(tie('e'), fc.integer({ min: -2, max: 2 })).map(([l, i]) => `${l}[${i}]`),
      tie('e').map((l) => `${l}[*].name`),
      tie('e').map((l) => `${l}[]`),
      tie('e').map((l) => `${l}.*`),
      fc.tuple(tie('e'), tie('e')).map(([l, c]) => `${l}[?${c}]`),
      fc.tuple(tie('e'), tie('e')).map(([l, r]) => `${l} | ${r}`),
      fc.tuple(tie('e'), tie('e')).map(([l, r]) => `${l} || ${r}`),
      fc.tuple(tie('e'), tie('e')).map(([l, r]) => `${l} && ${r}`),
      tie('e').map((l) => `!${l}`),
      fc
        .tuple(tie('e'), fc.constantFrom('==', '!=', '<', '<=', '>', '>='), tie('e'))
        .map(([l, op, r]) => `${l} ${op} ${r}`),
      fc.tuple(tie('e'), tie('e')).map(([l, r]) => `[${l}, ${r}]`),
      fc.tuple(tie('e'), tie('e')).map(([l, r]) => `{k: ${l}, v: ${r}}`),
      fc
        .tuple(fc.constantFrom('length', 'keys', 'to_string', 'type', 'not_null', 'values'), tie('e'))
        .map(([f, a]) => `${f}(${a})`),
      fc.tuple(tie('e'), tie('e')).map(([a, b]) => `contains(${a}, ${b})`),
      tie('e').map((a) => `(${a})`),
    ),
  })).e;
  const data: fc.Arbitrary<JsonValue> = fc.letrec<{ node: JsonValue }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.oneof(
        fc.constantFrom('', 'a', 'b'),
        fc.integer({ min: -2, max: 3 }),
        fc.boolean(),
        fc.constant(null),
      ),
      fc.dictionary(fc.constantFrom('a', 'b', 'c', 'name', 'items', 'x.y'), tie('node'), { maxKeys: 4 }),
      fc.array(tie('node'), { maxLength: 3 }),
    ),
  })).node;

  function interpret(ast: unknown, value: JsonValue): unknown {
    try {
      return { value: TreeInterpreter.search(ast as ReturnType<typeof compile>, value as JSONValue) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }

  it('same results and errors', () => {
    let compiled = 0;
    fc.assert(
      fc.property(expr, data, (text, value) => {
        let ast: ReturnType<typeof compile>;
        try {
          ast = compile(text);
        } catch {
          return;
        }
        const run = compileAst(ast);
        if (run === undefined) return;
        compiled++;
        let got: unknown;
        try {
          got = { value: runCompiled(run, value) };
        } catch (e) {
          got = { error: (e as Error).message };
        }
        expect(got).toEqual(interpret(ast, value));
      }),
      { numRuns: 5000 },
    );
    expect(compiled).toBeGreaterThan(4000);
  });

  it.each(['a[1:2]', 'sort_by(@, &a)', 'let $x = a in $x', 'a + b', 'a ? b : c'])(
    'leaves %s to the interpreter',
    (text) => {
      expect(compileAst(compile(text))).toBeUndefined();
    },
  );
});
