import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWebhookTls } from '../../admission/index.ts';
import { run } from '../main.ts';
import { memoryIo } from '../test-io.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bosun-cli-webhook-'));
  const tls = generateWebhookTls({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  await writeFile(join(dir, 'tls.crt'), tls.serving.certPem);
  await writeFile(join(dir, 'tls.key'), tls.serving.keyPem);
  await writeFile(
    join(dir, 'p.yaml'),
    'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\nspec: {rules: []}\n',
  );
});
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('bosun webhook serve --pull-secrets-from-api', () => {
  it('outside a cluster fails clearly with exit 2 before listening', async () => {
    // memoryIo's environment has no KUBERNETES_SERVICE_HOST, as outside a cluster.
    const io = memoryIo({ cwd: dir });
    const argv = [
      'webhook',
      'serve',
      '--policies',
      'p.yaml',
      '--tls-cert',
      'tls.crt',
      '--tls-key',
      'tls.key',
    ];
    const code = await run([...argv, '--port', '0', '--pull-secrets-from-api'], io);
    expect([
      code,
      /not running in a Kubernetes cluster/u.test(io.err()),
      io.err().includes('listening'),
    ]).toEqual([2, true, false]);
  });
});

describe('bosun webhook manifests --pull-secrets-from-api', () => {
  it('grants reading secrets and passes the flag to the server', async () => {
    const io = memoryIo({ cwd: dir });
    const code = await run(['webhook', 'manifests', '--pull-secrets-from-api', '--namespaces-from-api'], io);
    const out = io.out();
    expect([
      code,
      out.includes('--pull-secrets-from-api'),
      out.includes('bosun-webhook-pull-secrets'),
      out.includes('--namespaces-from-api'),
      out.includes('bosun-webhook-namespaces'),
    ]).toEqual([0, true, true, true, true]);
  });
});
