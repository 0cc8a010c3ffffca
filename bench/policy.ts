// Policy evaluation throughput: a Deployment with 5 containers against 20 policies (pattern, deny,
// foreach and CEL rules; no network), single core; and load + compile time for 500 policies.
import { performance } from 'node:perf_hooks';
import { applyPolicies, loadPolicies, type JsonObject } from '../src/policy/index.ts';

function kyvernoPolicy(i: number): string {
  const kinds = ['pattern', 'deny', 'foreach', 'cel'] as const;
  const kind = kinds[i % kinds.length]!;
  const head = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: bench-${kind}-${i}
spec:
  rules:
  - name: r-${i}
    match:
      any:
      - resources:
          kinds: [Pod]
`;
  switch (kind) {
    case 'pattern':
      return `${head}    validate:
      failureAction: Enforce
      message: no latest
      pattern:
        spec:
          containers:
          - image: "!*:latest"
            =(imagePullPolicy): "Always | IfNotPresent"
            resources:
              limits:
                memory: "<=${i + 1}Gi"
`;
    case 'deny':
      return `${head}    validate:
      failureAction: Enforce
      message: too many containers
      deny:
        conditions:
          any:
          - key: "{{ request.object.spec.containers[] | length(@) }}"
            operator: GreaterThan
            value: ${10 + i}
          - key: "{{ request.object.metadata.labels.team || '' }}"
            operator: AnyNotIn
            value: [a, b, c, platform]
`;
    case 'foreach':
      return `${head}    validate:
      failureAction: Enforce
      message: registry
      foreach:
      - list: request.object.spec.containers
        deny:
          conditions:
            all:
            - key: "{{ images.containers.\\"{{element.name}}\\".registry }}"
              operator: NotIn
              value: [ghcr.io, registry.example.com]
`;
    case 'cel':
      return `${head}    validate:
      failureAction: Enforce
      cel:
        expressions:
        - expression: "object.spec.containers.all(c, !c.image.endsWith(':latest') && has(c.resources))"
          message: cel
`;
  }
}

function deployment(): JsonObject {
  const containers = Array.from({ length: 5 }, (_, i) => ({
    name: `c${i}`,
    image: `ghcr.io/example/app-${i}:1.${i}.0`,
    imagePullPolicy: 'IfNotPresent',
    resources: { limits: { memory: '512Mi', cpu: '500m' } },
  }));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'prod', labels: { team: 'platform' } },
    spec: {
      replicas: 3,
      template: { metadata: { labels: { app: 'web', team: 'platform' } }, spec: { containers } },
    },
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const texts = Array.from({ length: 20 }, (_, i) => kyvernoPolicy(i));
  const policies = loadPolicies(texts);
  const resource = deployment();
  const responses = await applyPolicies(policies, [resource]);
  const statuses = responses.flatMap((r) => r.rules.map((x) => x.status));
  if (statuses.length !== 20 || statuses.some((s) => s !== 'pass'))
    throw new Error(`unexpected results ${statuses.join(',')}`);
  for (let i = 0; i < 200; i++) await applyPolicies(policies, [resource]);
  const iterations = 2_000;
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await applyPolicies(policies, [resource]);
  const evalSeconds = (performance.now() - t0) / 1000;

  const many = Array.from({ length: 500 }, (_, i) => kyvernoPolicy(i)).join('---\n');
  const t1 = performance.now();
  const loaded = loadPolicies([many]);
  await applyPolicies(loaded, [resource]);
  const loadSeconds = (performance.now() - t1) / 1000;
  return {
    policiesPerEvaluation: 20,
    containers: 5,
    evaluationsPerSecond: Math.round(iterations / evalSeconds),
    ruleEvaluationsPerSecond: Math.round((iterations * 20) / evalSeconds),
    targetEvaluationsPerSecond: 20_000,
    load500PoliciesAndFirstEvaluationMs: Math.round(loadSeconds * 1000),
  };
}
