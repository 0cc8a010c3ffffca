import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { matchPattern } from './pattern.ts';
import { validateValue } from './value-pattern.ts';
import { wildcardMatch } from '../common/wildcard.ts';
import type { JsonValue } from '../common/json.ts';

// Leaves from a plain alphabet so a leaf used as a pattern has no operator, wildcard or range meaning.
const leaf = fc.oneof(fc.stringMatching(/^[a-z]{1,8}$/u), fc.integer({ min: 0, max: 1000 }), fc.boolean());
const key = fc.stringMatching(/^[a-z]{1,6}$/u);
const tree: fc.Arbitrary<JsonValue> = fc.letrec<{ node: JsonValue }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    tie('node').map((n) => [n]),
  ),
})).node;

describe('matchPattern', () => {
  it.each<[string, JsonValue, JsonValue, string]>([
    ['wildcard value', { image: 'nginx:1.2' }, { image: '*:1.*' }, 'pass'],
    ['wildcard mismatch', { image: 'nginx:latest' }, { image: '!*:latest' }, 'fail'],
    ['required field', {}, { a: '?*' }, 'fail'],
    ['star needs a value', { a: null }, { a: '*' }, 'fail'],
    ['or', { a: 'b' }, { a: 'x | b' }, 'pass'],
    ['and range', { n: 5 }, { n: '>1 & <10' }, 'pass'],
    ['range', { n: 5 }, { n: '1-4' }, 'fail'],
    ['not in range', { n: 5 }, { n: '1!-4' }, 'pass'],
    ['quantity', { m: '2Gi' }, { m: '<=4Gi' }, 'pass'],
    ['duration', { d: '90m' }, { d: '>1h' }, 'pass'],
    ['conditional anchor skips', { spec: { kind: 'x', v: 1 } }, { spec: { '(kind)': 'y', v: 2 } }, 'skip'],
    ['conditional anchor applies', { spec: { kind: 'y', v: 1 } }, { spec: { '(kind)': 'y', v: 2 } }, 'fail'],
    ['equality anchor absent', {}, { '=(a)': 'x' }, 'pass'],
    ['equality anchor present', { a: 'y' }, { '=(a)': 'x' }, 'fail'],
    ['negation anchor', { a: 1 }, { 'X(a)': null }, 'fail'],
    ['existence anchor', { l: [{ n: 'a' }, { n: 'b' }] }, { '^(l)': [{ n: 'b' }] }, 'pass'],
    ['existence anchor fails', { l: [{ n: 'a' }] }, { '^(l)': [{ n: 'b' }] }, 'fail'],
    ['global anchor skips', { a: 'x', b: 1 }, { '<(a)': 'y', b: 2 }, 'skip'],
    ['array of maps', { c: [{ i: 'a:1' }, { i: 'b:latest' }] }, { c: [{ i: '!*:latest' }] }, 'fail'],
    [
      'array with conditional anchors, none apply',
      { c: [{ n: 'a' }] },
      { c: [{ '(n)': 'b', x: 1 }] },
      'skip',
    ],
    [
      'array with conditional anchors, one applies',
      { c: [{ n: 'a' }, { n: 'b', x: 1 }] },
      { c: [{ '(n)': 'b', x: 1 }] },
      'pass',
    ],
    [
      'wildcard metadata keys',
      { metadata: { labels: { 'app.io/x': 'v' } } },
      { metadata: { labels: { 'app.io/*': 'v' } } },
      'pass',
    ],
  ])('%s', (_name, resource, pattern, status) => {
    expect(matchPattern(resource, pattern).status).toEqual(status);
  });

  it('a resource matches a pattern made from itself', () => {
    fc.assert(
      fc.property(tree, (t) => {
        expect(matchPattern(t, t).status).toEqual('pass');
      }),
    );
  });

  it('a negation anchor inverts key presence', () => {
    fc.assert(
      fc.property(fc.dictionary(key, leaf, { maxKeys: 5 }), key, (obj, k) => {
        const result = matchPattern(obj, { [`X(${k})`]: null }).status;
        expect(result).toEqual(Object.hasOwn(obj, k) ? 'fail' : 'pass');
      }),
    );
  });

  it('`!value` inverts a plain string pattern', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z]{2,6}$/u),
        fc.stringMatching(/^[a-z*?]{2,6}$/u),
        (value, pattern) => {
          expect(validateValue(value, `!${pattern}`)).toEqual(!validateValue(value, pattern));
        },
      ),
    );
  });
});

describe('wildcardMatch', () => {
  // Reference translation: each character becomes its own regex piece.
  function reference(pattern: string, value: string): boolean {
    const src = [...pattern]
      .map((c) =>
        c === '*' ? '.*' : c === '?' ? '.' : `[${c === ']' || c === '\\' || c === '^' ? `\\${c}` : c}]`,
      )
      .join('');
    return new RegExp(`^${src}$`, 'su').test(value);
  }

  it('agrees with a reference regex translation', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[ab.*?/\\-]{0,8}$/u),
        fc.stringMatching(/^[ab./\\-]{0,10}$/u),
        (pattern, value) => {
          expect(wildcardMatch(pattern, value)).toEqual(reference(pattern, value));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['ghcr.io/*', 'ghcr.io/a/b:1', true],
    ['*', '', true],
    ['a?c', 'abc', true],
    ['a.c', 'abc', false],
  ])('%s ~ %s', (p, v, want) => {
    expect(wildcardMatch(p, v)).toEqual(want);
  });
});
