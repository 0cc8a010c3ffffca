import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { blockMatches, compileRuleSelector, ruleSelects, type MatchRequest } from './match.ts';
import {
  blockMatches as referenceBlockMatches,
  ruleSelects as referenceRuleSelects,
} from './testing/match-reference.ts';
import type { JsonObject } from '../common/json.ts';

const kindText = fc.constantFrom(
  'Pod',
  'v1/Pod',
  'apps/v1/Deployment',
  'Deployment',
  'apps/*/Deployment',
  '*/Deployment',
  'Pod/status',
  'Pod/*',
  'ConfigMap',
  '*',
  'P?d',
  'batch/v1/CronJob',
);
const wild = fc.constantFrom('web', 'web-*', '*', 'db', 'w?b', 'prod', 'prod*', 'kube-system', '');
const labelKey = fc.constantFrom('app', 'team', 'app.io/x', 'env');
const labelValue = fc.constantFrom('web', 'platform', 'prod', 'a', '*', 'p*');
const selector = fc.record(
  {
    matchLabels: fc.dictionary(fc.oneof(labelKey, fc.constant('app*')), labelValue, { maxKeys: 2 }),
    matchExpressions: fc.array(
      fc.record({
        key: labelKey,
        operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'Bogus'),
        values: fc.array(labelValue, { maxLength: 2 }),
      }),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);
const resources = fc.record(
  {
    kinds: fc.array(kindText, { maxLength: 3 }),
    name: wild,
    names: fc.array(wild, { maxLength: 2 }),
    namespaces: fc.array(wild, { maxLength: 2 }),
    annotations: fc.dictionary(fc.constantFrom('a', 'note/*', 'x'), labelValue, { maxKeys: 2 }),
    selector,
    namespaceSelector: selector,
    operations: fc.array(fc.constantFrom('CREATE', 'UPDATE', 'DELETE'), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);
const subject = fc.record({
  kind: fc.constantFrom('ServiceAccount', 'User', 'Group', 'Other'),
  name: fc.constantFrom('sa', 'alice', 'dev*', '*', 'admins'),
  namespace: fc.constantFrom('ns', 'prod', '*'),
});
const filter = fc.record(
  {
    resources,
    subjects: fc.array(subject, { maxLength: 2 }),
    roles: fc.array(fc.constantFrom('ns:r1', 'ns:r2'), { maxLength: 1 }),
    clusterRoles: fc.array(fc.constantFrom('admin', 'view'), { maxLength: 1 }),
  },
  { requiredKeys: [] },
);
const block = fc.oneof(
  fc.record({ any: fc.array(filter, { maxLength: 3 }) }),
  fc.record({ all: fc.array(filter, { maxLength: 3 }) }),
  filter,
  fc.constant({}),
);
const request: fc.Arbitrary<MatchRequest> = fc.record(
  {
    resource: fc.record({
      apiVersion: fc.constantFrom('v1', 'apps/v1', 'batch/v1', 'apps/v1beta1'),
      kind: fc.constantFrom('Pod', 'Deployment', 'ConfigMap', 'Namespace', 'CronJob'),
      metadata: fc.record(
        {
          name: wild,
          generateName: wild,
          namespace: fc.constantFrom('prod', 'kube-system', 'default'),
          labels: fc.dictionary(labelKey, labelValue, { maxKeys: 3 }),
          annotations: fc.dictionary(fc.constantFrom('a', 'note/b', 'x'), labelValue, { maxKeys: 2 }),
        },
        { requiredKeys: [] },
      ),
    }),
    operation: fc.constantFrom('CREATE', 'UPDATE', 'DELETE'),
    namespaceLabels: fc.dictionary(labelKey, labelValue, { maxKeys: 2 }),
    userInfo: fc.record(
      {
        username: fc.constantFrom('alice', 'system:serviceaccount:ns:sa', 'dev-bob', ''),
        groups: fc.array(fc.constantFrom('admins', 'devs'), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
    roles: fc.array(fc.constantFrom('ns:r1', 'ns:r2'), { maxLength: 1 }),
    clusterRoles: fc.array(fc.constantFrom('admin', 'view'), { maxLength: 1 }),
    subresource: fc.constantFrom('', 'status', 'exec'),
    policyNamespace: fc.constantFrom('', 'prod', 'default'),
  },
  { requiredKeys: ['resource', 'operation'] },
) as fc.Arbitrary<MatchRequest>;

// Differential check of the compiled predicates against the evaluation they replaced.
describe('compiled match/exclude agree with the reference evaluation', () => {
  it('blocks', () => {
    fc.assert(
      fc.property(block, request, (b, req) => {
        expect(blockMatches(b as JsonObject, req)).toEqual(referenceBlockMatches(b as JsonObject, req));
      }),
      { numRuns: 5000 },
    );
  });

  it('rules with match and exclude', () => {
    fc.assert(
      fc.property(block, block, request, (match, exclude, req) => {
        const rule = { name: 'r', match, exclude } as JsonObject;
        expect(ruleSelects(rule, req)).toEqual(referenceRuleSelects(rule, req));
      }),
      { numRuns: 5000 },
    );
  });

  it.each<[string, JsonObject, string[] | undefined]>([
    ['one kind', { match: { any: [{ resources: { kinds: ['Pod'] } }] } }, ['Pod']],
    [
      'versioned kinds',
      { match: { resources: { kinds: ['apps/v1/Deployment', 'v1/Pod'] } } },
      ['Deployment', 'Pod'],
    ],
    [
      'a wildcard kind',
      { match: { any: [{ resources: { kinds: ['Pod'] } }, { resources: { kinds: ['*'] } }] } },
      undefined,
    ],
    [
      'a filter without kinds',
      { match: { any: [{ resources: { kinds: ['Pod'] } }, { subjects: [{ kind: 'User', name: 'a' }] }] } },
      undefined,
    ],
    [
      'all: any filter bounds',
      { match: { all: [{ subjects: [{ kind: 'User', name: 'a' }] }, { resources: { kinds: ['Pod'] } }] } },
      ['Pod'],
    ],
    ['empty match', { match: {} }, []],
  ])('kinds a rule can select: %s', (_name, rule, kinds) => {
    const got = compileRuleSelector(rule).kinds;
    expect(got === undefined ? undefined : [...got].sort()).toEqual(kinds);
  });
});
