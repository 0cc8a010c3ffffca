import { mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import { buildLayer } from '../../../test/builders/layer.ts';
import { OciBlobs, writeFiles } from '../../../test/builders/oci-image.ts';
import { readImage } from '../../../test/support/read-image.ts';
import { walkLayer } from '../layers/walk-layer.ts';
import { resolveImage } from '../resolve.ts';
import { openOciLayout } from './oci-layout.ts';

const base = mkdtempSync(join(tmpdir(), 'bosun-oci-layout-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (isBosunError(error)) return error.code;
    throw error;
  }
}

/** A layout with a tagged single image `app:1`, and a tagged multi-platform index `multi`. */
async function fixture() {
  const dir = join(base, `layout-${n++}`);
  const blobs = new OciBlobs();
  const l1 = buildLayer([
    { name: 'etc/os-release', body: 'ID=alpine\n' },
    { name: 'hello.txt', body: 'hi' },
  ]);
  const l2 = buildLayer(
    [
      { name: 'app/.wh.old', body: '' },
      { name: 'app/main.txt', body: 'main' },
    ],
    { compression: 'zstd' },
  );
  const app = blobs.image([l1, l2]);
  const amd = blobs.image([buildLayer([{ name: 'arch.txt', body: 'amd64' }])]);
  const arm = blobs.image([buildLayer([{ name: 'arch.txt', body: 'arm64' }])], {
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  });
  const multi = blobs.index([amd.manifest, arm.manifest]);
  await writeFiles(
    dir,
    blobs.layoutFiles([
      { descriptor: app.manifest, refName: 'app:1' },
      { descriptor: multi, refName: 'multi' },
    ]),
  );
  return { dir, blobs, app, amd, arm, multi };
}

describe('openOciLayout', () => {
  it('reads a tagged image: manifest, verified config, layers with diff-ids', async () => {
    const { dir, app } = await fixture();
    const source = await openOciLayout(dir, { tag: 'app:1' });
    const got = await readImage(source);
    expect(got).toEqual({
      manifestDigest: app.manifest.digest,
      configDigest: app.config.digest,
      diffIds: app.layers.map((l) => l.diffId),
      platform: 'linux/amd64',
      layers: [
        { paths: ['etc/os-release:file', 'hello.txt:file'], texts: { 'hello.txt': 'hi' } },
        { paths: ['app/main.txt:file', 'app/old:whiteout'], texts: { 'app/main.txt': 'main' } },
      ],
    });
    expect(source.kind).toBe('oci-layout');
    await source.close();
  });

  it.each([
    [{ os: 'linux', architecture: 'arm64' }, 'arm64', 'linux/arm64/v8'],
    [{ os: 'linux', architecture: 'aarch64', variant: 'v8' }, 'arm64', 'linux/arm64/v8'],
    [{ os: 'linux', architecture: 'amd64' }, 'amd64', 'linux/amd64'],
  ])('selects the platform from an index of indexes (%o)', async (platform, text, formatted) => {
    const { dir } = await fixture();
    const got = await readImage(await openOciLayout(dir, { tag: 'multi' }), { platform });
    expect(got.layers[0]?.texts).toEqual({ 'arch.txt': text });
    expect(got.platform).toBe(formatted);
  });

  it('lists the available platforms when none matches', async () => {
    const { dir } = await fixture();
    const error = await resolveImage(await openOciLayout(dir, { tag: 'multi' }), {
      platform: { os: 'linux', architecture: 's390x' },
    }).catch((e: unknown) => e);
    expect(isBosunError(error, 'IMAGE_PLATFORM_NOT_FOUND') && error.details.available).toBe(
      'linux/amd64,linux/arm64/v8',
    );
  });

  it.each([
    ['unknown tag', { tag: 'nope' }, 'IMAGE_NOT_FOUND'],
    ['two images and no tag', {}, 'IMAGE_NOT_FOUND'],
  ])('%s → %s', async (_name, options, code) => {
    const { dir } = await fixture();
    expect(await codeOf(openOciLayout(dir, options))).toBe(code);
  });

  it('detects a tampered blob when it streams, and a tampered config when read', async () => {
    const { dir, app } = await fixture();
    const layer = app.layers[0];
    if (layer === undefined) throw new Error('fixture');
    const path = join(dir, 'blobs', 'sha256', layer.digest.slice(7));
    const tampered = Buffer.from(layer.blob);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 5) ^ 0xff, tampered.length - 5);
    writeFileSync(path, tampered);
    const source = await openOciLayout(dir, { tag: 'app:1' });
    const stream = await source.blobStream({
      mediaType: layer.mediaType,
      digest: layer.digest,
      size: layer.size,
    });
    expect(await codeOf(walkLayer(stream, { name: 'l' }))).toMatch(/IMAGE_DIGEST_MISMATCH|LAYER_CORRUPT/);
    writeFileSync(join(dir, 'blobs', 'sha256', app.config.digest.slice(7)), '{"x":1}');
    expect(await codeOf(resolveImage(source))).toBe('IMAGE_SIZE_MISMATCH');
  });

  it('refuses a blob symlinked out of the layout', async () => {
    const { dir, app } = await fixture();
    const outside = join(base, `outside-${n++}`);
    writeFileSync(outside, 'secret');
    const path = join(dir, 'blobs', 'sha256', app.config.digest.slice(7));
    unlinkSync(path);
    symlinkSync(outside, path);
    expect(await codeOf(resolveImage(await openOciLayout(dir, { tag: 'app:1' })))).toBe(
      'IMAGE_LAYOUT_INVALID',
    );
  });

  it.each([
    ['no oci-layout', 'oci-layout', undefined, 'IMAGE_LAYOUT_INVALID'],
    ['wrong layout version', 'oci-layout', '{"imageLayoutVersion":"2.0.0"}', 'IMAGE_LAYOUT_INVALID'],
    ['index.json not JSON', 'index.json', '{', 'IMAGE_LAYOUT_INVALID'],
    [
      'index.json with a bad digest',
      'index.json',
      '{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"sha256:../../etc","size":1}]}',
      'IMAGE_DIGEST_INVALID',
    ],
  ])('%s → %s', async (_name, file, content, code) => {
    const { dir } = await fixture();
    if (content === undefined) unlinkSync(join(dir, file));
    else writeFileSync(join(dir, file), content);
    expect(await codeOf(openOciLayout(dir, { tag: 'app:1' }))).toBe(code);
  });

  it('returns index.json as an index when every untagged entry names a platform', async () => {
    const dir = join(base, `layout-${n++}`);
    const blobs = new OciBlobs();
    const amd = blobs.image([buildLayer([{ name: 'a.txt', body: 'amd' }])]);
    const arm = blobs.image([buildLayer([{ name: 'a.txt', body: 'arm' }])], {
      platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
    });
    await writeFiles(dir, blobs.layoutFiles([{ descriptor: amd.manifest }, { descriptor: arm.manifest }]));
    const indexJson = OciBlobs.indexJson([{ descriptor: amd.manifest }, { descriptor: arm.manifest }]);
    // layoutFiles strips platforms; put them back as a multi-platform layout would have them.
    const withPlatforms = JSON.parse(indexJson) as { manifests: Record<string, unknown>[] };
    withPlatforms.manifests[0] = { ...withPlatforms.manifests[0], platform: amd.manifest.platform };
    withPlatforms.manifests[1] = { ...withPlatforms.manifests[1], platform: arm.manifest.platform };
    writeFileSync(join(dir, 'index.json'), JSON.stringify(withPlatforms));
    const got = await readImage(await openOciLayout(dir), { platform: { os: 'linux', architecture: 'arm' } });
    expect(got.layers[0]?.texts).toEqual({ 'a.txt': 'arm' });
  });
});
