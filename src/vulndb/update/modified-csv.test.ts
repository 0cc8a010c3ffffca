import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseModifiedCsv } from './modified-csv.ts';

describe('parseModifiedCsv', () => {
  it('reads per-ecosystem and bucket-wide lines, skipping a header and junk', () => {
    const text = [
      'modified,id',
      '2024-10-10T12:00:00.123456Z,PYSEC-2024-1',
      '2024-10-09T00:00:00Z,PyPI/GHSA-aaaa-bbbb-cccc',
      '2024-10-08T00:00:00Z,RHSA-2024:1234',
      '',
      'garbage',
      'not-a-date,GHSA-x',
      '2024-10-07T00:00:00Z,../../etc/passwd',
    ].join('\r\n');
    expect(parseModifiedCsv(text).map((e) => [e.modified, e.id])).toEqual([
      ['2024-10-10T12:00:00.123456Z', 'PYSEC-2024-1'],
      ['2024-10-09T00:00:00Z', 'GHSA-aaaa-bbbb-cccc'],
      ['2024-10-08T00:00:00Z', 'RHSA-2024:1234'],
      ['2024-10-07T00:00:00Z', 'passwd'],
    ]);
  });

  it('property: any text gives entries with a finite time and a safe id', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (text) => {
        for (const entry of parseModifiedCsv(text)) {
          expect(Number.isFinite(entry.modifiedMs)).toBe(true);
          expect(entry.id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/);
        }
      }),
      { numRuns: 500 },
    );
  });
});
