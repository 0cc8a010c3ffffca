import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BosunError } from '../../util/errors.ts';
import type { JsonValue } from '../common/json.ts';
import {
  compileCelPredicate,
  evaluateCelPredicate,
  MAX_CEL_PREDICATE_LENGTH,
} from './predicate-condition.ts';

const NOW = new Date('2026-01-02T00:00:00Z');
/** A cosign vuln predicate around a Bosun JSON report (docs/report-json.md). */
function vulnPredicate(severities: string[], finished = '2026-01-01T12:00:00Z'): JsonValue {
  return {
    scanner: {
      uri: 'https://github.com/bosun',
      result: {
        schemaVersion: 1,
        results: [
          {
            target: 'os-pkgs',
            vulnerabilities: severities.map((severity, i) => ({ id: `CVE-${i}`, severity })),
          },
          { target: 'model.pkl', class: 'model' },
        ],
      },
    },
    metadata: { scanStartedOn: finished, scanFinishedOn: finished },
  };
}
const DOCUMENTED =
  "predicate.scanner.result.results.all(r, !has(r.vulnerabilities) || r.vulnerabilities.all(v, v.severity != 'CRITICAL')) && now - timestamp(predicate.metadata.scanFinishedOn) < duration('24h')";

function outcome(expression: string, predicate: JsonValue): unknown {
  try {
    return evaluateCelPredicate(expression, { predicate }, { now: NOW });
  } catch (error) {
    return error instanceof BosunError ? { code: error.code } : error;
  }
}

describe('evaluateCelPredicate', () => {
  it.each<[string, string, JsonValue, unknown]>([
    ['documented example, clean and fresh', DOCUMENTED, vulnPredicate(['HIGH', 'LOW']), { ok: true }],
    ['documented example, a CRITICAL', DOCUMENTED, vulnPredicate(['HIGH', 'CRITICAL']), { ok: false }],
    ['documented example, stale', DOCUMENTED, vulnPredicate([], '2025-12-31T23:00:00Z'), { ok: false }],
    ['a size check', 'size(predicate.scanner.result.results) == 2', vulnPredicate([]), { ok: true }],
    ['integers are CEL ints', 'predicate.scanner.result.schemaVersion == 1', vulnPredicate([]), { ok: true }],
    [
      'Kubernetes extensions',
      "predicate.scanner.uri.replace('bosun', 'x').endsWith('/x')",
      vulnPredicate([]),
      { ok: true },
    ],
    ['a syntax error', 'predicate.scanner &&', vulnPredicate([]), { code: 'POLICY_INVALID' }],
    ['a type error', "1 + 'a' == 2", vulnPredicate([]), { code: 'POLICY_INVALID' }],
    ['an undeclared variable', 'object.spec == 1', vulnPredicate([]), { code: 'POLICY_INVALID' }],
    ['a non-boolean type', "'x'", vulnPredicate([]), { code: 'POLICY_INVALID' }],
    ['a timestamp is not a bool', 'now', vulnPredicate([]), { code: 'POLICY_INVALID' }],
    [
      'a missing field at run time',
      'predicate.nothing.here == 1',
      vulnPredicate([]),
      { error: 'No such key: nothing' },
    ],
    [
      'a bad timestamp at run time',
      'timestamp(predicate.scanner.uri) < now',
      vulnPredicate([]),
      { error: expect.stringContaining('timestamp') as unknown },
    ],
    [
      'a non-boolean result at run time',
      'predicate.scanner.result.schemaVersion',
      vulnPredicate([]),
      { error: 'CEL condition returned a int, not a bool' },
    ],
    ['a null predicate', 'predicate == null', null, { ok: true }],
  ])('%s', (_name, expression, predicate, expected) => {
    expect(outcome(expression, predicate)).toEqual(expected);
  });

  it('bounds the expression length', () => {
    const long = `true${' && true'.repeat(MAX_CEL_PREDICATE_LENGTH / 8)}`;
    expect(outcome(long, null)).toEqual({ code: 'POLICY_INVALID' });
  });

  it('refuses a variable named now', () => {
    expect(() => compileCelPredicate('true', ['now'])).toThrow(BosunError);
  });

  it('a compiled condition evaluates many values', () => {
    const condition = compileCelPredicate('statement.predicateType == predicate.t', [
      'predicate',
      'statement',
    ]);
    expect([
      condition.evaluate({ predicate: { t: 'a' }, statement: { predicateType: 'a' } }, { now: NOW }),
      condition.evaluate({ predicate: { t: 'a' }, statement: { predicateType: 'b' } }, { now: NOW }),
    ]).toEqual([{ ok: true }, { ok: false }]);
  });

  it('property: any untrusted predicate gives a verdict or an error, never a throw', () => {
    const condition = compileCelPredicate(DOCUMENTED, ['predicate']);
    fc.assert(
      fc.property(fc.jsonValue(), (predicate) => {
        const result = condition.evaluate({ predicate: predicate as JsonValue }, { now: NOW });
        expect('ok' in result || 'error' in result).toBe(true);
      }),
    );
  });
});
