import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { matchPattern } from './pattern.ts';
import { compileFastPattern } from './pattern-fast.ts';
import { validateValue } from './value-pattern.ts';
import { wildcardMatch } from '../common/wildcard.ts';
import type { JsonValue } from '../common/json.ts';
import { matchPattern as referenceMatchPattern } from './testing/pattern-reference.ts';
import { validateValue as referenceValidateValue } from './testing/value-pattern-reference.ts';

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

// Differential check of the compiled matcher against the interpreter it replaced: random resources
// and patterns (anchors of every kind, operators, ranges, quantities, durations, wildcards, wildcard
// metadata keys) must give the same status, path and message.
describe('compiled patterns agree with the reference interpreter', () => {
  const scalar = fc.oneof(
    fc.constantFrom('a', 'b', 'ab', 'nginx:latest', 'ghcr.io/x:1', '512Mi', '2Gi', '1h', '90m', '', '0', '5'),
    fc.integer({ min: -3, max: 12 }),
    fc.double({ min: -5, max: 5, noNaN: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const leafPattern = fc.oneof(
    scalar,
    fc.constantFrom(
      '*',
      '?*',
      '!*:latest',
      '*:*',
      'a | b',
      'a & b',
      '>1 & <10',
      '1-4',
      '1!-4',
      '<=1Gi',
      '>=512Mi',
      '>1h',
      '<30m',
      '!a',
      '>=2',
      'a*',
      'Always | IfNotPresent',
    ),
  );
  const name = fc.constantFrom('a', 'b', 'c', 'kind', 'spec', 'list');
  const patternKey = fc.oneof(
    name,
    name.map((k) => `(${k})`),
    name.map((k) => `<(${k})`),
    name.map((k) => `=(${k})`),
    name.map((k) => `X(${k})`),
    name.map((k) => `^(${k})`),
    name.map((k) => `+(${k})`),
  );
  const resourceTree: fc.Arbitrary<JsonValue> = fc.letrec<{ node: JsonValue }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      scalar,
      fc.dictionary(name, tie('node'), { maxKeys: 4 }),
      fc.array(tie('node'), { maxLength: 3 }),
    ),
  })).node;
  const patternTree: fc.Arbitrary<JsonValue> = fc.letrec<{ node: JsonValue }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      leafPattern,
      fc.dictionary(patternKey, tie('node'), { maxKeys: 4 }),
      fc.array(tie('node'), { maxLength: 2 }),
    ),
  })).node;
  const withMetadata = fc.record({
    metadata: fc.record({
      labels: fc.dictionary(fc.constantFrom('app', 'app.io/x', 'team', 'tier'), leafPattern, { maxKeys: 3 }),
    }),
  });
  const patternWithMetadata = fc.record({
    metadata: fc.record({
      labels: fc.dictionary(fc.constantFrom('app*', '(app.io/*)', 'te?m', '=(t*)', 'tier'), leafPattern, {
        maxKeys: 3,
      }),
    }),
  });

  const item = fc.dictionary(name, scalar, { maxKeys: 3 });
  const itemPattern = fc.dictionary(patternKey, leafPattern, { maxKeys: 3 });
  const listResource = fc.record({ list: fc.array(item, { maxLength: 4 }), a: scalar });
  const listPattern = fc.oneof(
    fc.record({ '^(list)': fc.array(itemPattern, { minLength: 1, maxLength: 2 }) }),
    fc.record({ list: fc.array(itemPattern, { minLength: 1, maxLength: 1 }), '(a)': leafPattern }),
    fc.record({ list: fc.array(fc.array(itemPattern, { maxLength: 1 }), { maxLength: 2 }) }),
  );

  it.each([
    ['trees', resourceTree, patternTree],
    ['anchors over lists', listResource, listPattern],
    ['a tree against itself', patternTree, patternTree],
    ['wildcard metadata keys', withMetadata, patternWithMetadata],
  ] as const)('%s', (_name, resources, patterns) => {
    fc.assert(
      fc.property(resources, patterns, (resource, pattern) => {
        expect(matchPattern(resource, pattern)).toEqual(referenceMatchPattern(resource, pattern));
      }),
      { numRuns: 3000 },
    );
  });

  // The generated fast path may only say "pass" when the interpreter passes, and must say it for
  // every pass of a pattern without anchors that can skip (conditional, global) or that it leaves
  // to the matcher (existence).
  const canSkip = (p: unknown): boolean =>
    JSON.stringify(p).includes('"(') ||
    JSON.stringify(p).includes('"<(') ||
    JSON.stringify(p).includes('"^(');
  it.each([
    ['trees', resourceTree, patternTree],
    ['anchors over lists', listResource, listPattern],
    ['a tree against itself', patternTree, patternTree],
    ['wildcard metadata keys', withMetadata, patternWithMetadata],
  ] as const)('fast path: %s', (_name, resources, patterns) => {
    let covered = 0;
    fc.assert(
      fc.property(resources, patterns, (resource, pattern) => {
        const fast = compileFastPattern(pattern);
        const reference = referenceMatchPattern(resource, pattern).status;
        if (fast === undefined) return;
        covered++;
        if (fast(resource)) expect(reference).toEqual('pass');
        else if (!canSkip(pattern)) expect(reference).not.toEqual('pass');
      }),
      { numRuns: 2000 },
    );
    expect(covered).toBeGreaterThan(0);
  });

  it('fast path covers the shapes policies use', () => {
    const pattern = {
      spec: {
        template: {
          spec: {
            containers: [
              {
                image: '!*:latest',
                '=(imagePullPolicy)': 'Always | IfNotPresent',
                resources: { limits: { memory: '<=1Gi' } },
              },
            ],
            'X(hostPID)': null,
          },
        },
      },
    };
    const fast = compileFastPattern(pattern)!;
    const container = { image: 'a:1', imagePullPolicy: 'Always', resources: { limits: { memory: '512Mi' } } };
    expect(fast({ spec: { template: { spec: { containers: [container, container] } } } })).toBe(true);
    expect(
      fast({ spec: { template: { spec: { containers: [{ ...container, image: 'a:latest' }] } } } }),
    ).toBe(false);
    expect(fast({ spec: { template: { spec: { containers: [container], hostPID: true } } } })).toBe(false);
    expect(compileFastPattern({ '^(list)': [{ a: 1 }] })).toBeUndefined();
    // Keys are data, never code.
    const odd = { "'); throw new Error('x": 'a', '\u2028': 'b' };
    expect(compileFastPattern(odd)!({ "'); throw new Error('x": 'a', '\u2028': 'b' })).toBe(true);
  });

  it('leaf values', () => {
    fc.assert(
      fc.property(scalar, leafPattern, (value, pattern) => {
        expect(validateValue(value, pattern)).toEqual(referenceValidateValue(value, pattern));
      }),
      { numRuns: 3000 },
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
