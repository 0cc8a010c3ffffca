// Registry operations beyond push/pull on the real docker-registry (distribution 2.8): tags,
// referrers (2.8 has no referrers API, so the tag-schema fallback is what runs), deletes,
// chunked and streamed uploads, mounts, Docker schema2 manifests and lists, limits.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../../../test/builders/layer.ts';
import { OciBlobs, type BuiltImage } from '../../../test/builders/oci-image.ts';
import { pushBuiltImage } from '../../../test/support/push-image.ts';
import { startRegistry, type TestRegistry } from '../../../test/support/registry.ts';
import { digestOf } from '../../util/digest.ts';
import { selectPlatform } from '../resolve.ts';
import { MEDIA_TYPES, type FetchedManifest } from '../types.ts';
import { RegistryClient, referrersTag } from './index.ts';

let registry: TestRegistry;
let client: RegistryClient;
const blobs = new OciBlobs();
let image: BuiltImage;

function json(value: unknown): Uint8Array {
  return new Uint8Array(Buffer.from(JSON.stringify(value), 'utf8'));
}

beforeAll(async () => {
  registry = await startRegistry({ auth: 'basic' });
  client = new RegistryClient({
    registry: registry.host,
    insecure: true,
    credentials: async () => ({
      kind: 'basic',
      username: registry.username ?? '',
      password: registry.password ?? '',
    }),
  });
  image = blobs.image([buildLayer([{ name: 'hello.txt', body: 'hello\n' }])]);
  await pushBuiltImage(client, 'ops/app', blobs, image.manifest, 'v1');
});
afterAll(async () => {
  await client?.close();
  await registry?.stop();
});

describe('tags', () => {
  it('lists every tag when asked for pages of 2', async () => {
    const manifest = blobs.blobs.get(image.manifest.digest) ?? Buffer.alloc(0);
    for (const tag of ['t1', 't2', 't3', 't4', 't5']) {
      await client.putManifest('ops/tags', tag, manifest, image.manifest.mediaType).catch(async () => {
        // The repository is new: its blobs must be there first.
        await pushBuiltImage(client, 'ops/tags', blobs, image.manifest, tag);
      });
    }
    // distribution 2.8 ignores `n` for tags (pagination arrived in 3.0); Link following is
    // covered against the fault server. Either way every tag comes back.
    expect((await client.listTags('ops/tags', { pageSize: 2 })).sort()).toEqual([
      't1',
      't2',
      't3',
      't4',
      't5',
    ]);
  });

  it('an unknown repository is REGISTRY_NOT_FOUND', async () => {
    await expect(client.listTags('ops/none')).rejects.toMatchObject({
      code: 'REGISTRY_NOT_FOUND',
      details: { registry: registry.host, repository: 'ops/none', registryCode: 'NAME_UNKNOWN' },
    });
  });
});

describe('referrers', () => {
  const artifactType = 'application/vnd.bosun.test+json';

  async function pushArtifact(type: string, label: string): Promise<FetchedManifest & { kind: 'manifest' }> {
    const empty = blobs.add('{}', MEDIA_TYPES.ociEmpty);
    const payload = blobs.add(JSON.stringify({ label }), 'application/json');
    for (const d of [empty, payload]) {
      const bytes = blobs.blobs.get(d.digest) ?? Buffer.alloc(0);
      await client.pushBlob('ops/app', { digest: d.digest, size: d.size, bytes });
    }
    const manifest = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      artifactType: type,
      config: empty,
      layers: [payload],
      subject: {
        mediaType: image.manifest.mediaType,
        digest: image.manifest.digest,
        size: image.manifest.size,
      },
      annotations: { 'org.example.label': label },
    };
    const bytes = json(manifest);
    const pushed = await client.putManifest('ops/app', digestOf(bytes), bytes, MEDIA_TYPES.ociManifest);
    return (await client.getManifest('ops/app', pushed.digest)) as FetchedManifest & { kind: 'manifest' };
  }

  it('finds an artifact pushed with a subject through the tag fallback, filtered by type', async () => {
    const first = await pushArtifact(artifactType, 'one');
    const second = await pushArtifact('application/vnd.bosun.other', 'two');
    const all = await client.getReferrers('ops/app', image.manifest.digest);
    const filtered = await client.getReferrers('ops/app', image.manifest.digest, { artifactType });
    expect(all).toEqual({
      source: 'tag',
      referrers: [
        {
          mediaType: MEDIA_TYPES.ociManifest,
          digest: first.digest,
          size: first.bytes.byteLength,
          artifactType,
          annotations: { 'org.example.label': 'one' },
        },
        {
          mediaType: MEDIA_TYPES.ociManifest,
          digest: second.digest,
          size: second.bytes.byteLength,
          artifactType: 'application/vnd.bosun.other',
          annotations: { 'org.example.label': 'two' },
        },
      ],
    });
    expect(filtered.referrers.map((d) => d.digest)).toEqual([first.digest]);
    // The fallback index is an ordinary tag.
    expect((await client.listTags('ops/app')).sort()).toEqual(
      [referrersTag(image.manifest.digest), 'v1'].sort(),
    );
  });

  it('pushing the same referrer twice lists it once', async () => {
    const again = await pushArtifact(artifactType, 'one');
    const { referrers } = await client.getReferrers('ops/app', image.manifest.digest, { artifactType });
    expect(referrers.map((d) => d.digest)).toEqual([again.digest]);
  });

  it('a subject without referrers has none', async () => {
    expect(await client.getReferrers('ops/app', image.config.digest)).toEqual({
      source: 'tag',
      referrers: [],
    });
  });
});

describe('blobs', () => {
  it.each([
    ['bytes in chunks of 64', (b: Buffer) => ({ bytes: b }), 64],
    [
      'a stream in chunks of 100',
      (b: Buffer) => ({ open: () => Readable.from([b.subarray(0, 50), b.subarray(50)]) }),
      100,
    ],
    ['a stream in one PUT', (b: Buffer) => ({ open: () => Readable.from([b]) }), undefined],
  ])('uploads %s, then finds it exists', async (_case, source, chunkSize) => {
    const bytes = Buffer.from(`chunked upload ${_case} `.repeat(37));
    const digest = digestOf(bytes);
    const first = await client.pushBlob(
      'ops/blobs',
      { digest, size: bytes.length, ...source(bytes) },
      chunkSize === undefined ? {} : { chunkSize },
    );
    const second = await client.pushBlob('ops/blobs', { digest, size: bytes.length, bytes });
    expect([first.outcome, second.outcome]).toEqual(['uploaded', 'exists']);
    expect(Buffer.from(await client.getBlobBytes('ops/blobs', { digest, size: bytes.length }))).toEqual(
      bytes,
    );
  });

  it.each([
    ['wrong bytes, chunked', 5],
    ['wrong bytes, one PUT', undefined],
  ])(
    'a stream whose bytes do not match the digest is refused (%s) and nothing is stored',
    async (_case, chunkSize) => {
      const bytes = Buffer.from(`honest ${_case}`);
      const liar = Buffer.from(`liar!! ${_case}`);
      const digest = digestOf(bytes);
      const error: unknown = await client
        .pushBlob(
          'ops/blobs',
          { digest, size: bytes.length, open: () => Readable.from([liar]) },
          chunkSize === undefined ? {} : { chunkSize },
        )
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'IMAGE_DIGEST_MISMATCH' });
      await expect(client.getBlobBytes('ops/blobs', { digest })).rejects.toMatchObject({
        code: 'REGISTRY_NOT_FOUND',
      });
    },
  );

  it('bytes that do not match their digest are refused before anything is sent', async () => {
    const digest = digestOf(Buffer.from('a'));
    await expect(
      client.pushBlob('ops/blobs', { digest, size: 1, bytes: Buffer.from('b') }),
    ).rejects.toMatchObject({
      code: 'IMAGE_DIGEST_MISMATCH',
    });
  });

  it('mounts from another repository, and uploads when the source lacks the blob', async () => {
    const layer = image.layers[0];
    if (layer === undefined) throw new Error('no layer');
    const mounted = await client.pushBlob(
      'ops/mounted',
      { digest: layer.digest, size: layer.size, bytes: layer.blob },
      { mountFrom: 'ops/app' },
    );
    const bytes = Buffer.from('only here');
    const fallback = await client.pushBlob(
      'ops/mounted',
      { digest: digestOf(bytes), size: bytes.length, bytes },
      { mountFrom: 'ops/app' },
    );
    expect([mounted.outcome, fallback.outcome]).toEqual(['mounted', 'uploaded']);
  });

  it('getBlobBytes stops at its limit, and a wrong descriptor size fails', async () => {
    await expect(client.getBlobBytes('ops/app', image.config, { maxBytes: 10 })).rejects.toMatchObject({
      code: 'IMAGE_LIMIT',
    });
    await expect(
      client.getBlobBytes('ops/app', { digest: image.config.digest, size: image.config.size - 1 }),
    ).rejects.toMatchObject({ code: 'IMAGE_SIZE_MISMATCH' });
    const layer = image.layers[0];
    if (layer === undefined) throw new Error('no layer');
    await expect(
      client.getBlob('ops/app', { digest: layer.digest, size: layer.size + 1 }),
    ).rejects.toMatchObject({
      code: 'IMAGE_SIZE_MISMATCH',
    });
  });
});

describe('manifests', () => {
  it('deletes a manifest by digest', async () => {
    await pushBuiltImage(client, 'ops/delete', blobs, image.manifest, 'gone');
    await client.deleteManifest('ops/delete', image.manifest.digest);
    await expect(client.getManifest('ops/delete', image.manifest.digest)).rejects.toMatchObject({
      code: 'IMAGE_NOT_FOUND',
    });
    await expect(client.deleteManifest('ops/delete', image.manifest.digest)).rejects.toMatchObject({
      code: 'IMAGE_NOT_FOUND',
    });
  });

  it('refuses a manifest over the size limit, both ways', async () => {
    const small = new RegistryClient({
      registry: registry.host,
      insecure: true,
      credentials: async () => ({
        kind: 'basic',
        username: registry.username ?? '',
        password: registry.password ?? '',
      }),
      limits: { maxManifestBytes: 64 },
    });
    try {
      await expect(small.getManifest('ops/app', 'v1')).rejects.toMatchObject({ code: 'IMAGE_LIMIT' });
      const bytes = blobs.blobs.get(image.manifest.digest) ?? Buffer.alloc(0);
      await expect(
        small.putManifest('ops/app', 'big', bytes, image.manifest.mediaType),
      ).rejects.toMatchObject({
        code: 'IMAGE_LIMIT',
      });
    } finally {
      await small.close();
    }
  });

  it('pushing a digest reference with other bytes is IMAGE_DIGEST_MISMATCH', async () => {
    const bytes = blobs.blobs.get(image.manifest.digest) ?? Buffer.alloc(0);
    await expect(
      client.putManifest('ops/app', image.config.digest, bytes, image.manifest.mediaType),
    ).rejects.toMatchObject({ code: 'IMAGE_DIGEST_MISMATCH' });
  });

  it('pushes and reads a Docker schema2 manifest list; platform selection picks arm64 (v8 = no variant)', async () => {
    const docker = new OciBlobs();
    const platforms = [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ];
    const images = platforms.map((platform) =>
      docker.image([buildLayer([{ name: 'arch', body: `${platform.architecture}\n` }])], {
        platform,
        manifestMediaType: MEDIA_TYPES.dockerManifest,
      }),
    );
    const list = docker.addJson(
      {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.dockerManifestList,
        manifests: images.map((i) => ({ ...i.manifest, mediaType: MEDIA_TYPES.dockerManifest })),
      },
      MEDIA_TYPES.dockerManifestList,
    );
    await pushBuiltImage(client, 'ops/multi', docker, list, 'latest', {
      manifests: images.map((i) => i.manifest),
    });

    const root = await client.getManifest('ops/multi', 'latest');
    if (root.kind !== 'index') throw new Error('expected an index');
    expect([root.mediaType, root.digest]).toEqual([MEDIA_TYPES.dockerManifestList, list.digest]);
    const picked = selectPlatform(root, { platform: { os: 'linux', architecture: 'arm64' } }, 'ops/multi');
    const byDefault = selectPlatform(
      root,
      { defaultPlatform: { os: 'linux', architecture: 'amd64' } },
      'ops/multi',
    );
    expect([picked.digest, byDefault.digest]).toEqual([
      images[1]?.manifest.digest,
      images[0]?.manifest.digest,
    ]);
    const child = await client.getManifest('ops/multi', picked.digest);
    expect([child.kind, child.mediaType]).toEqual(['manifest', MEDIA_TYPES.dockerManifest]);
    expect(() =>
      selectPlatform(root, { platform: { os: 'linux', architecture: 's390x' } }, 'ops/multi'),
    ).toThrow(expect.objectContaining({ code: 'IMAGE_PLATFORM_NOT_FOUND' }));
  });
});
