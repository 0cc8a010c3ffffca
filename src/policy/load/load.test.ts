import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadPolicies } from './load.ts';
import { isBosunError } from '../../util/errors.ts';
import { mutatedText, valueOrBosunError } from '../../../test/support/parser-property.ts';

const POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: disallow-latest
spec:
  rules:
  - name: no-latest
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      failureAction: Enforce
      pattern:
        spec:
          containers:
          - image: "!*:latest"
`;

describe('loadPolicies', () => {
  it('loads a ClusterPolicy and generates pod-controller rules', () => {
    const loaded = loadPolicies([POLICY]);
    const p = loaded.policies[0]!;
    expect(p.kind).toEqual('kyverno');
    if (p.kind !== 'kyverno') return;
    expect(p.rules.map((r) => r.name)).toEqual([
      'no-latest',
      'autogen-no-latest',
      'autogen-cronjob-no-latest',
    ]);
    expect(p.rules.map((r) => r.action)).toEqual(['Enforce', 'Enforce', 'Enforce']);
    expect(p.rules[1]!.raw['validate']).toEqual({
      failureAction: 'Enforce',
      pattern: { spec: { template: { spec: { containers: [{ image: '!*:latest' }] } } } },
    });
  });

  it('rejects unsupported constructs naming policy, rule and field', () => {
    const text = POLICY.replace('validate:', 'mutate:\n      patchStrategicMerge: {}\n    validate:');
    let error: unknown;
    try {
      loadPolicies([text]);
    } catch (e) {
      error = e;
    }
    expect(isBosunError(error, 'POLICY_UNSUPPORTED')).toBe(true);
    expect((error as { details: unknown }).details).toEqual({
      policy: 'disallow-latest',
      rule: 'no-latest',
      field: 'mutate',
    });
    expect(loadPolicies([text], { strict: false }).unsupported).toEqual([
      {
        policy: 'disallow-latest',
        rule: 'no-latest',
        field: 'mutate',
        reason: 'mutation rules are not evaluated by Bosun',
      },
    ]);
  });

  it('honours the autogen annotation', () => {
    const text = POLICY.replace(
      '  name: disallow-latest',
      '  name: disallow-latest\n  annotations:\n    pod-policies.kyverno.io/autogen-controllers: Deployment',
    );
    const p = loadPolicies([text]).policies[0]!;
    expect(p.kind === 'kyverno' ? p.rules.map((r) => r.name) : []).toEqual([
      'no-latest',
      'autogen-no-latest',
    ]);
  });

  it('returns a value or a BosunError for any input (property)', () => {
    fc.assert(
      fc.property(mutatedText(POLICY), (text) => {
        valueOrBosunError(
          () => loadPolicies([text], { strict: false }),
          ['POLICY_INVALID', 'LIMIT_EXCEEDED'],
        );
      }),
      { numRuns: 300 },
    );
  });
});
