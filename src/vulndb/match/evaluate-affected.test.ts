import { describe, expect, it } from 'vitest';
import { comparatorForEcosystem } from '../versions/index.ts';
import { parseStoredAffected, serializeStoredAffected, storedAffected } from '../db/stored-affected.ts';
import type { OsvAffected, OsvEventKind } from '../osv/osv-types.ts';
import { evaluateAffected } from './evaluate-affected.ts';

function entry(
  ecosystem: string,
  events: [OsvEventKind, string][][],
  versions: string[] = [],
  fixStatus?: string,
) {
  const affected: OsvAffected = {
    ecosystem,
    name: 'x',
    ranges: events.map((list) => ({
      type: 'ECOSYSTEM',
      events: list.map(([kind, version]) => ({ kind, version })),
    })),
    versions,
    severity: [],
    hints: fixStatus === undefined ? {} : { fixStatus },
  };
  const comparator = comparatorForEcosystem(ecosystem);
  if (comparator === undefined) throw new Error(ecosystem);
  // Through the DB column's text form, as matching reads it.
  const stored = parseStoredAffected(serializeStoredAffected(storedAffected(affected, comparator)));
  return (version: string) => evaluateAffected(stored, version, comparator);
}

describe('evaluateAffected (OSV schema evaluation)', () => {
  const twoIntervals = entry('npm', [
    [
      ['introduced', '1.0.0'],
      ['fixed', '1.0.2'],
      ['introduced', '3.0.0'],
      ['fixed', '3.2.5'],
    ],
  ]);
  it.each([
    ['0.9.0', undefined],
    ['1.0.0', ['1.0.2']],
    ['1.0.1', ['1.0.2']],
    ['1.0.2', undefined],
    ['2.9.9', undefined],
    ['3.0.0', ['3.2.5']],
    ['3.2.4', ['3.2.5']],
    ['3.2.5', undefined],
  ])('two intervals: %s → %j', (version, fixed) => {
    expect(twoIntervals(version)?.fixed).toEqual(fixed);
  });

  it('events given out of order are sorted first', () => {
    const check = entry('PyPI', [
      [
        ['fixed', '2.0'],
        ['introduced', '1.0'],
      ],
    ]);
    expect([check('0.9'), check('1.5')?.fixed, check('2.0')]).toEqual([undefined, ['2.0'], undefined]);
  });

  it('last_affected: inclusive bound, no fixed version', () => {
    const check = entry('PyPI', [
      [
        ['introduced', '0'],
        ['last_affected', '2.1.214'],
      ],
    ]);
    expect([check('2.1.214'), check('2.1.215')]).toEqual([{ fixed: [], willNotFix: false }, undefined]);
  });

  it('limit: versions at or above every limit are not affected', () => {
    const check = entry('npm', [
      [
        ['introduced', '0'],
        ['limit', '2.0.0'],
      ],
    ]);
    expect([check('1.9.9') !== undefined, check('2.0.0') !== undefined]).toEqual([true, false]);
  });

  it('introduced "0" with no fix: every version, status unfixed', () => {
    expect(entry('Debian:12', [[['introduced', '0']]])('1:2.3-4')).toEqual({ fixed: [], willNotFix: false });
  });

  it('a versions list matches by the ecosystem’s equality only when there are no ranges', () => {
    expect(entry('PyPI', [], ['1.0'])('1.0.0')).toEqual({ fixed: [], willNotFix: false });
    expect(entry('PyPI', [[['introduced', '5.0']]], ['1.0'])('1.0.0')).toBeUndefined();
    expect(entry('PyPI', [[['introduced', '5.0']]], ['1.0'])('1.0')).toEqual({
      fixed: [],
      willNotFix: false,
    });
  });

  it('ranges with versions the ecosystem rejects are skipped, not fatal', () => {
    const check = entry('npm', [
      [
        ['introduced', 'not-a-version!'],
        ['fixed', '2.0.0'],
      ],
      [
        ['introduced', '0'],
        ['fixed', '1.0.0'],
      ],
    ]);
    expect([check('0.5.0')?.fixed, check('1.5.0')]).toEqual([['1.0.0'], undefined]);
  });

  it.each([
    {
      what: '<not-affected> in a range',
      events: [
        ['introduced', '0'],
        ['fixed', '<not-affected>'],
      ],
      status: undefined,
    },
    {
      what: '<unfixed>',
      events: [
        ['introduced', '0'],
        ['fixed', '<unfixed>'],
      ],
      status: { fixed: [], willNotFix: false },
    },
    {
      what: '<no-dsa>',
      events: [
        ['introduced', '0'],
        ['fixed', '<no-dsa>'],
      ],
      status: { fixed: [], willNotFix: true },
    },
    {
      what: '<end-of-life>',
      events: [
        ['introduced', '0'],
        ['fixed', '<end-of-life>'],
      ],
      status: { fixed: [], willNotFix: true },
    },
  ] as const)('Debian tracker state $what', ({ events, status }) => {
    expect(entry('Debian:12', [events.map(([k, v]) => [k, v] as [OsvEventKind, string])])('1.0-1')).toEqual(
      status,
    );
  });

  it('a will-not-fix state in ecosystem_specific', () => {
    expect(entry('Debian:12', [[['introduced', '0']]], [], 'ignored')('1.0-1')).toEqual({
      fixed: [],
      willNotFix: true,
    });
    expect(entry('Debian:12', [[['introduced', '0']]], [], 'not-affected')('1.0-1')).toBeUndefined();
  });
});
