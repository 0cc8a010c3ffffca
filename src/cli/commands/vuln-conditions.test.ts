import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import { valueOrBosunError } from '../../../test/support/parser-property.ts';
import { evaluateVulnConditions, parseConditions, parseDuration } from './vuln-conditions.ts';

const NOW = new Date('2025-06-01T12:00:00Z');

/** A cosign vuln predicate (cosign's field order) around a scanner report. */
function record(result: unknown, scanFinishedOn = '2025-06-01T11:00:00Z'): unknown {
  return {
    invocation: { parameters: null, uri: '', event_id: '', 'builder.id': '' },
    scanner: { uri: 'pkg:github/example/scanner@1.0', version: '1.0', db: { uri: '', version: '' }, result },
    metadata: { scanStartedOn: '2025-06-01T10:59:00Z', scanFinishedOn },
  };
}

const bosun = (severities: string[]) => ({
  schemaVersion: 1,
  results: [
    {
      target: 'os-pkgs',
      class: 'os-pkgs',
      vulnerabilities: severities.map((severity, i) => ({ id: `CVE-2025-${1000 + i}`, severity })),
    },
    { target: 'app/package-lock.json', class: 'lang-pkgs', vulnerabilities: [] },
  ],
});
const trivy = (severities: string[]) => ({
  SchemaVersion: 2,
  Results: [
    {
      Target: 'debian',
      Vulnerabilities: severities.map((Severity, i) => ({ VulnerabilityID: `CVE-1-${i}`, Severity })),
    },
    { Target: 'node-pkg' },
  ],
});
const grype = (severities: string[]) => ({
  matches: severities.map((severity, i) => ({ vulnerability: { id: `GHSA-${i}`, severity } })),
});

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toEqual(ms);
  });

  it.each(['', '24', 'h', '-1h', '0h', '1w', '1h 30m', '24H', '1e3s', '1h1h1h1h1h'])(
    'rejects "%s"',
    (text) => {
      expect(() => parseDuration(text)).toThrow(expect.objectContaining({ code: 'CLI_USAGE' }));
    },
  );
});

describe('parseConditions', () => {
  it.each([
    ['no-critical', [{ kind: 'no-critical' }]],
    ['max-age=24h', [{ kind: 'max-age', maxAgeMs: 86_400_000, text: '24h' }]],
    [
      'no-critical, max-age=30m',
      [{ kind: 'no-critical' }, { kind: 'max-age', maxAgeMs: 1_800_000, text: '30m' }],
    ],
  ])('%s', (text, expected) => {
    expect(parseConditions(text)).toEqual(expected);
  });

  it.each(['', 'no-high', 'no-critical,', 'max-age', 'max-age=', 'max-age=forever', 'severity < HIGH'])(
    'rejects "%s" as a usage error',
    (text) => {
      expect(() => parseConditions(text)).toThrow(expect.objectContaining({ code: 'CLI_USAGE' }));
    },
  );
});

describe('evaluateVulnConditions', () => {
  const noCritical = parseConditions('no-critical');
  const maxAge = parseConditions('max-age=2h');

  it.each([
    ['Bosun report, HIGH only', record(bosun(['HIGH', 'LOW'])), true],
    ['Bosun report, one CRITICAL', record(bosun(['HIGH', 'CRITICAL'])), false],
    ['Bosun report, nothing found', record(bosun([])), true],
    ['Trivy report, MEDIUM', record(trivy(['MEDIUM'])), true],
    ['Trivy report, CRITICAL', record(trivy(['CRITICAL'])), false],
    ['Trivy report with no Results (nothing scanned)', record({ SchemaVersion: 2 }), true],
    ['Grype report, Critical (Grype capitalises)', record(grype(['High', 'Critical'])), false],
    ['Grype report, Medium', record(grype(['Medium'])), true],
    ['no result at all', record(null), false],
    ['an unknown report shape', record({ findings: [] }), false],
    ['results that are not a list', record({ schemaVersion: 1, results: 'none' }), false],
    [
      'a vulnerability that is not an object',
      record({ schemaVersion: 1, results: [{ vulnerabilities: [1] }] }),
      false,
    ],
    ['a predicate that is not an object', 'text', false],
  ])('no-critical on %s → %s', (_name, predicate, ok) => {
    expect(evaluateVulnConditions(predicate, noCritical, NOW).ok).toEqual(ok);
  });

  it('names the critical vulnerabilities (at most five)', () => {
    const outcome = evaluateVulnConditions(record(bosun(Array(7).fill('CRITICAL'))), noCritical, NOW);
    expect(outcome).toEqual({
      ok: false,
      reason:
        'no-critical: 7 CRITICAL (CVE-2025-1000, CVE-2025-1001, CVE-2025-1002, CVE-2025-1003, CVE-2025-1004, and 2 more)',
    });
  });

  it.each([
    ['an hour ago', '2025-06-01T11:00:00Z', true],
    ['exactly two hours ago', '2025-06-01T10:00:00Z', true],
    ['three hours ago', '2025-06-01T09:00:00.5+00:00', false],
    ['a minute ahead (clock skew)', '2025-06-01T12:01:00Z', true],
    ['a day ahead', '2025-06-02T12:00:00Z', false],
    ["Go's zero time (no time recorded)", '0001-01-01T00:00:00Z', false],
    ['not a time', 'yesterday', false],
  ])('max-age=2h for a scan finished %s → %s', (_name, finished, ok) => {
    expect(evaluateVulnConditions(record(bosun([]), finished), maxAge, NOW).ok).toEqual(ok);
  });

  it('combined conditions must all hold; the first failure is the reason', () => {
    const both = parseConditions('no-critical,max-age=2h');
    expect([
      evaluateVulnConditions(record(bosun(['LOW'])), both, NOW),
      evaluateVulnConditions(record(bosun(['LOW']), '2025-05-01T00:00:00Z'), both, NOW),
    ]).toEqual([
      { ok: true },
      { ok: false, reason: 'max-age: scan finished 2025-05-01T00:00:00Z, older than 2h' },
    ]);
  });

  it('quotes untrusted ids without control characters', () => {
    const predicate = record({
      schemaVersion: 1,
      results: [{ vulnerabilities: [{ id: 'CVE\u001b[31m', severity: 'critical' }] }],
    });
    expect(evaluateVulnConditions(predicate, noCritical, NOW)).toEqual({
      ok: false,
      reason: 'no-critical: 1 CRITICAL (CVE?[31m)',
    });
  });

  it('property: any JSON predicate yields a verdict, never an exception', () => {
    const conditions = parseConditions('no-critical,max-age=1h');
    const severity = fc.constantFrom('CRITICAL', 'critical', 'HIGH', 'Low', 1, null);
    const vulnerable = fc.record({ id: fc.string(), severity });
    const report = fc.oneof(
      fc.jsonValue(),
      fc.record({
        schemaVersion: fc.constant(1),
        results: fc.array(fc.record({ vulnerabilities: fc.array(vulnerable) })),
      }),
      fc.record({
        SchemaVersion: fc.anything(),
        Results: fc.oneof(fc.jsonValue(), fc.array(fc.record({ Vulnerabilities: fc.jsonValue() }))),
      }),
      fc.record({ matches: fc.oneof(fc.jsonValue(), fc.array(fc.record({ vulnerability: vulnerable }))) }),
    );
    const predicate = fc.oneof(
      fc.jsonValue(),
      fc.tuple(report, fc.jsonValue()).map(([r, t]) => record(r, t as string)),
    );
    fc.assert(
      fc.property(predicate, (value) => {
        const outcome = valueOrBosunError(() => evaluateVulnConditions(value, conditions, NOW), []);
        expect(typeof outcome?.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('property: a condition string parses or is a usage error', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^(no-critical|max-age=[0-9.smhd]{0,8})(,.{0,10})?$/)),
        (text) => {
          try {
            parseConditions(text);
          } catch (error) {
            expect(isBosunError(error, 'CLI_USAGE')).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
