import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import { compareDigitBytes, compareDigits, KEY_CACHE_ENTRIES } from './compare-util.ts';
import { dpkgComparator } from './dpkg.ts';
import { semverComparator } from './semver.ts';

describe('compareDigitBytes', () => {
  it.each([
    ['', '', 0],
    ['', '0', 0],
    ['000', '', 0],
    ['', '1', -1],
    ['007', '7', 0],
    ['10', '9', 1],
    ['0010', '0009', 1],
    ['123', '124', -1],
  ])('%j vs %j → %i, as compareDigits', (a, b, expected) => {
    const bytesA = Buffer.from(`x${a}y`, 'latin1');
    const bytesB = Buffer.from(`zz${b}`, 'latin1');
    expect(compareDigitBytes(bytesA, 1, 1 + a.length, bytesB, 2, 2 + b.length)).toEqual(expected);
    expect(compareDigits(a, b)).toEqual(expected);
  });

  it('agrees with compareDigits on any two runs of digits', () => {
    const digits = fc.stringMatching(/^[0-9]{0,30}$/);
    fc.assert(
      fc.property(digits, digits, (a, b) => {
        const bytesA = Buffer.from(a, 'latin1');
        const bytesB = Buffer.from(b, 'latin1');
        expect(compareDigitBytes(bytesA, 0, a.length, bytesB, 0, b.length)).toEqual(compareDigits(a, b));
      }),
    );
  });
});

describe('parsed-key cache', () => {
  it('orders correctly while far more distinct versions pass than it keeps', () => {
    const n = KEY_CACHE_ENTRIES * 3;
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      if (semverComparator.compare(`1.${i}.0`, `1.${i + 1}.0`) !== -1) wrong++;
      // An early version again, after it has been retired from both generations.
      if (semverComparator.compare(`1.${i % 7}.0`, `1.${i + 7}.0`) !== -1) wrong++;
    }
    expect(wrong).toEqual(0);
  });

  it.each([['1.0 0'], [''], ['1:']])(
    'an unreadable version %j throws on every call (never cached)',
    (version) => {
      const codes = [0, 1, 2].map(() => {
        try {
          dpkgComparator.compare(version, '1.0');
          return 'ok';
        } catch (error) {
          return isBosunError(error) ? error.code : 'other';
        }
      });
      expect(codes).toEqual(['VULNDB_VERSION_INVALID', 'VULNDB_VERSION_INVALID', 'VULNDB_VERSION_INVALID']);
    },
  );
});
