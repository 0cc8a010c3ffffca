// A fake Kubernetes API server in the test process: HTTPS on 127.0.0.1 with a test CA made by
// openssl (pki.ts), a bearer token it checks, and GET of namespaced Secrets and ServiceAccounts
// (/api/v1/namespaces/{ns}/secrets/{name}, .../serviceaccounts/{name}) and of Namespaces.
// There is no real kube-apiserver on this machine (no kind, no k3s, no network to fetch one), so
// this peer answers the calls Bosun makes with the API server's status codes and Status bodies.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, createServerCert } from './pki.ts';

export interface FakeKubeApi {
  readonly url: string;
  readonly caPem: string;
  readonly token: string;
  /** `ns/name` → Secret object served (mutable: tests add, change and remove secrets). */
  readonly secrets: Map<string, Record<string, unknown>>;
  /** `ns/name` → the imagePullSecrets names of a ServiceAccount served (mutable). */
  readonly serviceAccounts: Map<string, string[]>;
  /** Namespace name → labels served as a Namespace (mutable). */
  readonly namespaces: Map<string, Record<string, string>>;
  /** Every request path seen, with the status answered. */
  readonly requests: { path: string; status: number }[];
  stop(): Promise<void>;
}

function status(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });
}

/** A dockerconfigjson Secret for `registry` with basic credentials, as `kubectl create secret docker-registry` makes. */
export function dockerRegistrySecret(
  namespace: string,
  name: string,
  registry: string,
  username: string,
  password: string,
  resourceVersion = '1',
): Record<string, unknown> {
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  const config = JSON.stringify({ auths: { [registry]: { username, password, auth } } });
  return {
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: { name, namespace, resourceVersion },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(config).toString('base64') },
  };
}

export async function startFakeKubeApi(token: string): Promise<FakeKubeApi> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-kube-api-'));
  const ca = await createCa(dir, 'kube-ca', 'Bosun Test Kubernetes CA');
  const cert = await createServerCert(dir, ca, { name: 'apiserver' });
  const secrets = new Map<string, Record<string, unknown>>();
  const namespaces = new Map<string, Record<string, string>>();
  const serviceAccounts = new Map<string, string[]>();
  const requests: { path: string; status: number }[] = [];
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const path = req.url ?? '/';
    const answer = (code: number, body: string): void => {
      requests.push({ path, status: code });
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(body);
    };
    if (req.headers.authorization !== `Bearer ${token}`)
      return answer(401, status(401, 'Unauthorized', 'Unauthorized'));
    const nsPath = /^\/api\/v1\/namespaces\/([^/?]+)$/u.exec(path);
    if (req.method === 'GET' && nsPath !== null) {
      const labels = namespaces.get(nsPath[1]!);
      if (labels === undefined)
        return answer(404, status(404, 'NotFound', `namespaces "${nsPath[1]}" not found`));
      return answer(
        200,
        JSON.stringify({
          kind: 'Namespace',
          apiVersion: 'v1',
          metadata: { name: nsPath[1], labels: { 'kubernetes.io/metadata.name': nsPath[1], ...labels } },
          spec: { finalizers: ['kubernetes'] },
          status: { phase: 'Active' },
        }),
      );
    }
    const saPath = /^\/api\/v1\/namespaces\/([^/]+)\/serviceaccounts\/([^/?]+)$/u.exec(path);
    if (req.method === 'GET' && saPath !== null) {
      const pullSecrets = serviceAccounts.get(`${saPath[1]}/${saPath[2]}`);
      if (pullSecrets === undefined)
        return answer(404, status(404, 'NotFound', `serviceaccounts "${saPath[2]}" not found`));
      return answer(
        200,
        JSON.stringify({
          kind: 'ServiceAccount',
          apiVersion: 'v1',
          metadata: { name: saPath[2], namespace: saPath[1] },
          imagePullSecrets: pullSecrets.map((name) => ({ name })),
        }),
      );
    }
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/?]+)$/u.exec(path);
    if (req.method !== 'GET' || m === null)
      return answer(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const secret = secrets.get(`${m[1]}/${m[2]}`);
    if (secret === undefined) return answer(404, status(404, 'NotFound', `secrets "${m[2]}" not found`));
    answer(200, JSON.stringify(secret));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    caPem: ca.certPem,
    token,
    secrets,
    serviceAccounts,
    namespaces,
    requests,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
