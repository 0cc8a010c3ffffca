import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedText, valueOrBosunError } from '../../../test/support/parser-property.ts';
import { isBosunError } from '../../util/errors.ts';
import { DEFAULT_OSV_LIMITS, jsonDepth, parseOsvRecord } from './parse-osv.ts';

const SHARED_OSV = fileURLToPath(new URL('../../../../shared/osv', import.meta.url));
const GHSA = readFileSync(join(SHARED_OSV, 'ghsa', 'GHSA-4xh5-x5gv-qwph.json'), 'utf8');

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    return isBosunError(error) ? error.code : `not a BosunError: ${String(error)}`;
  }
}

describe('parseOsvRecord', () => {
  it.each(['go', 'pypi', 'ghsa'])('parses every real record in shared/osv/%s', (folder) => {
    const files = readdirSync(join(SHARED_OSV, folder)).filter((name) => name.endsWith('.json'));
    expect(files.length).toBeGreaterThan(40);
    for (const file of files) {
      const record = parseOsvRecord(readFileSync(join(SHARED_OSV, folder, file)), file);
      expect(`${record.id}.json`).toBe(file);
    }
  });

  it('keeps what matching needs from a GHSA record', () => {
    expect(parseOsvRecord(GHSA, 'GHSA-4xh5-x5gv-qwph.json')).toEqual({
      id: 'GHSA-4xh5-x5gv-qwph',
      modified: expect.any(String),
      published: expect.any(String),
      aliases: ['CVE-2025-8869'],
      related: [],
      summary: expect.stringMatching(/./),
      severity: [],
      affected: [
        {
          ecosystem: 'PyPI',
          name: 'pip',
          ranges: [
            {
              type: 'ECOSYSTEM',
              events: [
                { kind: 'introduced', version: '0' },
                { kind: 'last_affected', version: '25.2' },
              ],
            },
          ],
          versions: [],
          severity: [],
          hints: {},
        },
      ],
      references: expect.any(Array),
      rating: 'MODERATE',
    });
  });

  it.each([
    { what: 'not JSON', input: '{"id": ', code: 'VULNDB_INVALID' },
    { what: 'not an object', input: '[1, 2]', code: 'VULNDB_INVALID' },
    { what: 'no id', input: '{"modified": "2024-01-01T00:00:00Z"}', code: 'VULNDB_INVALID' },
    { what: 'id not a string', input: '{"id": 5, "modified": "x"}', code: 'VULNDB_INVALID' },
    { what: 'no modified', input: '{"id": "X-1"}', code: 'VULNDB_INVALID' },
    {
      what: 'affected not an array',
      input: '{"id": "X-1", "modified": "m", "affected": {}}',
      code: 'VULNDB_INVALID',
    },
    {
      what: 'event with two kinds',
      input:
        '{"id":"X-1","modified":"m","affected":[{"package":{"ecosystem":"npm","name":"a"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0","fixed":"1"}]}]}]}',
      code: 'VULNDB_INVALID',
    },
    {
      what: 'event version not a string',
      input:
        '{"id":"X-1","modified":"m","affected":[{"package":{"ecosystem":"npm","name":"a"},"ranges":[{"type":"SEMVER","events":[{"fixed":1}]}]}]}',
      code: 'VULNDB_INVALID',
    },
    {
      what: 'package without a name',
      input: '{"id":"X-1","modified":"m","affected":[{"package":{"ecosystem":"npm"}}]}',
      code: 'VULNDB_INVALID',
    },
    {
      what: 'deep nesting',
      input: `{"id":"X-1","modified":"m","x":${'['.repeat(100)}${']'.repeat(100)}}`,
      code: 'LIMIT_EXCEEDED',
    },
    {
      what: 'oversized record',
      input: `{"id":"X-1","modified":"m","details":"${'a'.repeat(DEFAULT_OSV_LIMITS.maxRecordBytes)}"}`,
      code: 'LIMIT_EXCEEDED',
    },
    {
      what: 'an id longer than 256',
      input: `{"id":"${'A'.repeat(300)}","modified":"m"}`,
      code: 'LIMIT_EXCEEDED',
    },
    {
      what: 'a huge version',
      input: `{"id":"X-1","modified":"m","affected":[{"package":{"ecosystem":"npm","name":"a"},"versions":["${'1'.repeat(2000)}"]}]}`,
      code: 'LIMIT_EXCEEDED',
    },
  ])('$what → $code', ({ input, code }) => {
    expect(codeOf(() => parseOsvRecord(input, 'test.json'))).toBe(code);
  });

  it('refuses invalid UTF-8 as VULNDB_INVALID', () => {
    expect(codeOf(() => parseOsvRecord(Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]), 'bad.json'))).toBe(
      'VULNDB_INVALID',
    );
  });

  it('limits list lengths (affected entries)', () => {
    const affected = Array.from({ length: 11 }, () => ({ package: { ecosystem: 'npm', name: 'a' } }));
    const input = JSON.stringify({ id: 'X-1', modified: 'm', affected });
    expect(codeOf(() => parseOsvRecord(input, 'x.json', { ...DEFAULT_OSV_LIMITS, maxAffected: 10 }))).toBe(
      'LIMIT_EXCEEDED',
    );
  });

  it('skips affected entries without a package and ranges of unknown types', () => {
    const input = JSON.stringify({
      id: 'X-1',
      modified: 'm',
      affected: [
        { ranges: [{ type: 'GIT', repo: 'r', events: [{ introduced: 'abc' }] }] },
        {
          package: { ecosystem: 'npm', name: 'a' },
          ranges: [{ type: 'CUSTOM', events: [{ introduced: '0' }] }],
        },
      ],
    });
    expect(parseOsvRecord(input, 'x.json').affected).toEqual([
      { ecosystem: 'npm', name: 'a', ranges: [], versions: [], severity: [], hints: {} },
    ]);
  });

  it('jsonDepth ignores brackets inside strings', () => {
    expect(jsonDepth('{"a": "[[[[{{{{", "b": [[1]]}')).toBe(3);
  });

  it.each([
    ['{"a": "x\\\\", "b": [[1]]}', 3],
    ['{"a": "x\\"[[", "b": 1}', 1],
    ['["\\\\\\"[", [[]]]', 3],
    ['{"a": "unterminated [[[', 1],
  ])('jsonDepth reads escaped quotes and backslashes: %s → %i', (text, depth) => {
    expect(jsonDepth(text)).toBe(depth);
  });

  it('property: jsonDepth equals a character-by-character scan', () => {
    const scan = (text: string): number => {
      let depth = 0;
      let max = 0;
      let inString = false;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (inString) {
          if (c === '\\') i++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '{' || c === '[') max = Math.max(max, ++depth);
        else if (c === '}' || c === ']') depth--;
      }
      return max;
    };
    const piece = fc.constantFrom('"', '\\', '{', '}', '[', ']', 'a', ',', ':', ' ');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const text = pieces.join('');
        expect(jsonDepth(text)).toBe(scan(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: mutated real records give a record or VULNDB_INVALID/LIMIT_EXCEEDED', () => {
    fc.assert(
      fc.property(mutatedText(GHSA), (text) => {
        valueOrBosunError(() => parseOsvRecord(text, 'mutated.json'), ['VULNDB_INVALID', 'LIMIT_EXCEEDED']);
      }),
      { numRuns: 500 },
    );
  });

  it('property: arbitrary JSON values give a record or VULNDB_INVALID/LIMIT_EXCEEDED', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        valueOrBosunError(
          () => parseOsvRecord(JSON.stringify(value), 'json.json'),
          ['VULNDB_INVALID', 'LIMIT_EXCEEDED'],
        );
      }),
      { numRuns: 500 },
    );
  });
});
