import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, type RetryPolicy } from './retry.ts';

const policy: RetryPolicy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('retry timing', () => {
  it.each<[string | undefined, number | undefined]>([
    [undefined, undefined],
    ['0', 0],
    ['7', 7000],
    [' 2 ', 2000],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['soon', undefined],
    ['-1', undefined],
  ])('Retry-After %j → %j ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toEqual(expected);
  });

  it.each([
    [0, 0, 50],
    [0, 1, 100],
    [1, 0, 100],
    [2, 1, 400],
    [9, 1, 1000],
  ])('backoff attempt %i with random %f is %i ms', (attempt, random, expected) => {
    expect(backoffDelay(policy, attempt, () => random)).toEqual(expected);
  });

  it('property: backoff stays within [ceiling/2, ceiling] and never exceeds the cap', () => {
    fc.assert(
      fc.property(fc.nat(100), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, random) => {
        const delay = backoffDelay(policy, attempt, () => random);
        const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 30));
        expect(delay >= Math.floor(ceiling / 2) && delay <= policy.maxDelayMs).toBe(true);
      }),
    );
  });
});
