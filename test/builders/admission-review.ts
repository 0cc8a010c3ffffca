// AdmissionReview requests shaped as the API server sends them (admission.k8s.io/v1), for the
// webhook tests: GVK/GVR per kind, userInfo, object/oldObject, dryRun, options.
import { randomUUID } from 'node:crypto';

type Json = Record<string, unknown>;

const GVR: Record<string, { group: string; version: string; resource: string }> = {
  Pod: { group: '', version: 'v1', resource: 'pods' },
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments' },
  ReplicaSet: { group: 'apps', version: 'v1', resource: 'replicasets' },
  StatefulSet: { group: 'apps', version: 'v1', resource: 'statefulsets' },
  DaemonSet: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  Job: { group: 'batch', version: 'v1', resource: 'jobs' },
  CronJob: { group: 'batch', version: 'v1', resource: 'cronjobs' },
  ConfigMap: { group: '', version: 'v1', resource: 'configmaps' },
};

export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
}

export function podSpec(containers: readonly ContainerSpec[], extra: Json = {}): Json {
  return {
    containers: containers.map((c) => ({ name: c.name, image: c.image })),
    restartPolicy: 'Always',
    ...extra,
  };
}

/** A workload object of `kind` whose pod template holds `containers`. */
export function workload(
  kind: string,
  name: string,
  namespace: string,
  containers: readonly ContainerSpec[],
): Json {
  const gvr = GVR[kind]!;
  const apiVersion = gvr.group === '' ? gvr.version : `${gvr.group}/${gvr.version}`;
  const metadata = { name, namespace, labels: { app: name } };
  const template = { metadata: { labels: { app: name } }, spec: podSpec(containers) };
  switch (kind) {
    case 'Pod':
      return { apiVersion, kind, metadata, spec: podSpec(containers) };
    case 'CronJob':
      return {
        apiVersion,
        kind,
        metadata,
        spec: {
          schedule: '*/5 * * * *',
          jobTemplate: {
            spec: { template: { ...template, spec: podSpec(containers, { restartPolicy: 'OnFailure' }) } },
          },
        },
      };
    case 'Job':
      return {
        apiVersion,
        kind,
        metadata,
        spec: { template: { ...template, spec: podSpec(containers, { restartPolicy: 'Never' }) } },
      };
    default:
      return {
        apiVersion,
        kind,
        metadata,
        spec: { replicas: 1, selector: { matchLabels: { app: name } }, template },
      };
  }
}

export interface ReviewOptions {
  readonly operation?: 'CREATE' | 'UPDATE' | 'DELETE';
  readonly oldObject?: Json;
  readonly dryRun?: boolean;
  readonly subResource?: string;
  readonly uid?: string;
  readonly username?: string;
}

/** The AdmissionReview body the API server posts for `object`. */
export function admissionReview(object: Json, options: ReviewOptions = {}): Json {
  const kind = object['kind'] as string;
  const meta = object['metadata'] as Json;
  const gvr = GVR[kind]!;
  const operation = options.operation ?? 'CREATE';
  const gvk = { group: gvr.group, version: gvr.version, kind };
  const subResource = options.subResource;
  return {
    kind: 'AdmissionReview',
    apiVersion: 'admission.k8s.io/v1',
    request: {
      uid: options.uid ?? randomUUID(),
      kind: gvk,
      resource: { group: gvr.group, version: gvr.version, resource: gvr.resource },
      ...(subResource === undefined ? {} : { subResource }),
      requestKind: gvk,
      requestResource: { group: gvr.group, version: gvr.version, resource: gvr.resource },
      ...(subResource === undefined ? {} : { requestSubResource: subResource }),
      name: meta['name'],
      namespace: meta['namespace'],
      operation,
      userInfo: {
        username: options.username ?? 'system:serviceaccount:kube-system:replicaset-controller',
        uid: '5f2c8d8e-0000-4000-8000-000000000001',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
      },
      object: operation === 'DELETE' ? null : object,
      oldObject: options.oldObject ?? (operation === 'DELETE' ? object : null),
      dryRun: options.dryRun ?? false,
      options:
        operation === 'CREATE'
          ? { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1', fieldManager: 'kubectl-client-side-apply' }
          : operation === 'UPDATE'
            ? {
                kind: 'UpdateOptions',
                apiVersion: 'meta.k8s.io/v1',
                fieldManager: 'kubectl-client-side-apply',
              }
            : { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1' },
    },
  };
}
