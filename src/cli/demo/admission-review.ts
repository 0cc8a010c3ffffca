/**
 * Deployment AdmissionReviews as the API server sends them, and a POST to the webhook that trusts
 * only the webhook's CA (as the API server trusts the caBundle).
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:https';
import { BosunError } from '../../util/errors.ts';

export interface ReviewAnswer {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: { readonly code?: number; readonly message?: string };
  readonly warnings?: readonly string[];
}

/** A Deployment CREATE review with one container running `image`. */
export function deploymentReview(name: string, namespace: string, image: string): Record<string, unknown> {
  const labels = { app: name };
  const object = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image }] } },
    },
  };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      requestKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      requestResource: { group: 'apps', version: 'v1', resource: 'deployments' },
      name,
      namespace,
      operation: 'CREATE',
      userInfo: { username: 'demo-user', groups: ['system:authenticated'] },
      object,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  };
}

/** POSTs a review to `url` over HTTPS trusting `caPem`; returns the `response` part. */
export function postReview(
  url: string,
  caPem: string,
  review: unknown,
  timeoutMs = 30_000,
): Promise<ReviewAnswer> {
  const body = JSON.stringify(review);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        ca: caPem,
        agent: false,
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { response?: ReviewAnswer };
            if (doc.response === undefined)
              reject(new BosunError('INTERNAL', `webhook answered ${res.statusCode} without a response`));
            else resolve(doc.response);
          } catch (error) {
            reject(new BosunError('INTERNAL', 'webhook answer is not JSON', { cause: error }));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new BosunError('INTERNAL', 'webhook did not answer in time')));
    req.on('error', reject);
    req.end(body);
  });
}
