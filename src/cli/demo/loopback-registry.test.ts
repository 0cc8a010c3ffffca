import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWebhookTls } from '../../admission/index.ts';
import { RegistryClient } from '../../image/index.ts';
import { buildExampleImages, sha256 } from './example-images.ts';
import { startLoopbackRegistry, type LoopbackRegistry } from './loopback-registry.ts';

const tls = generateWebhookTls({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
let registry: LoopbackRegistry;
let client: RegistryClient;

beforeAll(async () => {
  registry = await startLoopbackRegistry({
    certPem: tls.serving.certPem,
    keyPem: tls.serving.keyPem,
    maxBytes: 1 << 20,
  });
  client = new RegistryClient({ registry: registry.host, caPems: [tls.ca.certPem] });
});

afterAll(async () => {
  await client.close();
  await registry.close();
});

function call(method: string, path: string, body = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `https://${registry.host}${path}`,
      { method, ca: tls.ca.certPem, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the demo loopback registry', () => {
  it('takes a push from Bosun’s client and serves the same bytes by tag and digest', async () => {
    const [image] = await buildExampleImages();
    if (image === undefined) throw new Error('no image');
    for (const blob of [image.config, ...image.layers])
      await client.pushBlob('demo/app', { digest: blob.digest, size: blob.size, bytes: blob.bytes });
    await client.putManifest('demo/app', image.tag, image.manifest.bytes, image.manifest.mediaType);
    const byTag = await client.getManifest('demo/app', image.tag);
    expect(byTag.digest).toEqual(image.manifest.digest);
    expect(sha256(Buffer.from(await client.getBlobBytes('demo/app', image.config)))).toEqual(
      image.config.digest,
    );
  });

  it.each([
    ['an upload whose bytes do not match the digest', 'PUT', `?digest=sha256:${'0'.repeat(64)}`, 'data', 400],
    [
      'an upload larger than the limit',
      'PUT',
      `?digest=sha256:${'0'.repeat(64)}`,
      'x'.repeat((1 << 20) + 1),
      413,
    ],
  ])('refuses %s', async (_name, method, query, body, status) => {
    const location = await new Promise<string>((resolve, reject) => {
      const req = request(
        `https://${registry.host}/v2/demo/app/blobs/uploads/`,
        { method: 'POST', ca: tls.ca.certPem, agent: false },
        (res) => {
          res.resume();
          res.on('end', () => resolve(String(res.headers.location)));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(await call(method, `${location}${query}`, body)).toEqual(status);
  });

  it.each([
    ['an unknown blob', 'GET', `/v2/demo/app/blobs/sha256:${'1'.repeat(64)}`, 404],
    ['an unknown manifest', 'GET', '/v2/demo/app/manifests/nope', 404],
    ['a bad repository name', 'GET', '/v2/Demo/App/manifests/1.0', 404],
    ['a manifest whose digest does not match', 'PUT', `/v2/demo/app/manifests/sha256:${'2'.repeat(64)}`, 400],
    [
      'the referrers API (clients fall back to tags)',
      'GET',
      `/v2/demo/app/referrers/sha256:${'3'.repeat(64)}`,
      404,
    ],
  ])('answers %s with %i', async (_name, method, path, status) => {
    expect(await call(method, path, method === 'PUT' ? '{}' : '')).toEqual(status);
  });
});
