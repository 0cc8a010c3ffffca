import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { validateKubernetesObject } from '../../../test/support/kubernetes-schemas.ts';
import { webhookManifests } from './webhook-manifests.ts';

const run = promisify(execFile);
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads nested manifest fields

const POLICY = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\nspec: {rules: []}\n';

describe('webhookManifests', () => {
  const m = webhookManifests({
    namespace: 'bosun-system',
    policies: { 'p.yaml': POLICY },
    registrySecret: 'regcred',
    pullSecretsFromApi: true,
    namespacesFromApi: true,
  });
  const docs = parseAllDocuments(m.yaml).map((d) => d.toJS() as Obj);
  const byKind = (kind: string): Obj => docs.find((d) => d['kind'] === kind)!;

  it('prints every object as YAML, in apply order', () => {
    expect(docs.map((d) => d['kind'])).toEqual([
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
      'Secret',
      'ConfigMap',
      'Deployment',
      'PodDisruptionBudget',
      'Service',
      'MutatingWebhookConfiguration',
      'ValidatingWebhookConfiguration',
    ]);
    expect(docs).toEqual(m.objects);
  });

  it('validates every object against the Kubernetes OpenAPI schema of its kind', async () => {
    const errors = await Promise.all(docs.map((d) => validateKubernetesObject(d)));
    expect(errors).toEqual(docs.map(() => undefined));
  });

  it('the schema validator rejects a wrong object (the check can fail)', async () => {
    const broken = structuredClone(byKind('Deployment'));
    broken['spec']['replicas'] = 'two';
    expect(await validateKubernetesObject(broken)).toContain('replicas');
  });

  it('grants only reads of secrets, service accounts and namespaces, each when enabled', () => {
    const roles = docs.filter((d) => d['kind'] === 'ClusterRole');
    const args: string[] = byKind('Deployment')['spec']['template']['spec']['containers'][0]['args'];
    expect([
      roles.map((r) => [r['metadata']['name'], r['rules']]),
      args.filter((a) => a.endsWith('-from-api')),
    ]).toEqual([
      [
        [
          'bosun-webhook-pull-secrets',
          [{ apiGroups: [''], resources: ['secrets', 'serviceaccounts'], verbs: ['get'] }],
        ],
        ['bosun-webhook-namespaces', [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get'] }]],
      ],
      ['--pull-secrets-from-api', '--namespaces-from-api'],
    ]);
    const plain = parseAllDocuments(webhookManifests({ namespace: 'x' }).yaml).map((d) => d.toJS() as Obj);
    expect(plain.filter((d) => d['kind'] === 'ClusterRole')).toEqual([]);
  });

  it('sizes the V8 heap to the container memory limit', () => {
    const c = byKind('Deployment')['spec']['template']['spec']['containers'][0];
    const oldSpaceMiB = Number(/--max-old-space-size=(\d+)/u.exec(c['env'][0]['value'])?.[1]);
    expect([c['env'][0]['name'], c['resources']['limits']['memory'], oldSpaceMiB < 512]).toEqual([
      'NODE_OPTIONS',
      '512Mi',
      true,
    ]);
  });

  it('runs hardened, highly available pods', () => {
    const d = byKind('Deployment');
    const pod = d['spec']['template']['spec'];
    const c = pod['containers'][0];
    expect([
      d['spec']['replicas'] >= 2,
      pod['securityContext']['runAsNonRoot'],
      pod['securityContext']['seccompProfile'],
      c['securityContext']['readOnlyRootFilesystem'],
      c['securityContext']['allowPrivilegeEscalation'],
      c['securityContext']['capabilities'],
      c['readinessProbe']['httpGet']['path'],
      c['livenessProbe']['httpGet']['path'],
      c['resources']['limits'] !== undefined && c['resources']['requests'] !== undefined,
      pod['affinity']['podAntiAffinity'] !== undefined,
      byKind('PodDisruptionBudget')['spec']['minAvailable'],
    ]).toEqual([
      true,
      true,
      { type: 'RuntimeDefault' },
      true,
      false,
      { drop: ['ALL'] },
      '/readyz',
      '/healthz',
      true,
      true,
      1,
    ]);
    expect(c['args']).toContain('--docker-config=/etc/bosun/registry/.dockerconfigjson');
    expect(c['args']).toContain('--deadline-ms=8000');
  });

  it('registers both webhooks on every pod-bearing kind, exempting kube-system and its own namespace', () => {
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      const w = byKind(kind)['webhooks'][0];
      expect({
        failurePolicy: w['failurePolicy'],
        sideEffects: w['sideEffects'],
        versions: w['admissionReviewVersions'],
        timeout: w['timeoutSeconds'],
        resources: w['rules'].flatMap((r: Obj) => r['resources']),
        exempt: w['namespaceSelector']['matchExpressions'][0]['values'],
        conditions: w['matchConditions'].map((c: Obj) => c['name']),
        path: w['clientConfig']['service']['path'],
      }).toEqual({
        failurePolicy: 'Fail',
        sideEffects: 'None',
        versions: ['v1'],
        timeout: 10,
        resources: [
          'pods',
          'pods/ephemeralcontainers',
          'replicationcontrollers',
          'deployments',
          'replicasets',
          'statefulsets',
          'daemonsets',
          'jobs',
          'cronjobs',
        ],
        exempt: ['bosun-system', 'kube-system'],
        conditions: ['not-bosun-itself', 'not-node-mirror-pods'],
        path: kind.startsWith('Validating') ? '/validate' : '/mutate',
      });
    }
  });

  it('injects a CA bundle that verifies the serving certificate for the service DNS names', async () => {
    const caPem = Buffer.from(
      byKind('ValidatingWebhookConfiguration')['webhooks'][0]['clientConfig']['caBundle'],
      'base64',
    ).toString();
    const certPem = Buffer.from(byKind('Secret')['data']['tls.crt'], 'base64').toString();
    const cert = new X509Certificate(certPem);
    expect(cert.verify(new X509Certificate(caPem).publicKey)).toEqual(true);
    expect(cert.subjectAltName).toEqual(
      'DNS:bosun-webhook.bosun-system.svc, DNS:bosun-webhook, DNS:bosun-webhook.bosun-system, DNS:bosun-webhook.bosun-system.svc, DNS:bosun-webhook.bosun-system.svc.cluster.local',
    );
    const dir = await mkdtemp(join(tmpdir(), 'bosun-ca-'));
    try {
      await writeFile(join(dir, 'ca.pem'), caPem);
      await writeFile(join(dir, 'cert.pem'), certPem);
      const { stdout } = await run('openssl', [
        'verify',
        '-purpose',
        'sslserver',
        '-CAfile',
        join(dir, 'ca.pem'),
        join(dir, 'cert.pem'),
      ]);
      expect(stdout.trim()).toEqual(`${join(dir, 'cert.pem')}: OK`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('carries the policies in the ConfigMap', () => {
    expect(byKind('ConfigMap')['data']).toEqual({ 'p.yaml': POLICY });
  });
});
