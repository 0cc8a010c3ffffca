// `verify-attestation --condition` on parsed in-toto statements: CEL expressions and the built-in
// shortcuts, chosen by the text. Registry round trips are in test/e2e/cli-sign.test.ts.
import { describe, expect, it } from 'vitest';
import { parseStatement, PREDICATE_TYPES, type Statement } from '../../sign/index.ts';
import { BosunError } from '../../util/errors.ts';
import { parseAttestationCondition } from './attestation-condition.ts';

const NOW = new Date('2026-01-02T00:00:00Z');
const DIGEST = 'a'.repeat(64);
const DOCUMENTED =
  "predicate.scanner.result.results.all(r, !has(r.vulnerabilities) || r.vulnerabilities.all(v, v.severity != 'CRITICAL')) && now - timestamp(predicate.metadata.scanFinishedOn) < duration('24h')";

/** A cosign vuln statement whose scanner.result is a Bosun JSON report (docs/report-json.md). */
function vulnStatement(severities: string[], finished = '2026-01-01T12:00:00Z'): Statement {
  return parseStatement(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: PREDICATE_TYPES.vuln,
      subject: [{ name: 'registry.example/team/app', digest: { sha256: DIGEST } }],
      predicate: {
        scanner: {
          uri: 'https://github.com/bosun',
          version: '1.0.0',
          result: {
            schemaVersion: 1,
            results: [
              {
                target: 'os-pkgs',
                class: 'os-pkgs',
                vulnerabilities: severities.map((severity, i) => ({ id: `CVE-2025-000${i}`, severity })),
              },
              { target: 'models/model.pkl', class: 'model' },
            ],
          },
        },
        metadata: { scanStartedOn: finished, scanFinishedOn: finished },
      },
    }),
  );
}

function check(text: string, statement: Statement, type: string = PREDICATE_TYPES.vuln): unknown {
  try {
    return parseAttestationCondition(text, type, NOW)(statement);
  } catch (error) {
    return error instanceof BosunError ? { code: error.code } : error;
  }
}

describe('parseAttestationCondition', () => {
  it.each<[string, string, Statement, unknown]>([
    ['CEL: clean and fresh', DOCUMENTED, vulnStatement(['HIGH']), { ok: true }],
    [
      'CEL: a CRITICAL finding',
      DOCUMENTED,
      vulnStatement(['HIGH', 'CRITICAL']),
      { ok: false, reason: 'the CEL condition is false' },
    ],
    [
      'CEL: scanned 25 h ago',
      DOCUMENTED,
      vulnStatement([], '2025-12-31T23:00:00Z'),
      { ok: false, reason: 'the CEL condition is false' },
    ],
    [
      'CEL: on the whole statement',
      `statement.subject[0].digest.sha256 == '${DIGEST}' && statement._type.endsWith('v0.1')`,
      vulnStatement([]),
      { ok: true },
    ],
    [
      'CEL: a missing field fails closed',
      'predicate.nothing == 1',
      vulnStatement([]),
      { ok: false, reason: 'CEL error: No such key: nothing' },
    ],
    ['CEL: a compile error', 'predicate.scanner ==', vulnStatement([]), { code: 'POLICY_INVALID' }],
    ['CEL: an unknown variable', 'object.kind == "Pod"', vulnStatement([]), { code: 'POLICY_INVALID' }],
    ['shortcuts still work', 'no-critical, max-age=24h', vulnStatement(['HIGH']), { ok: true }],
    [
      'shortcuts fail with their reason',
      'no-critical',
      vulnStatement(['CRITICAL']),
      { ok: false, reason: 'no-critical: 1 CRITICAL (CVE-2025-0000)' },
    ],
    ['an unknown shortcut is a usage error', 'no-high', vulnStatement([]), { code: 'CLI_USAGE' }],
  ])('%s', (_name, text, statement, expected) => {
    expect(check(text, statement)).toEqual(expected);
  });

  it('shortcuts are for --type vuln; CEL is for any type', () => {
    const statement = vulnStatement([]);
    expect([
      check('no-critical', statement, PREDICATE_TYPES.cyclonedx),
      check('has(predicate.scanner)', statement, PREDICATE_TYPES.cyclonedx),
    ]).toEqual([{ code: 'CLI_USAGE' }, { ok: true }]);
  });
});
