// Ready-to-apply manifests for the webhook: Namespace, ServiceAccount, (optional) RBAC, TLS
// Secret, policies ConfigMap, Deployment, PodDisruptionBudget, Service, and the Validating and
// Mutating webhook configurations with the generated CA as caBundle.
import { stringify } from 'yaml';
import { generateWebhookTls, type WebhookTls } from './certificates.ts';

export interface WebhookManifestOptions {
  readonly namespace?: string;
  /** Name of the Deployment, Service and webhook configurations (default `bosun-webhook`). */
  readonly name?: string;
  /** The Bosun image (pin it by digest). */
  readonly image?: string;
  readonly replicas?: number;
  /** Policy files for the ConfigMap: file name → YAML text. */
  readonly policies?: Readonly<Record<string, string>>;
  /** Webhook configuration failurePolicy (what the API server does when Bosun does not answer; default Fail). */
  readonly failurePolicy?: 'Fail' | 'Ignore';
  /** Default failure policy of policies that do not set one (the server's `--failure-policy`). */
  readonly policyFailurePolicy?: 'Fail' | 'Ignore';
  /** API server timeout (1-30 s, default 10); the server's deadline is set 2 s below it. */
  readonly timeoutSeconds?: number;
  readonly noMatch?: 'allow' | 'warn' | 'deny';
  /** A `kubernetes.io/dockerconfigjson` Secret in the namespace holding registry credentials. */
  readonly registrySecret?: string;
  /** Let the server read pods' imagePullSecrets through the API (adds a ClusterRole to get secrets). */
  readonly pullSecretsFromApi?: boolean;
  /** Let the server read namespace labels for namespaceSelector (adds a ClusterRole to get namespaces). */
  readonly namespacesFromApi?: boolean;
  /** Namespaces exempt besides kube-system and Bosun's own. */
  readonly exemptNamespaces?: readonly string[];
  /** Whether to register the mutating webhook (digest pinning; default true). */
  readonly mutate?: boolean;
  /** TLS material to use instead of generating it. */
  readonly tls?: WebhookTls;
  readonly now?: Date;
}

export interface WebhookManifests {
  readonly objects: readonly Record<string, unknown>[];
  /** Multi-document YAML of `objects`. */
  readonly yaml: string;
  readonly tls: WebhookTls;
}

const PORT = 8443;
export const DEFAULT_BOSUN_IMAGE = 'ghcr.io/bosun-dev/bosun:0.1.0';

/**
 * Node flags of the webhook container, sized to its 512Mi limit: V8 otherwise sizes its heap from
 * the node's memory and reserves far more than the ~45 MiB the server keeps live, which a memory
 * limit turns into OOM kills under load. bench/webhook.ts runs the server with the same flags.
 */
export const WEBHOOK_NODE_OPTIONS = '--max-old-space-size=320 --max-semi-space-size=8';

/** Resource rules of every pod-bearing kind (and the ephemeral containers subresource). */
export const WEBHOOK_RULES = [
  {
    apiGroups: [''],
    apiVersions: ['v1'],
    resources: ['pods', 'pods/ephemeralcontainers', 'replicationcontrollers'],
  },
  {
    apiGroups: ['apps'],
    apiVersions: ['v1'],
    resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'],
  },
  { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs', 'cronjobs'] },
].map((r) => ({ operations: ['CREATE', 'UPDATE'], ...r, scope: 'Namespaced' }));

export function webhookManifests(options: WebhookManifestOptions = {}): WebhookManifests {
  const ns = options.namespace ?? 'bosun';
  const name = options.name ?? 'bosun-webhook';
  const timeoutSeconds = Math.min(30, Math.max(1, options.timeoutSeconds ?? 10));
  const deadlineMs = Math.max(500, timeoutSeconds * 1000 - 2000);
  const serviceAccount = `system:serviceaccount:${ns}:${name}`;
  const dnsNames = [name, `${name}.${ns}`, `${name}.${ns}.svc`, `${name}.${ns}.svc.cluster.local`];
  const tls =
    options.tls ??
    generateWebhookTls({
      dnsNames: [dnsNames[2]!, ...dnsNames],
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  const labels = {
    'app.kubernetes.io/name': 'bosun',
    'app.kubernetes.io/component': 'webhook',
    'app.kubernetes.io/instance': name,
  };
  const selector = { 'app.kubernetes.io/instance': name };
  const meta = (n: string, namespaced = true): Record<string, unknown> => ({
    name: n,
    ...(namespaced ? { namespace: ns } : {}),
    labels,
  });
  const caBundle = Buffer.from(tls.ca.certPem).toString('base64');
  const exempt = [...new Set(['kube-system', ns, ...(options.exemptNamespaces ?? [])])].sort();

  const args = [
    'webhook',
    'serve',
    '--policies=/etc/bosun/policies',
    '--tls-cert=/etc/bosun/tls/tls.crt',
    '--tls-key=/etc/bosun/tls/tls.key',
    `--port=${PORT}`,
    `--deadline-ms=${deadlineMs}`,
    `--no-match=${options.noMatch ?? 'allow'}`,
    `--failure-policy=${options.policyFailurePolicy ?? 'Fail'}`,
    ...(options.registrySecret === undefined
      ? []
      : ['--docker-config=/etc/bosun/registry/.dockerconfigjson']),
    ...(options.pullSecretsFromApi === true ? ['--pull-secrets-from-api'] : []),
    ...(options.namespacesFromApi === true ? ['--namespaces-from-api'] : []),
  ];
  const apiAccess = options.pullSecretsFromApi === true || options.namespacesFromApi === true;
  const clusterRead = (suffix: string, resources: string[]): Record<string, unknown>[] => [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(`${name}-${suffix}`, false),
      rules: [{ apiGroups: [''], resources, verbs: ['get'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(`${name}-${suffix}`, false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${name}-${suffix}` },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    },
  ];
  const volumes: Record<string, unknown>[] = [
    { name: 'policies', configMap: { name: `${name}-policies` } },
    { name: 'tls', secret: { secretName: `${name}-tls` } },
    { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
  ];
  const mounts: Record<string, unknown>[] = [
    { name: 'policies', mountPath: '/etc/bosun/policies', readOnly: true },
    { name: 'tls', mountPath: '/etc/bosun/tls', readOnly: true },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  if (options.registrySecret !== undefined) {
    volumes.push({ name: 'registry', secret: { secretName: options.registrySecret } });
    mounts.push({ name: 'registry', mountPath: '/etc/bosun/registry', readOnly: true });
  }
  const probe = (path: string, period: number): Record<string, unknown> => ({
    httpGet: { path, port: 'https', scheme: 'HTTPS' },
    periodSeconds: period,
    timeoutSeconds: 2,
    failureThreshold: 3,
  });

  const objects: Record<string, unknown>[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { ...labels, 'pod-security.kubernetes.io/enforce': 'restricted' } },
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(name),
      automountServiceAccountToken: apiAccess,
    },
    // The server reads its policies and certificate from mounted files; the only API access it
    // can need is reading pull secrets and namespaces, and only when that is enabled.
    ...(options.pullSecretsFromApi === true
      ? clusterRead('pull-secrets', ['secrets', 'serviceaccounts'])
      : []),
    ...(options.namespacesFromApi === true ? clusterRead('namespaces', ['namespaces']) : []),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(name),
      rules: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          resourceNames: [`${name}-policies`],
          verbs: ['get', 'watch'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(name),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(`${name}-tls`),
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.from(tls.serving.certPem).toString('base64'),
        'tls.key': Buffer.from(tls.serving.keyPem).toString('base64'),
        'ca.crt': caBundle,
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(`${name}-policies`),
      data: { ...(options.policies ?? {}) },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name),
      spec: {
        replicas: Math.max(2, options.replicas ?? 2),
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: apiAccess,
            priorityClassName: 'system-cluster-critical',
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              runAsGroup: 65532,
              fsGroup: 65532,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 100,
                    podAffinityTerm: {
                      topologyKey: 'kubernetes.io/hostname',
                      labelSelector: { matchLabels: selector },
                    },
                  },
                ],
              },
            },
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'topology.kubernetes.io/zone',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: selector },
              },
            ],
            containers: [
              {
                name: 'bosun',
                image: options.image ?? DEFAULT_BOSUN_IMAGE,
                imagePullPolicy: 'IfNotPresent',
                args,
                env: [{ name: 'NODE_OPTIONS', value: WEBHOOK_NODE_OPTIONS }],
                ports: [{ name: 'https', containerPort: PORT, protocol: 'TCP' }],
                readinessProbe: probe('/readyz', 5),
                livenessProbe: probe('/healthz', 10),
                startupProbe: { ...probe('/healthz', 2), failureThreshold: 30 },
                resources: {
                  requests: { cpu: '100m', memory: '128Mi' },
                  limits: { cpu: '1', memory: '512Mi' },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] },
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                volumeMounts: mounts,
              },
            ],
            volumes,
          },
        },
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(name),
      spec: { minAvailable: 1, selector: { matchLabels: selector } },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name),
      spec: { selector, ports: [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }] },
    },
  ];
  const webhook = (path: string, webhookName: string): Record<string, unknown> => ({
    name: webhookName,
    clientConfig: { service: { namespace: ns, name, path, port: 443 }, caBundle },
    rules: WEBHOOK_RULES,
    failurePolicy: options.failurePolicy ?? 'Fail',
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    timeoutSeconds,
    matchPolicy: 'Equivalent',
    namespaceSelector: {
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: exempt }],
    },
    matchConditions: [
      // Bosun's own pods must start even when no replica is up to answer.
      { name: 'not-bosun-itself', expression: `request.userInfo.username != '${serviceAccount}'` },
      {
        name: 'not-node-mirror-pods',
        expression: "!('kubernetes.io/config.mirror' in object.metadata.?annotations.orValue({}))",
      },
    ],
  });
  if (options.mutate ?? true) {
    objects.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name, labels },
      webhooks: [{ ...webhook('/mutate', 'mutate.bosun.dev'), reinvocationPolicy: 'Never' }],
    });
  }
  objects.push({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name, labels },
    webhooks: [webhook('/validate', 'validate.bosun.dev')],
  });
  const yaml = objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
  return { objects, yaml, tls };
}
