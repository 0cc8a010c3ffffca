import { describe, expect, it } from 'vitest';
import { BosunError, exitCodeFor, isBosunError, limitError } from './errors.ts';
import { ERROR_CODES, EXIT_CODES } from './error-codes.ts';

describe('BosunError', () => {
  it.each([
    ['CLI_USAGE', 2],
    ['REFERENCE_INVALID', 2],
    ['REGISTRY_UNREACHABLE', 3],
    ['IMAGE_DIGEST_MISMATCH', 4],
    ['LAYER_LIMIT', 4],
    ['VULNDB_STALE', 5],
    ['INTERNAL', 70],
  ] as const)('maps %s to exit code %i', (code, exit) => {
    expect(exitCodeFor(new BosunError(code, 'x'))).toBe(exit);
  });

  it('maps unknown throwables to the internal exit code', () => {
    expect(exitCodeFor(new TypeError('boom'))).toBe(70);
    expect(exitCodeFor('string')).toBe(70);
  });

  it('maps every code to a known exit code', () => {
    for (const category of Object.values(ERROR_CODES)) {
      expect(EXIT_CODES[category]).toBeGreaterThan(0);
    }
  });

  it('names the input and the limit', () => {
    const error = limitError('LAYER_LIMIT', 'layer sha256:ab', 'entries', 11, 10);
    expect(isBosunError(error, 'LAYER_LIMIT')).toBe(true);
    expect(error.details).toEqual({ input: 'layer sha256:ab', limit: 'entries', value: 11, max: 10 });
    expect(error.message).toContain('layer sha256:ab');
  });
});
