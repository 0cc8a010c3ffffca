import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import { buildLayer, layerFromTar } from '../../../test/builders/layer.ts';
import { dockerArchiveFiles, OciBlobs, tarOfFiles, writeFiles } from '../../../test/builders/oci-image.ts';
import { buildTar } from '../../../test/builders/tar.ts';
import { readImage } from '../../../test/support/read-image.ts';
import { openLocalImage, parseLocalSpec } from './open-local.ts';
import { openDockerArchive } from './docker-archive.ts';

const base = mkdtempSync(join(tmpdir(), 'bosun-archives-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
function file(bytes: Buffer, ext = 'tar'): string {
  const path = join(base, `f${n++}.${ext}`);
  writeFileSync(path, bytes);
  return path;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (isBosunError(error)) return error.code;
    throw error;
  }
}

function images() {
  const blobs = new OciBlobs();
  const one = blobs.image([
    buildLayer([{ name: 'one.txt', body: '1' }], { compression: 'none' }),
    buildLayer([{ name: `deep/${'x'.repeat(150)}.txt`, body: 'long' }], { compression: 'none' }),
  ]);
  const two = blobs.image([buildLayer([{ name: 'two.txt', body: '2' }], { compression: 'none' })]);
  return { blobs, one, two };
}

describe('docker-archive (legacy docker save)', () => {
  it('synthesises a stable schema2 manifest; diff-ids and config digest are the image’s', async () => {
    const { one, two } = images();
    const path = file(
      tarOfFiles(
        dockerArchiveFiles([
          { repoTags: ['example.com/one:1'], image: one },
          { repoTags: ['alpine:latest', 'docker.io/library/alpine:3'], image: two },
        ]),
      ),
    );
    const first = await readImage(await openLocalImage(`docker-archive:${path}:example.com/one:1`));
    const again = await readImage(await openDockerArchive(path, { tag: 'example.com/one:1' }));
    expect(again).toEqual(first);
    expect(first.configDigest).toBe(one.config.digest);
    expect(first.diffIds).toEqual(one.layers.map((l) => l.diffId));
    expect(first.layers.map((l) => l.texts)).toEqual([
      { 'one.txt': '1' },
      { [`deep/${'x'.repeat(150)}.txt`]: 'long' },
    ]);
    for (const tag of ['alpine', 'docker.io/library/alpine:latest', 'alpine:3', '@1']) {
      expect((await readImage(await openDockerArchive(path, { tag }))).configDigest).toBe(two.config.digest);
    }
    expect(await codeOf(openDockerArchive(path))).toBe('IMAGE_NOT_FOUND');
    expect(await codeOf(openDockerArchive(path, { tag: 'missing:1' }))).toBe('IMAGE_NOT_FOUND');
  });

  it('follows symlinked layer.tar entries (docker save links duplicate layers) and hashes compressed layers', async () => {
    const { blobs } = images();
    const gz = buildLayer([{ name: 'gz.txt', body: 'gz' }]);
    const plain = layerFromTar(buildTar([{ name: 'plain.txt', body: 'p' }]), 'none');
    const image = blobs.image([plain, gz]);
    const files = new Map<string, Buffer>([
      ['cfg.json', image.configBytes],
      ['real/layer.tar', plain.tar],
      ['c/layer.tar.gz', gz.blob],
      [
        'manifest.json',
        Buffer.from(
          JSON.stringify([
            { Config: 'cfg.json', RepoTags: null, Layers: ['dup/layer.tar', 'c/layer.tar.gz'] },
          ]),
        ),
      ],
    ]);
    const path = file(
      tarOfFiles(files, [{ name: 'dup/layer.tar', type: 'symlink', linkname: '../real/layer.tar' }]),
    );
    const got = await readImage(await openLocalImage(path));
    expect(got.layers.map((l) => l.texts)).toEqual([{ 'plain.txt': 'p' }, { 'gz.txt': 'gz' }]);
    expect(got.diffIds).toEqual([plain.diffId, gz.diffId]);
  });

  it('fails with IMAGE_DIGEST_MISMATCH when a layer does not match its diff_id', async () => {
    const { one } = images();
    const files = dockerArchiveFiles([{ repoTags: ['a:1'], image: one }]);
    const name = [...files.keys()].find((k) => k.endsWith('layer.tar')) as string;
    files.set(name, buildTar([{ name: 'evil.txt', body: 'x' }]));
    expect(await codeOf(readImage(await openDockerArchive(file(tarOfFiles(files)))))).toBe(
      'IMAGE_DIGEST_MISMATCH',
    );
  });

  it('uses the real manifest of a Docker 25+ archive (OCI layout inside)', async () => {
    const { blobs, one } = images();
    const files = blobs.layoutFiles([{ descriptor: one.manifest, refName: 'one:1' }]);
    files.set(
      'manifest.json',
      Buffer.from(
        JSON.stringify([
          {
            Config: `blobs/sha256/${one.config.digest.slice(7)}`,
            RepoTags: ['one:1'],
            Layers: one.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`),
          },
        ]),
      ),
    );
    const path = file(tarOfFiles(files));
    const got = await readImage(await openLocalImage(path));
    expect(got.manifestDigest).toBe(one.manifest.digest);
    expect((await openLocalImage(path)).kind).toBe('docker-archive');
  });

  it.each([
    ['manifest.json not an array', '{}', 'IMAGE_ARCHIVE_INVALID'],
    ['path escaping the archive', '[{"Config":"../x.json","Layers":[]}]', 'IMAGE_ARCHIVE_INVALID'],
    ['missing layer', '[{"Config":"c.json","Layers":["nope.tar"]}]', 'IMAGE_ARCHIVE_INVALID'],
  ])('%s → %s', async (_name, manifest, code) => {
    const files = new Map([
      ['manifest.json', Buffer.from(manifest)],
      ['c.json', Buffer.from('{"rootfs":{"type":"layers","diff_ids":[]}}')],
    ]);
    const path = file(tarOfFiles(files));
    expect(await codeOf(openDockerArchive(path).then((s) => s.root()))).toBe(code);
  });
});

describe('oci-archive', () => {
  it('reads an OCI layout stored in a tar, in place', async () => {
    const { blobs, one, two } = images();
    const path = file(
      tarOfFiles(
        blobs.layoutFiles([
          { descriptor: one.manifest, refName: 'one' },
          { descriptor: two.manifest, refName: 'two' },
        ]),
      ),
    );
    const got = await readImage(await openLocalImage(`oci-archive:${path}:two`));
    expect(got.manifestDigest).toBe(two.manifest.digest);
    expect(got.layers[0]?.texts).toEqual({ 'two.txt': '2' });
    const auto = await openLocalImage(path).catch((e: unknown) => e);
    expect(isBosunError(auto, 'IMAGE_NOT_FOUND')).toBe(true);
  });

  it.each([
    ['not a tar', Buffer.from('hello'), 'IMAGE_SOURCE_UNSUPPORTED'],
    ['a tar of something else', buildTar([{ name: 'README', body: 'hi' }]), 'IMAGE_SOURCE_UNSUPPORTED'],
    [
      'a truncated tar',
      buildTar([{ name: 'oci-layout', body: 'x'.repeat(4000) }]).subarray(0, 1536),
      'IMAGE_SOURCE_UNSUPPORTED',
    ],
  ])('auto-detection: %s → %s', async (_name, bytes, code) => {
    expect(await codeOf(openLocalImage(file(bytes)))).toBe(code);
  });
});

describe('parseLocalSpec / openLocalImage', () => {
  it.each([
    ['oci:/x/layout', { kind: 'oci-layout', path: '/x/layout' }],
    ['oci:/x/layout:v1', { kind: 'oci-layout', path: '/x/layout', tag: 'v1' }],
    ['oci-archive:a.tar:latest', { kind: 'oci-archive', path: 'a.tar', tag: 'latest' }],
    [
      'docker-archive:a.tar:localhost:5000/app:v1',
      { kind: 'docker-archive', path: 'a.tar', tag: 'localhost:5000/app:v1' },
    ],
    ['docker-archive:a.tar:@0', { kind: 'docker-archive', path: 'a.tar', tag: '@0' }],
    ['docker://alpine', undefined],
    ['alpine:3', undefined],
    ['oci:', undefined],
  ])('%s', (spec, expected) => {
    expect(parseLocalSpec(spec)).toEqual(expected);
  });

  it('auto-detects an OCI layout directory and refuses a plain directory', async () => {
    const { blobs, one } = images();
    const dir = join(base, `dir-${n++}`);
    await writeFiles(dir, blobs.layoutFiles([{ descriptor: one.manifest }]));
    expect((await readImage(await openLocalImage(dir))).manifestDigest).toBe(one.manifest.digest);
    expect(await codeOf(openLocalImage(join(dir, 'blobs')))).toBe('IMAGE_SOURCE_UNSUPPORTED');
    expect(await codeOf(openLocalImage(join(dir, 'missing')))).toBe('IMAGE_NOT_FOUND');
  });
});
