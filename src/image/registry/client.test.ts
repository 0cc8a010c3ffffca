// The client against Debian's real docker-registry in its four variants: open, htpasswd basic
// auth, TLS with a test CA, and bearer tokens from the harness's token server.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../../../test/builders/layer.ts';
import { OciBlobs, type BuiltImage } from '../../../test/builders/oci-image.ts';
import { pushBuiltImage } from '../../../test/support/push-image.ts';
import {
  startRegistry,
  type StartRegistryOptions,
  type TestRegistry,
} from '../../../test/support/registry.ts';
import type { RegistryCredential } from '../credential-types.ts';
import type { ImageReference } from '../reference-types.ts';
import { resolveImage } from '../resolve.ts';
import { RegistryClient, registryImageSource, type RegistryClientOptions } from './index.ts';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function reference(registry: TestRegistry, repository: string, tag: string): ImageReference {
  return {
    registry: registry.host,
    repository,
    tag,
    digest: undefined,
    tagImplied: false,
    original: `${registry.host}/${repository}:${tag}`,
  };
}

function credentialsOf(
  registry: TestRegistry,
  password = registry.password,
): RegistryClientOptions['credentials'] {
  if (registry.username === undefined || password === undefined) return undefined;
  const credential: RegistryCredential = { kind: 'basic', username: registry.username, password };
  return async (host) => (host === registry.host ? credential : undefined);
}

function clientFor(registry: TestRegistry, extra: Partial<RegistryClientOptions> = {}): RegistryClient {
  return new RegistryClient({
    registry: registry.host,
    // Plain-HTTP test registries need `insecure`; the TLS one is verified against its CA.
    ...(registry.tls ? { caPems: [registry.caPem ?? ''] } : { insecure: true }),
    credentials: credentialsOf(registry),
    ...extra,
  });
}

function buildImage(label: string): { blobs: OciBlobs; image: BuiltImage } {
  const blobs = new OciBlobs();
  const image = blobs.image(
    [
      buildLayer([
        { name: 'etc/', type: 'dir' },
        { name: 'etc/os-release', body: `ID=bosun-test\nVARIANT=${label}\n` },
      ]),
      buildLayer([{ name: 'app/run.sh', body: '#!/bin/sh\necho hi\n', mode: 0o755 }]),
    ],
    { config: { config: { Env: ['PATH=/usr/bin'], Labels: { variant: label } } } },
  );
  return { blobs, image };
}

const variants: [string, StartRegistryOptions][] = [
  ['open', { auth: 'none' }],
  ['basic', { auth: 'basic' }],
  ['tls', { auth: 'none', tls: true }],
  ['token', { auth: 'token' }],
];

describe.each(variants)('registry variant %s', (label, options) => {
  let registry: TestRegistry;
  let client: RegistryClient;
  const { blobs, image } = buildImage(label);

  beforeAll(async () => {
    registry = await startRegistry(options);
    client = clientFor(registry);
    await pushBuiltImage(client, 'bosun/app', blobs, image.manifest, 'v1');
  });
  afterAll(async () => {
    await client?.close();
    await registry?.stop();
  });

  it('reads back the pushed manifest by tag and by digest, with identical bytes', async () => {
    const byTag = await client.getManifest('bosun/app', 'v1');
    const byDigest = await client.getManifest('bosun/app', image.manifest.digest);
    expect([byTag.kind, byTag.digest, byTag.mediaType]).toEqual([
      'manifest',
      image.manifest.digest,
      image.manifest.mediaType,
    ]);
    expect(Buffer.from(byDigest.bytes)).toEqual(blobs.blobs.get(image.manifest.digest));
    expect(await client.headManifest('bosun/app', 'v1')).toEqual({
      mediaType: image.manifest.mediaType,
      digest: image.manifest.digest,
      size: image.manifest.size,
    });
  });

  it('reads the config and streams each layer, verified', async () => {
    expect(Buffer.from(await client.getBlobBytes('bosun/app', image.config))).toEqual(image.configBytes);
    for (const layer of image.layers) {
      expect(await collect(await client.getBlob('bosun/app', layer))).toEqual(layer.blob);
    }
  });

  it('serves as an ImageSource that resolves to the built image', async () => {
    const source = registryImageSource(reference(registry, 'bosun/app', 'v1'), {
      ...(registry.tls ? { caPems: [registry.caPem ?? ''] } : { insecure: true }),
      credentials: credentialsOf(registry),
    });
    try {
      const resolved = await resolveImage(source);
      expect({
        kind: source.kind,
        manifest: resolved.manifest.digest,
        config: resolved.config.config?.Labels,
        layers: resolved.layers.map((l) => [l.descriptor.digest, l.diffId]),
      }).toEqual({
        kind: 'registry',
        manifest: image.manifest.digest,
        config: { variant: label },
        layers: image.layers.map((l) => [l.digest, l.diffId]),
      });
      const first = image.layers[0];
      if (first === undefined) throw new Error('no layer');
      expect(await collect(await source.blobStream(first))).toEqual(first.blob);
    } finally {
      await source.close();
    }
  });

  it('a missing tag is IMAGE_NOT_FOUND', async () => {
    await expect(client.getManifest('bosun/app', 'nope')).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' });
  });
});

describe.each<[string, StartRegistryOptions]>([
  ['basic', { auth: 'basic' }],
  ['token', { auth: 'token' }],
])('credentials against %s auth', (_label, options) => {
  let registry: TestRegistry;
  const { blobs, image } = buildImage('auth');

  beforeAll(async () => {
    registry = await startRegistry(options);
    const client = clientFor(registry);
    await pushBuiltImage(client, 'bosun/private', blobs, image.manifest, 'v1');
    await client.close();
  });
  afterAll(async () => registry?.stop());

  it.each([
    ['a wrong password', 'not-the-password'],
    ['no credentials', undefined],
  ])('%s is REGISTRY_UNAUTHORIZED, and the error holds no secret', async (_case, password) => {
    const client = clientFor(registry, {
      credentials: password === undefined ? undefined : credentialsOf(registry, password),
    });
    try {
      const error: unknown = await client.getManifest('bosun/private', 'v1').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'REGISTRY_UNAUTHORIZED', details: { registry: registry.host } });
      const text = `${String(error)} ${JSON.stringify(error)} ${JSON.stringify((error as Error).cause ?? null)}`;
      for (const secret of [registry.password ?? '', 'not-the-password']) expect(text).not.toContain(secret);
    } finally {
      await client.close();
    }
  });
});

describe('TLS verification', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ auth: 'none', tls: true });
  });
  afterAll(async () => registry?.stop());

  it.each<[string, Partial<RegistryClientOptions>, string | undefined]>([
    ['without the CA', {}, 'REGISTRY_TLS'],
    ['with the CA', { caPems: [] }, undefined],
    ['insecure (verification skipped, HTTPS kept)', { insecure: true }, undefined],
  ])('%s', async (_case, extra, code) => {
    const client = new RegistryClient({
      registry: registry.host,
      ...extra,
      ...(extra.caPems === undefined ? {} : { caPems: [registry.caPem ?? ''] }),
      retry: { retries: 0 },
    });
    try {
      const outcome = await client.listTags('missing/repo').then(
        () => 'ok',
        (e: unknown) => (e as { code?: string }).code,
      );
      // A reachable registry answers NAME_UNKNOWN for a repository that does not exist.
      expect(outcome).toEqual(code ?? 'REGISTRY_NOT_FOUND');
    } finally {
      await client.close();
    }
  });

  it('an HTTPS-only client does not fall back to HTTP on a plain registry', async () => {
    const plain = await startRegistry({ auth: 'none' });
    const client = new RegistryClient({ registry: plain.host, retry: { retries: 0 } });
    try {
      await expect(client.listTags('any/repo')).rejects.toMatchObject({ code: 'REGISTRY_TLS' });
    } finally {
      await client.close();
      await plain.stop();
    }
  });
});

describe('token auth', () => {
  let registry: TestRegistry;
  const { blobs, image } = buildImage('token');

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'token' });
    const client = clientFor(registry);
    await pushBuiltImage(client, 'bosun/tok', blobs, image.manifest, 'v1');
    await client.close();
  });
  afterAll(async () => registry?.stop());

  it('caches a token per scope until it expires, then fetches a new one', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const client = clientFor(registry, { now: () => now });
    try {
      const before = registry.tokenRequests.length;
      await client.getManifest('bosun/tok', 'v1');
      await client.getBlobBytes('bosun/tok', image.config);
      await client.headManifest('bosun/tok', 'v1');
      const afterReads = registry.tokenRequests.length;
      now += 10 * 60 * 1000; // past the server's 300 s expires_in
      await client.getManifest('bosun/tok', 'v1');
      const fresh = registry.tokenRequests.slice(before);
      expect({ first: afterReads - before, total: fresh.length, scopes: fresh.map((r) => r.scopes) }).toEqual(
        {
          first: 1,
          total: 2,
          scopes: [['repository:bosun/tok:pull'], ['repository:bosun/tok:pull']],
        },
      );
    } finally {
      await client.close();
    }
  });

  it('an identity token is exchanged with an OAuth2 refresh_token POST', async () => {
    const client = clientFor(registry, {
      credentials: async () => ({
        kind: 'identity-token',
        username: '<token>',
        token: registry.identityToken ?? '',
      }),
    });
    try {
      const before = registry.tokenRequests.length;
      expect((await client.getManifest('bosun/tok', 'v1')).digest).toEqual(image.manifest.digest);
      expect(registry.tokenRequests.slice(before).map((r) => [r.method, r.grantType, r.status])).toEqual([
        ['POST', 'refresh_token', 200],
      ]);
    } finally {
      await client.close();
    }
  });

  it('a revoked identity token is REGISTRY_UNAUTHORIZED', async () => {
    const client = clientFor(registry, {
      credentials: async () => ({ kind: 'identity-token', username: '<token>', token: 'revoked' }),
    });
    try {
      await expect(client.getManifest('bosun/tok', 'v1')).rejects.toMatchObject({
        code: 'REGISTRY_UNAUTHORIZED',
      });
    } finally {
      await client.close();
    }
  });

  it('pushing asks for pull,push and a cross-repository mount also for pull on the source', async () => {
    const client = clientFor(registry);
    try {
      const before = registry.tokenRequests.length;
      const layer = image.layers[0];
      if (layer === undefined) throw new Error('no layer');
      const result = await client.pushBlob(
        'bosun/other',
        { digest: layer.digest, size: layer.size, bytes: layer.blob },
        { mountFrom: 'bosun/tok' },
      );
      expect(result.outcome).toEqual('mounted');
      expect(registry.tokenRequests.slice(before).map((r) => r.scopes)).toEqual([
        ['repository:bosun/other:pull,push'],
        ['repository:bosun/other:pull,push', 'repository:bosun/tok:pull'],
      ]);
    } finally {
      await client.close();
    }
  });

  it('streams a blob pushed from a Readable factory', async () => {
    const client = clientFor(registry);
    try {
      const bytes = Buffer.from('streamed blob '.repeat(1000));
      const blobs2 = new OciBlobs();
      const d = blobs2.add(bytes, 'application/octet-stream');
      const result = await client.pushBlob('bosun/tok', {
        digest: d.digest,
        size: d.size,
        open: () => Readable.from([bytes]),
      });
      expect(result.outcome).toEqual('uploaded');
      expect(Buffer.from(await client.getBlobBytes('bosun/tok', d))).toEqual(bytes);
    } finally {
      await client.close();
    }
  });
});
