// Real-tool interop: images written by our builder, converted by skopeo (1.9) into a
// docker-archive and an oci-archive, must read back with the same config and diff-ids.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../../../test/builders/layer.ts';
import { OciBlobs, writeFiles, type BuiltImage } from '../../../test/builders/oci-image.ts';
import { readImage, type ReadImage } from '../../../test/support/read-image.ts';
import { openLocalImage } from './open-local.ts';

const dir = mkdtempSync(join(tmpdir(), 'bosun-skopeo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function skopeo(...args: string[]): void {
  execFileSync('skopeo', ['--policy', join(dir, 'policy.json'), 'copy', '-q', ...args], { stdio: 'pipe' });
}

describe('skopeo interop', () => {
  let image: BuiltImage;
  let original: ReadImage;

  beforeAll(async () => {
    writeFileSync(join(dir, 'policy.json'), '{"default":[{"type":"insecureAcceptAnything"}]}');
    const blobs = new OciBlobs();
    image = blobs.image([
      buildLayer([
        { name: 'etc/', type: 'dir' },
        { name: 'etc/os-release.txt', body: 'ID=test\n' },
        { name: `usr/share/${'long-'.repeat(30)}.txt`, body: 'pax name' },
        { name: 'usr/bin/sh', type: 'symlink', linkname: 'busybox' },
      ]),
      buildLayer(
        [
          { name: 'etc/.wh.os-release.txt', body: '' },
          { name: 'gnu.txt', body: 'g' },
        ],
        {
          compression: 'none',
          format: 'gnu',
        },
      ),
    ]);
    await writeFiles(join(dir, 'layout'), blobs.layoutFiles([{ descriptor: image.manifest, refName: 'v1' }]));
    skopeo(`oci:${join(dir, 'layout')}:v1`, `docker-archive:${join(dir, 'docker.tar')}:example.com/app:v1`);
    skopeo(`oci:${join(dir, 'layout')}:v1`, `oci-archive:${join(dir, 'oci.tar')}:v1`);
    original = await readImage(await openLocalImage(`oci:${join(dir, 'layout')}:v1`));
  });

  it('the original layout reads as built', () => {
    expect(original.configDigest).toBe(image.config.digest);
    expect(original.diffIds).toEqual(image.layers.map((l) => l.diffId));
  });

  it.each([
    ['docker-archive', (d: string) => `docker-archive:${join(d, 'docker.tar')}:example.com/app:v1`],
    ['docker-archive, auto-detected', (d: string) => join(d, 'docker.tar')],
    ['oci-archive', (d: string) => `oci-archive:${join(d, 'oci.tar')}:v1`],
    ['oci-archive, auto-detected', (d: string) => join(d, 'oci.tar')],
  ])('%s: same config digest, diff-ids and files', async (_name, spec) => {
    const got = await readImage(await openLocalImage(spec(dir)));
    expect(got.configDigest).toBe(original.configDigest);
    expect(got.diffIds).toEqual(original.diffIds);
    expect(got.layers).toEqual(original.layers);
    expect(got.platform).toBe('linux/amd64');
  });

  it('reading a skopeo docker-archive twice gives the same synthesised manifest digest', async () => {
    const a = await readImage(await openLocalImage(join(dir, 'docker.tar')));
    const b = await readImage(await openLocalImage(join(dir, 'docker.tar')));
    expect(a.manifestDigest).toBe(b.manifestDigest);
  });
});
