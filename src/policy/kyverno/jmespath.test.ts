import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compile, TreeInterpreter, type JSONValue } from '@jmespath-community/jmespath';
import { queryJmesPath, VariableNotFoundError } from './jmespath.ts';
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
