// Interop with skopeo 1.9 through the real registry (TLS + basic auth), both ways: images skopeo
// pushes read back through Bosun with identical digests, and images Bosun pushes are read intact
// by `skopeo inspect --raw` and `skopeo copy docker://… oci:…`.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../../../test/builders/layer.ts';
import {
  OciBlobs,
  writeFiles,
  type BuiltImage,
  type BuiltDescriptor,
} from '../../../test/builders/oci-image.ts';
import { pushBuiltImage } from '../../../test/support/push-image.ts';
import { startRegistry, type TestRegistry } from '../../../test/support/registry.ts';
import { selectPlatform } from '../resolve.ts';
import { MEDIA_TYPES } from '../types.ts';
import { RegistryClient } from './index.ts';

const run = promisify(execFile);

let dir: string;
let registry: TestRegistry;
let client: RegistryClient;
const blobs = new OciBlobs();
let single: BuiltImage;
let amd64: BuiltImage;
let arm64: BuiltImage;
let index: BuiltDescriptor;

async function skopeo(...args: string[]): Promise<string> {
  const { stdout } = await run('skopeo', ['--policy', join(dir, 'policy.json'), ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

function auth(kind: 'src' | 'dest'): string[] {
  return [
    `--${kind}-creds`,
    `${registry.username}:${registry.password}`,
    `--${kind}-cert-dir`,
    registry.certDir ?? '',
  ];
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bosun-registry-skopeo-'));
  await writeFile(join(dir, 'policy.json'), '{"default":[{"type":"insecureAcceptAnything"}]}');
  registry = await startRegistry({ auth: 'basic', tls: true });
  client = new RegistryClient({
    registry: registry.host,
    caPems: [registry.caPem ?? ''],
    credentials: async () => ({
      kind: 'basic',
      username: registry.username ?? '',
      password: registry.password ?? '',
    }),
  });
  single = blobs.image([
    buildLayer([
      { name: 'etc/', type: 'dir' },
      { name: 'etc/os-release', body: 'ID=interop\n' },
    ]),
    // gzip only: skopeo compresses uncompressed layers when pushing, which would change digests.
    buildLayer([{ name: 'srv/data.bin', body: Buffer.alloc(4096, 7) }]),
  ]);
  amd64 = blobs.image([buildLayer([{ name: 'arch', body: 'amd64\n' }])], {
    platform: { os: 'linux', architecture: 'amd64' },
  });
  arm64 = blobs.image([buildLayer([{ name: 'arch', body: 'arm64\n' }])], {
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  });
  index = blobs.index([amd64.manifest, arm64.manifest]);
  await writeFiles(
    join(dir, 'layout'),
    blobs.layoutFiles([
      { descriptor: single.manifest, refName: 'v1' },
      { descriptor: index, refName: 'multi' },
    ]),
  );
});
afterAll(async () => {
  await client?.close();
  await registry?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('skopeo pushes, Bosun reads', () => {
  it('an OCI image keeps its manifest, config and layer digests', async () => {
    await skopeo(
      'copy',
      '-q',
      ...auth('dest'),
      `oci:${join(dir, 'layout')}:v1`,
      `docker://${registry.host}/sk/oci:v1`,
    );
    const manifest = await client.getManifest('sk/oci', 'v1');
    if (manifest.kind !== 'manifest') throw new Error('expected a manifest');
    expect({
      digest: manifest.digest,
      config: manifest.manifest.config.digest,
      layers: manifest.manifest.layers.map((l) => l.digest),
    }).toEqual({
      digest: single.manifest.digest,
      config: single.config.digest,
      layers: single.layers.map((l) => l.digest),
    });
    expect(Buffer.from(await client.getBlobBytes('sk/oci', manifest.manifest.config))).toEqual(
      single.configBytes,
    );
    for (const [i, layer] of manifest.manifest.layers.entries()) {
      expect(await collect(await client.getBlob('sk/oci', layer))).toEqual(single.layers[i]?.blob);
    }
  });

  it('a Docker schema2 conversion (--format v2s2) keeps config and layer digests', async () => {
    await skopeo(
      'copy',
      '-q',
      '--format',
      'v2s2',
      ...auth('dest'),
      `oci:${join(dir, 'layout')}:v1`,
      `docker://${registry.host}/sk/docker:v1`,
    );
    const manifest = await client.getManifest('sk/docker', 'v1');
    if (manifest.kind !== 'manifest') throw new Error('expected a manifest');
    expect({
      mediaType: manifest.mediaType,
      config: [manifest.manifest.config.mediaType, manifest.manifest.config.digest],
      layers: manifest.manifest.layers.map((l) => [l.mediaType, l.digest]),
    }).toEqual({
      mediaType: MEDIA_TYPES.dockerManifest,
      config: [MEDIA_TYPES.dockerConfig, single.config.digest],
      layers: single.layers.map((l) => [
        l.mediaType.endsWith('+gzip')
          ? MEDIA_TYPES.dockerLayerGzip
          : 'application/vnd.docker.image.rootfs.diff.tar',
        l.digest,
      ]),
    });
    expect(Buffer.from(await client.getBlobBytes('sk/docker', manifest.manifest.config))).toEqual(
      single.configBytes,
    );
  });

  it('a multi-platform index converted to a Docker manifest list selects arm64 by platform', async () => {
    await skopeo(
      'copy',
      '-q',
      '--all',
      '--format',
      'v2s2',
      ...auth('dest'),
      `oci:${join(dir, 'layout')}:multi`,
      `docker://${registry.host}/sk/multi:latest`,
    );
    const root = await client.getManifest('sk/multi', 'latest');
    if (root.kind !== 'index') throw new Error('expected an index');
    expect(root.mediaType).toEqual(MEDIA_TYPES.dockerManifestList);
    const picked = selectPlatform(root, { platform: { os: 'linux', architecture: 'arm64' } }, 'sk/multi');
    const child = await client.getManifest('sk/multi', picked.digest);
    if (child.kind !== 'manifest') throw new Error('expected a manifest');
    expect([child.mediaType, child.manifest.config.digest]).toEqual([
      MEDIA_TYPES.dockerManifest,
      arm64.config.digest,
    ]);
  });
});

describe('Bosun pushes, skopeo reads', () => {
  it('`skopeo inspect --raw` returns the exact manifest bytes', async () => {
    await pushBuiltImage(client, 'bo/app', blobs, single.manifest, 'v1');
    const raw = await skopeo(
      'inspect',
      '--raw',
      '--creds',
      `${registry.username}:${registry.password}`,
      '--cert-dir',
      registry.certDir ?? '',
      `docker://${registry.host}/bo/app:v1`,
    );
    expect(sha256(Buffer.from(raw, 'utf8'))).toEqual(single.manifest.digest);
  });

  it('`skopeo copy` to an OCI layout keeps every digest, and the blobs hash to their names', async () => {
    await pushBuiltImage(client, 'bo/copy', blobs, single.manifest, 'v1');
    const out = join(dir, 'out-single');
    await skopeo('copy', '-q', ...auth('src'), `docker://${registry.host}/bo/copy:v1`, `oci:${out}:v1`);
    const layoutIndex = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    expect(layoutIndex.manifests.map((m) => m.digest)).toEqual([single.manifest.digest]);
    for (const digest of [
      single.manifest.digest,
      single.config.digest,
      ...single.layers.map((l) => l.digest),
    ]) {
      const bytes = await readFile(join(out, 'blobs', 'sha256', digest.slice('sha256:'.length)));
      expect(sha256(bytes)).toEqual(digest);
    }
  });

  it('a multi-platform OCI index copied with --all keeps the index digest', async () => {
    await pushBuiltImage(client, 'bo/multi', blobs, index, 'latest', {
      manifests: [amd64.manifest, arm64.manifest],
    });
    const out = join(dir, 'out-multi');
    await skopeo(
      'copy',
      '-q',
      '--all',
      ...auth('src'),
      `docker://${registry.host}/bo/multi:latest`,
      `oci:${out}:latest`,
    );
    const layoutIndex = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    expect(layoutIndex.manifests.map((m) => m.digest)).toEqual([index.digest]);
    const copied = await readFile(join(out, 'blobs', 'sha256', arm64.config.digest.slice('sha256:'.length)));
    expect(sha256(copied)).toEqual(arm64.config.digest);
  });
});
