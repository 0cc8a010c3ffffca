// Registry down, slow (beyond the deadline) and answering 500, under fail-closed and fail-open
// policies, over real HTTPS; plus policy and certificate reloads of a running server.
import { generateKeyPairSync } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admissionReview, workload } from '../builders/admission-review.ts';
import { httpsCall, postReview } from '../support/webhook-client.ts';
import {
  CachedImageFacts,
  RegistryImageFacts,
  generateWebhookTls,
  startWebhookServer,
  type WebhookServer,
} from '../../src/admission/index.ts';

const DEADLINE_MS = 1500;
let dir: string;
let caPem: string;
let silent: Server;
const sockets: Socket[] = [];
let failing: HttpServer;
let ports: { down: number; slow: number; error500: number };
const servers: Record<string, WebhookServer> = {};
const facts: RegistryImageFacts[] = [];

function signedPolicy(failurePolicy: 'Fail' | 'Ignore'): string {
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
  const key = pem
    .trim()
    .split('\n')
    .map((l) => `                      ${l}`)
    .join('\n');
  return `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: signed-${failurePolicy.toLowerCase()}}
spec:
  validationFailureAction: Enforce
  failurePolicy: ${failurePolicy}
  rules:
    - name: check-signature
      match: {any: [{resources: {kinds: [Pod]}}]}
      verifyImages:
        - imageReferences: ["127.0.0.1:*"]
          attestors:
            - entries:
                - keys:
                    publicKeys: |-
${key}
`;
}

async function listen(server: Server | HttpServer): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bosun-webhook-fail-'));
  silent = createServer((s) => sockets.push(s));
  failing = createHttpServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('internal error');
  });
  const closed = createServer();
  const down = await listen(closed);
  await new Promise<void>((r) => closed.close(() => r()));
  ports = { down, slow: await listen(silent), error500: await listen(failing) };
  const tls = generateWebhookTls({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  caPem = tls.ca.certPem;
  await writeFile(join(dir, 'tls.crt'), tls.serving.certPem);
  await writeFile(join(dir, 'tls.key'), tls.serving.keyPem);
  for (const fp of ['Fail', 'Ignore'] as const) {
    const pdir = join(dir, fp);
    await import('node:fs/promises').then((fs) => fs.mkdir(pdir));
    await writeFile(join(pdir, 'signed.yaml'), signedPolicy(fp));
    const f = new RegistryImageFacts({ insecure: true, timeoutMs: 60_000 });
    facts.push(f);
    servers[fp] = await startWebhookServer({
      tls: { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') },
      policyPaths: [pdir],
      facts: new CachedImageFacts(f, { negativeTtlMs: 0 }),
      host: '127.0.0.1',
      port: 0,
      deadlineMs: DEADLINE_MS,
      watch: false,
    });
  }
});

afterAll(async () => {
  for (const s of Object.values(servers)) await s.close();
  for (const s of sockets) s.destroy();
  for (const f of facts) await f.close();
  await new Promise<void>((r) => silent?.close(() => r()));
  await new Promise<void>((r) => failing?.close(() => r()));
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

function review(port: number, uid: string): unknown {
  return admissionReview(
    workload('Pod', 'web', 'shop', [{ name: 'app', image: `127.0.0.1:${port}/shop/app:1` }]),
    { uid },
  );
}

describe('registry failures over HTTPS', () => {
  it.each([
    ['down', 'Fail', 'the registry could not be reached', 'REGISTRY_UNREACHABLE'],
    ['down', 'Ignore', 'the registry could not be reached', 'REGISTRY_UNREACHABLE'],
    ['slow', 'Fail', 'the registry did not answer within the deadline', 'REGISTRY_TIMEOUT'],
    ['slow', 'Ignore', 'the registry did not answer within the deadline', 'REGISTRY_TIMEOUT'],
    ['error500', 'Fail', 'the registry could not be reached', 'REGISTRY_HTTP'],
    ['error500', 'Ignore', 'the registry could not be reached', 'REGISTRY_HTTP'],
  ] as const)('registry %s, failurePolicy %s', async (kind, fp, phrase, code) => {
    const port = ports[kind];
    const started = Date.now();
    const r = await postReview(`${servers[fp]!.url}/validate`, caPem, review(port, `${kind}-${fp}`));
    const elapsed = Date.now() - started;
    const text = fp === 'Fail' ? (r.status?.message ?? '') : (r.warnings ?? []).join('\n');
    expect([r.uid, r.allowed]).toEqual([`${kind}-${fp}`, fp === 'Ignore']);
    expect(text).toContain(`${phrase} for image 127.0.0.1:${port}/shop/app:1`);
    expect(text).toContain(code);
    // Answered by the deadline machinery, not by the 60 s registry client timeout.
    expect(elapsed < 30_000).toEqual(true);
  });
});

describe('reloads', () => {
  it('a bad policy file keeps the last good set and shows on /readyz', async () => {
    const s = servers['Fail']!;
    const pdir = join(dir, 'Fail');
    await writeFile(
      join(pdir, 'broken.yaml'),
      'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: broken\nspec: [\n',
    );
    const status = await s.reloadPolicies();
    const ready = await httpsCall(`${s.url}/readyz`, caPem, 'GET');
    expect([
      status.ok,
      ready.status,
      JSON.parse(ready.body).ready,
      JSON.parse(ready.body).error.code,
    ]).toEqual([false, 200, true, 'POLICY_INVALID']);
    const r = await postReview(`${s.url}/validate`, caPem, review(ports.down, 'after-bad'));
    expect(r.allowed).toEqual(false);
    await rm(join(pdir, 'broken.yaml'));
    expect((await s.reloadPolicies()).ok).toEqual(true);
  });

  it('a changed policy set takes effect without a restart', async () => {
    const s = servers['Fail']!;
    const pdir = join(dir, 'Fail');
    await writeFile(join(pdir, 'signed.yaml'), signedPolicy('Ignore'));
    expect((await s.reloadPolicies()).ok).toEqual(true);
    const r = await postReview(`${s.url}/validate`, caPem, review(ports.down, 'after-reload'));
    expect(r.allowed).toEqual(true);
  });

  it('a rotated certificate is served to new connections', async () => {
    const s = servers['Ignore']!;
    const before = await httpsCall(`${s.url}/healthz`, caPem, 'GET');
    const next = generateWebhookTls({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    await writeFile(join(dir, 'tls.crt'), next.serving.certPem);
    await writeFile(join(dir, 'tls.key'), next.serving.keyPem);
    expect(await s.reloadTls()).toEqual(true);
    const after = await httpsCall(`${s.url}/healthz`, next.ca.certPem, 'GET');
    expect([before.status, after.status, after.serial !== before.serial]).toEqual([200, 200, true]);
  });
});
