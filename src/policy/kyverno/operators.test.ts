import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluateOperator, type ConditionOperator } from './operators.ts';
import { wildcardMatch } from '../common/wildcard.ts';

describe('condition operators', () => {
  it.each<[ConditionOperator, unknown, unknown, boolean]>([
    ['Equals', 'nginx:latest', '*:latest', true],
    ['Equals', 3, '3', true],
    ['Equals', '1Gi', '1024Mi', true],
    ['Equals', '1h', '60m', true],
    ['NotEquals', 'a', 'b', true],
    ['In', 'a', ['a', 'b'], true],
    ['In', 'c', '["a","b"]', false],
    ['In', ['a', 'b'], ['a', 'b', 'c'], true],
    ['NotIn', 'c', ['a', 'b'], true],
    ['AnyIn', ['a', 'z'], ['a', 'b'], true],
    ['AllIn', ['a', 'z'], ['a', 'b'], false],
    ['AnyNotIn', ['a', 'z'], ['a', 'b'], true],
    ['AllNotIn', ['y', 'z'], ['a', 'b'], true],
    ['AnyIn', ['5'], '1-10', true],
    ['GreaterThan', 5, '3', true],
    ['GreaterThan', '2Gi', '1Gi', true],
    ['LessThanOrEquals', '1.2.3', '1.3.0', true],
    ['GreaterThanOrEquals', '2h', '90m', true],
    ['DurationGreaterThan', '2h', '1h', true],
    ['DurationLessThan', '30s', 60, true],
  ])('%s(%j, %j) = %s', (op, key, value, want) => {
    expect(evaluateOperator(op, key, value)).toEqual(want);
  });
});

// The In family against the plain definition (each list entry a wildcard pattern for the key; for
// Any/All also the key a pattern for the entry), on keys and lists with wildcards.
describe('In-family operators agree with their definition', () => {
  const word = fc.stringMatching(/^[ab*?]{0,4}$/u);
  const member = (list: string[], k: string, symmetric: boolean): boolean =>
    list.some((v) => wildcardMatch(v, k) || (symmetric && wildcardMatch(k, v)));
  it('In, NotIn, AnyIn, AllIn, AnyNotIn, AllNotIn', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 3 }), fc.array(word, { maxLength: 4 }), (keys, list) => {
        const k = keys[0] ?? 'a';
        expect(evaluateOperator('In', k, list)).toBe(member(list, k, false));
        expect(evaluateOperator('NotIn', k, list)).toBe(!member(list, k, false));
        expect(evaluateOperator('In', keys, list)).toBe(keys.every((x) => member(list, x, false)));
        expect(evaluateOperator('AnyIn', keys, list)).toBe(keys.some((x) => member(list, x, true)));
        expect(evaluateOperator('AllIn', keys, list)).toBe(keys.every((x) => member(list, x, true)));
        expect(evaluateOperator('AnyNotIn', keys, list)).toBe(keys.some((x) => !member(list, x, true)));
        expect(evaluateOperator('AllNotIn', keys, list)).toBe(keys.every((x) => !member(list, x, true)));
      }),
      { numRuns: 2000 },
    );
  });
});
