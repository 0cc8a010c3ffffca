import { describe, expect, it } from 'vitest';
import { evaluateOperator, type ConditionOperator } from './operators.ts';

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
