import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKyvernoTests } from './run.ts';

// `kyverno test` keeps the empty response of a ClusterPolicy (an excluded resource passes whatever
// result was expected) but drops the empty response of a ValidatingPolicy whose matchConstraints is
// one selector-free resource rule ("Not found", a failure).
const pod = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: prod
spec:
  containers:
  - name: c
    image: nginx:1.25
`;

function clusterPolicy(): string {
  return `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: cm-only
spec:
  rules:
  - name: r
    match:
      any:
      - resources:
          kinds: [ConfigMap]
    validate:
      deny: {}
`;
}

function validatingPolicy(extra: string): string {
  return `apiVersion: policies.kyverno.io/v1beta1
kind: ValidatingPolicy
metadata:
  name: vpol
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: [v1]
      operations: [CREATE]
      resources: [configmaps]
${extra}  validations:
  - expression: "true"
`;
}

function testFile(policy: string, flavour: string): string {
  return `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata:
  name: t
policies: [policy.yaml]
resources: [resource.yaml]
results:
- policy: ${policy}
  ${flavour}
  kind: Pod
  resources: [web]
  result: fail
`;
}

describe('runKyvernoTests: responses without rule results', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-runner-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each<[string, string, string, string, string]>([
    ['ClusterPolicy: excluded counts as agreement', clusterPolicy(), 'cm-only', 'rule: r', 'pass/excluded'],
    [
      'ValidatingPolicy with one plain resource rule: not found',
      validatingPolicy(''),
      'vpol',
      'isValidatingPolicy: true',
      'fail/not-found',
    ],
    [
      'ValidatingPolicy with a namespace selector: excluded',
      validatingPolicy('    namespaceSelector:\n      matchLabels: {env: prod}\n'),
      'vpol',
      'isValidatingPolicy: true',
      'pass/excluded',
    ],
  ])('%s', async (name, policy, policyName, flavour, want) => {
    const suite = join(dir, name.replace(/[^a-z]+/giu, '-'));
    await mkdir(suite, { recursive: true });
    await writeFile(join(suite, 'policy.yaml'), policy);
    await writeFile(join(suite, 'resource.yaml'), pod);
    await writeFile(join(suite, 'kyverno-test.yaml'), testFile(policyName, flavour));
    const run = await runKyvernoTests(suite);
    expect(run.cases.map((c) => `${c.verdict}/${c.actual}`)).toEqual([want]);
  });
});
