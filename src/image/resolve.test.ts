import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBosunError } from '../util/errors.ts';
import { digestOf } from '../util/digest.ts';
import { buildLayer } from '../../test/builders/layer.ts';
import { OciBlobs, writeFiles } from '../../test/builders/oci-image.ts';
import { openOciLayout } from './local/oci-layout.ts';
import { formatPlatform, parsePlatform, platformMatches } from './platform.ts';
import { resolveImage, selectPlatform } from './resolve.ts';
import type { Descriptor, FetchedManifest, Platform } from './types.ts';

const base = mkdtempSync(join(tmpdir(), 'bosun-resolve-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function index(
  platforms: (Platform | undefined)[],
  extra: Partial<Descriptor>[] = [],
): FetchedManifest & { kind: 'index' } {
  const manifests: Descriptor[] = platforms.map((platform, i) => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${String(i).repeat(64)}`,
    size: 1,
    ...(platform === undefined ? {} : { platform }),
    ...extra[i],
  }));
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests }));
  return {
    kind: 'index',
    digest: digestOf(bytes),
    mediaType: 'application/vnd.oci.image.index.v1+json',
    bytes,
    index: { schemaVersion: 2, manifests },
  };
}

const amd = { os: 'linux', architecture: 'amd64' };
const arm64 = { os: 'linux', architecture: 'arm64', variant: 'v8' };
const armv6 = { os: 'linux', architecture: 'arm', variant: 'v6' };
const armv7 = { os: 'linux', architecture: 'arm', variant: 'v7' };
const unknown = { os: 'unknown', architecture: 'unknown' };

describe('selectPlatform', () => {
  it.each([
    [
      'explicit arm64 matches arm64/v8',
      [amd, arm64],
      { platform: { os: 'linux', architecture: 'arm64' } },
      1,
    ],
    ['aarch64 alias', [amd, arm64], { platform: { os: 'linux', architecture: 'aarch64' } }, 1],
    [
      'arm64/v8 wanted, entry without variant',
      [amd, { os: 'linux', architecture: 'arm64' }],
      { platform: arm64 },
      1,
    ],
    [
      'arm prefers v7 (the default variant)',
      [armv6, armv7],
      { platform: { os: 'linux', architecture: 'arm' } },
      1,
    ],
    ['arm/v6 exactly', [armv7, armv6], { platform: armv6 }, 1],
    ['default platform', [arm64, amd], { defaultPlatform: amd }, 1],
    ['lone image when the default does not match', [arm64, unknown], { defaultPlatform: amd }, 0],
    ['x86_64 default', [arm64, amd], { defaultPlatform: { os: 'linux', architecture: 'x86_64' } }, 1],
  ] as const)('%s', (_name, platforms, options, expected) => {
    const idx = index([...platforms]);
    expect(selectPlatform(idx, options, 'img').digest).toBe(idx.index.manifests[expected]?.digest);
  });

  it.each([
    [
      'explicit platform absent',
      [amd, arm64],
      { platform: { os: 'linux', architecture: 's390x' } },
      'linux/amd64,linux/arm64/v8',
    ],
    ['explicit platform, lone other image', [arm64], { platform: amd }, 'linux/arm64/v8'],
    ['attestations are not images', [arm64, unknown], { platform: amd }, 'linux/arm64/v8'],
    ['no default, several images', [amd, arm64], {}, 'linux/amd64,linux/arm64/v8'],
  ] as const)('IMAGE_PLATFORM_NOT_FOUND: %s', (_name, platforms, options, available) => {
    const error = (() => {
      try {
        return selectPlatform(index([...platforms]), options, 'img');
      } catch (e) {
        return e;
      }
    })();
    expect(isBosunError(error, 'IMAGE_PLATFORM_NOT_FOUND') && error.details.available).toBe(available);
  });
});

describe('platform parsing', () => {
  it.each([
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/aarch64', 'linux/arm64'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/x86_64', 'linux/amd64'],
    ['windows/amd64', 'windows/amd64'],
  ])('%s → %s', (input, expected) => {
    expect(formatPlatform(parsePlatform(input))).toBe(expected);
  });

  it.each(['linux', 'linux/', '/amd64', 'a/b/c/d', 'linux/am d64'])('rejects %s', (input) => {
    expect(() => parsePlatform(input)).toThrow();
  });

  it('matches variants only when asked', () => {
    expect(platformMatches({ os: 'linux', architecture: 'arm' }, armv6)).toBe(true);
    expect(platformMatches(armv7, armv6)).toBe(false);
  });
});

describe('resolveImage bounds', () => {
  async function layout(layerCount: number, config?: Record<string, unknown>) {
    const dir = mkdtempSync(join(base, 'l-'));
    const blobs = new OciBlobs();
    const layers = Array.from({ length: layerCount }, (_, i) =>
      buildLayer([{ name: `f${i}`, body: String(i) }]),
    );
    const image = blobs.image(layers, config === undefined ? {} : { config });
    await writeFiles(dir, blobs.layoutFiles([{ descriptor: image.manifest }]));
    return openOciLayout(dir);
  }

  it('pairs layers with diff-ids and reports the platform from the config', async () => {
    const resolved = await resolveImage(await layout(3));
    expect(resolved.layers.length).toBe(3);
    expect(resolved.layers.every((l) => l.diffId?.startsWith('sha256:'))).toBe(true);
    expect(resolved.platform).toEqual(amd);
  });

  it.each([
    ['layer count', { maxLayers: 2 }],
    ['config size', { maxConfigBytes: 10 }],
    ['manifest size', { maxManifestBytes: 10 }],
  ])('IMAGE_LIMIT: %s', async (limit, limits) => {
    const error = await resolveImage(await layout(3), { limits }).catch((e: unknown) => e);
    expect(isBosunError(error, 'IMAGE_LIMIT') && error.details.limit).toBe(limit);
  });

  it('diff_ids that do not pair with the layers are IMAGE_MANIFEST_INVALID', async () => {
    const source = await layout(2, { rootfs: { type: 'layers', diff_ids: [`sha256:${'a'.repeat(64)}`] } });
    const error = await resolveImage(source).catch((e: unknown) => e);
    expect(isBosunError(error, 'IMAGE_MANIFEST_INVALID')).toBe(true);
  });
});
