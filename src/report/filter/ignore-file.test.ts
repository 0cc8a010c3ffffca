import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedText, valueOrBosunError } from '../../../test/support/parser-property.ts';
import { isBosunError } from '../../util/errors.ts';
import { parseIgnoreFile, ruleExpired, validDate } from './ignore-file.ts';

const TEXT = [
  '# accepted risks',
  'CVE-2023-45853',
  'CVE-2024-0727 exp:2024-06-30 # fixed upstream in the next base image',
  '',
  'GHSA-hrpp-h998-j3pp pkg:npm/qs pkg:npm/qs@6.7.0?foo=bar exp:2030-01-01',
  '   DLA-3942-1   ',
].join('\n');

const YAML = `vulnerabilities:
  - id: CVE-2022-40897
    paths:
      - "/usr/local/lib/python3.9/site-packages/setuptools-58.1.0.dist-info/METADATA"
    statement: Accept the risk
  - id: CVE-2023-2650
  - id: CVE-2023-3446
    purls:
      - "pkg:deb/debian/libssl1.1"
    expired_at: 2023-09-01
misconfigurations:
  - id: AVD-DS-0001
`;

describe('parseIgnoreFile: text', () => {
  it('reads ids, purl scopes, expiry dates and statements', () => {
    expect(parseIgnoreFile(TEXT, { source: '.bosunignore' })).toEqual({
      source: '.bosunignore',
      rules: [
        { id: 'CVE-2023-45853', purls: [], paths: [], expiresAt: undefined, statement: undefined, line: 2 },
        {
          id: 'CVE-2024-0727',
          purls: [],
          paths: [],
          expiresAt: '2024-06-30',
          statement: 'fixed upstream in the next base image',
          line: 3,
        },
        {
          id: 'GHSA-hrpp-h998-j3pp',
          purls: ['pkg:npm/qs', 'pkg:npm/qs@6.7.0?foo=bar'],
          paths: [],
          expiresAt: '2030-01-01',
          statement: undefined,
          line: 5,
        },
        { id: 'DLA-3942-1', purls: [], paths: [], expiresAt: undefined, statement: undefined, line: 6 },
      ],
    });
  });

  it.each([
    ['CVE-1 exp:2024-02-30', 3], // not a calendar date
    ['CVE-1 exp:tomorrow', 1],
    ['CVE-1 exp:2024-01-01 exp:2024-01-02', 1],
    ['CVE-1 pkg:', 1],
    ['CVE-1 lodash', 1],
    ['-CVE-1', 1],
    ['\n\nCVE-1 something', 3],
  ])('rejects %j', (text) => {
    let code: string | undefined;
    try {
      parseIgnoreFile(text);
    } catch (error) {
      code = isBosunError(error) ? error.code : 'other';
    }
    expect(code).toEqual('REPORT_IGNORE_INVALID');
  });

  it('names the line of the error', () => {
    expect(() => parseIgnoreFile('CVE-1\nCVE-2 bogus', { source: 'x' })).toThrow(/^x:2: /);
  });

  it('enforces size and rule-count limits', () => {
    expect(() => parseIgnoreFile('CVE-1\n'.repeat(10), { maxRules: 5 })).toThrow(
      expect.objectContaining({ code: 'REPORT_LIMIT' }),
    );
    expect(() => parseIgnoreFile('x'.repeat(100), { maxBytes: 50 })).toThrow(
      expect.objectContaining({ code: 'REPORT_LIMIT' }),
    );
  });
});

describe('parseIgnoreFile: YAML', () => {
  it('reads the .trivyignore.yaml form', () => {
    expect(parseIgnoreFile(YAML, { source: '.trivyignore.yaml' }).rules).toEqual([
      {
        id: 'CVE-2022-40897',
        purls: [],
        paths: ['usr/local/lib/python3.9/site-packages/setuptools-58.1.0.dist-info/METADATA'],
        expiresAt: undefined,
        statement: 'Accept the risk',
        line: 1,
      },
      { id: 'CVE-2023-2650', purls: [], paths: [], expiresAt: undefined, statement: undefined, line: 2 },
      {
        id: 'CVE-2023-3446',
        purls: ['pkg:deb/debian/libssl1.1'],
        paths: [],
        expiresAt: '2023-09-01',
        statement: undefined,
        line: 3,
      },
    ]);
  });

  it('detects YAML by content when the name says nothing', () => {
    expect(parseIgnoreFile(YAML, { source: 'ignore' }).rules).toHaveLength(3);
    expect(parseIgnoreFile('', { source: 'x.yaml' }).rules).toEqual([]);
  });

  it.each([
    ['vulnerabilities:\n  - id: CVE-1\n    purl: pkg:npm/x\n', 'misspelt scope key'],
    ['vulnerabilities:\n  - id: CVE-1\n    purls: [lodash]\n', 'purl that is not a purl'],
    ['vulnerabilities:\n  - id: CVE-1\n    expired_at: 2023-13-01\n', 'impossible date'],
    ['vulnerabilities:\n  - id: CVE-1\n    expired_at: 20230101\n', 'number as a date'],
    ['vulnerabilities:\n  - purls: [pkg:npm/x]\n', 'missing id'],
    ['vulnerabilities: {id: CVE-1}\n', 'not a list'],
    ['vulnerabilities:\n  - id: CVE-1\n  - id: [a\n', 'broken YAML'],
    ['vulnerability:\n  - id: CVE-1\n', 'unknown section'],
    ['- CVE-1\n', 'not a mapping'],
  ])('rejects %j (%s)', (text) => {
    expect(() => parseIgnoreFile(text, { source: 'i.yaml' })).toThrow(
      expect.objectContaining({ code: 'REPORT_IGNORE_INVALID' }),
    );
  });

  it('bounds alias expansion (billion laughs)', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ),
      'vulnerabilities: []',
    ].join('\n');
    expect(() => parseIgnoreFile(bomb, { source: 'bomb.yaml' })).toThrow(
      expect.objectContaining({ code: 'REPORT_IGNORE_INVALID' }),
    );
  });
});

describe('expiry', () => {
  it.each([
    ['2024-06-29T23:59:59Z', false],
    ['2024-06-30T00:00:00Z', true],
    ['2025-01-01T00:00:00Z', true],
  ])('a rule with exp:2024-06-30 at %s expired=%s', (now, expired) => {
    const rule = { id: 'CVE-1', purls: [], paths: [], expiresAt: '2024-06-30', line: 1 };
    expect(ruleExpired(rule, new Date(now))).toBe(expired);
  });

  it.each([
    ['2024-02-29', '2024-02-29'],
    ['2023-02-29', undefined],
    ['2024-2-1', undefined],
  ])('validDate(%s)', (text, expected) => {
    expect(validDate(text)).toEqual(expected);
  });
});

describe('property: untrusted ignore files', () => {
  it('text: a value or a BosunError', () => {
    fc.assert(
      fc.property(mutatedText(TEXT), (text) => {
        valueOrBosunError(
          () => parseIgnoreFile(text, { format: 'text' }),
          ['REPORT_IGNORE_INVALID', 'REPORT_LIMIT'],
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('YAML: a value or a BosunError', () => {
    fc.assert(
      fc.property(mutatedText(YAML), (text) => {
        const result = valueOrBosunError(
          () => parseIgnoreFile(text, { format: 'yaml', maxRules: 50 }),
          ['REPORT_IGNORE_INVALID', 'REPORT_LIMIT'],
        );
        if (result !== undefined) for (const rule of result.rules) expect(typeof rule.id).toBe('string');
      }),
      { numRuns: 1000 },
    );
  });
});
