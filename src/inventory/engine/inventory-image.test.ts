import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer, type BuiltLayer } from '../../../test/builders/layer.ts';
import { OciBlobs, writeFiles } from '../../../test/builders/oci-image.ts';
import type { TarEntrySpec } from '../../../test/builders/tar.ts';
import { openOciLayout, resolveImage, type ImageSource, type ResolvedImage } from '../../image/index.ts';
import type { Analyzer } from '../analyzer.ts';
import { analyzers } from '../registry.ts';
import { inventoryImage } from './inventory-image.ts';
import type { InventoryProgress } from './options.ts';

const OS_RELEASE = 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n';

function status(...names: readonly string[]): string {
  return names
    .map((n) => `Package: ${n}\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: amd64\n`)
    .join('\n');
}

const BASE: readonly TarEntrySpec[] = [
  { name: 'etc/os-release', body: OS_RELEASE },
  { name: 'var/lib/dpkg/status', body: status('base-a', 'base-b') },
  { name: 'usr/bin/tool', body: 'x'.repeat(5000) },
];
const TOP_A: readonly TarEntrySpec[] = [
  { name: 'var/lib/dpkg/status', body: status('base-a', 'base-b', 'extra') },
  { name: 'app/node_modules/left-pad/package.json', body: '{"name":"left-pad","version":"1.3.0"}' },
];
const TOP_B: readonly TarEntrySpec[] = [
  { name: 'var/lib/dpkg/.wh.status', body: '' },
  { name: 'srv/node_modules/is-odd/package.json', body: '{"name":"is-odd","version":"3.0.1"}' },
];

let work: string;
const base = buildLayer(BASE);
const topA = buildLayer(TOP_A);
const topB = buildLayer(TOP_B);

async function writeLayout(
  name: string,
  layers: readonly BuiltLayer[],
  diffIds?: readonly string[],
): Promise<string> {
  const blobs = new OciBlobs();
  const image = blobs.image(layers, {
    config: {
      created: '2024-01-02T03:04:05Z',
      config: { User: 'app', Env: ['SECRET=hunter2'], Cmd: ['/bin/sh'], Labels: { b: '2', a: '1' } },
      history: [
        { created_by: 'ADD rootfs /' },
        { created_by: 'ENV X=1', empty_layer: true },
        ...layers.slice(1).map((_, i) => ({ created_by: `RUN step ${i + 1}` })),
      ],
      ...(diffIds === undefined ? {} : { rootfs: { type: 'layers', diff_ids: diffIds } }),
    },
  });
  const dir = join(work, name);
  await writeFiles(dir, blobs.layoutFiles([{ descriptor: image.manifest, refName: 'latest' }]));
  return dir;
}

/** The image, with a source that records which blobs were streamed. */
async function open(dir: string): Promise<{ image: ResolvedImage; opened: string[] }> {
  const inner = await openOciLayout(dir);
  const opened: string[] = [];
  const source: ImageSource = {
    kind: inner.kind,
    name: 'test-image',
    root: (signal) => inner.root(signal),
    manifest: (digest, signal) => inner.manifest(digest, signal),
    blobBytes: (descriptor, signal) => inner.blobBytes(descriptor, signal),
    blobStream: (descriptor, signal) => {
      opened.push(descriptor.digest);
      return inner.blobStream(descriptor, signal);
    },
    close: () => inner.close(),
  };
  return { image: await resolveImage(source), opened };
}

async function cacheFiles(cacheDir: string): Promise<string[]> {
  return (await readdir(join(cacheDir, 'inventory', 'cache')).catch(() => [])).sort();
}

/** Cache files by kind (layer records, image entries), as paths. */
async function cacheEntries(cacheDir: string): Promise<{ layers: string[]; images: string[] }> {
  const layers: string[] = [];
  const images: string[] = [];
  for (const name of await cacheFiles(cacheDir)) {
    const path = join(cacheDir, 'inventory', 'cache', name);
    const text = await readFile(path, 'utf8');
    (text.startsWith('{"format":"bosun-inventory-image"') ? images : layers).push(path);
  }
  return { layers, images };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bosun-inventory-image-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('inventoryImage', () => {
  it('inventories the final filesystem with image metadata (no environment)', async () => {
    const { image } = await open(await writeLayout('meta', [base, topA]));
    const inventory = await inventoryImage(image);
    expect(inventory.os).toMatchObject({ family: 'debian', version: '12' });
    expect(inventory.packages.map((p) => `${p.name} ${p.locations[0]?.layerDigest}`)).toEqual([
      `base-a ${base.digest}`,
      `base-b ${base.digest}`,
      `extra ${topA.digest}`,
      `left-pad ${topA.digest}`,
    ]);
    expect(inventory.target).toEqual({
      kind: 'image',
      image: {
        reference: 'test-image',
        digest: image.manifest.digest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        platform: 'linux/amd64',
        config: {
          digest: image.manifest.manifest.config.digest,
          created: '2024-01-02T03:04:05Z',
          os: 'linux',
          architecture: 'amd64',
          user: 'app',
          cmd: ['/bin/sh'],
          labels: { a: '1', b: '2' },
        },
        layers: [
          {
            index: 0,
            digest: base.digest,
            diffId: base.diffId,
            size: base.size,
            mediaType: base.mediaType,
            createdBy: 'ADD rootfs /',
          },
          {
            index: 1,
            digest: topA.digest,
            diffId: topA.diffId,
            size: topA.size,
            mediaType: topA.mediaType,
            createdBy: 'RUN step 1',
          },
        ],
      },
    });
    expect(JSON.stringify(inventory)).not.toContain('hunter2');
  });

  it('a second scan and a scan of an image sharing the base layer read no cached layer again', async () => {
    const cacheDir = join(work, 'cache-shared');
    const dirA = await writeLayout('shared-a', [base, topA]);
    const first = await open(dirA);
    const cold = await inventoryImage(first.image, { cacheDir });
    expect(first.opened).toEqual([base.digest, topA.digest]);
    expect(await cacheEntries(cacheDir)).toEqual({
      layers: [expect.any(String), expect.any(String)],
      images: [expect.any(String)],
    });

    const second = await open(dirA);
    const events: InventoryProgress[] = [];
    const warm = await inventoryImage(second.image, { cacheDir, onProgress: (e) => events.push(e) });
    expect(second.opened).toEqual([]);
    expect(warm).toEqual(cold);
    expect(events.map((e) => e.kind)).toEqual(['image-cached']);

    // Without the image entry, the layer entries still spare every layer.
    for (const path of (await cacheEntries(cacheDir)).images) await rm(path);
    const third = await open(dirA);
    const layerEvents: InventoryProgress[] = [];
    expect(await inventoryImage(third.image, { cacheDir, onProgress: (e) => layerEvents.push(e) })).toEqual(
      cold,
    );
    expect(third.opened).toEqual([]);
    expect(layerEvents.map((e) => e.kind)).toEqual(['layer-cached', 'layer-cached']);

    const other = await open(await writeLayout('shared-b', [base, topB]));
    const inventoryB = await inventoryImage(other.image, { cacheDir });
    expect(other.opened).toEqual([topB.digest]);
    // The status db is whited out on top of the cached base: no deb packages survive.
    expect(inventoryB.packages.map((p) => p.name)).toEqual(['is-odd']);
    expect((await cacheFiles(cacheDir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  const corruptions: [string, (text: string) => string][] = [
    ['truncated JSON', (text) => text.slice(0, text.length / 2)],
    ['not JSON', () => 'garbage'],
    ['another key', (text) => text.replace(/"key":"[0-9a-f]+"/, `"key":"${'0'.repeat(64)}"`)],
    ['a package without a name', (text) => text.replace(/"name":"base-a",/, '')],
    ['an unknown ecosystem', (text) => text.replace(/"ecosystem":"deb"/, '"ecosystem":"evil"')],
    ['a wrong format version', (text) => text.replace(/"version":1,/, '"version":99,')],
  ];

  it.each([
    ...corruptions,
    ['a bad entry', (text: string) => text.replace(/"entries":\["/, '"entries":["zz')],
  ])('a corrupt layer entry (%s) is ignored and recomputed', async (name, corrupt) => {
    const cacheDir = await mkdtemp(join(work, 'cache-corrupt-'));
    const dir = await writeLayout(`corrupt-${name.replace(/\W+/g, '-')}`, [base]);
    const cold = await inventoryImage((await open(dir)).image, { cacheDir });
    const {
      layers: [file],
      images,
    } = await cacheEntries(cacheDir);
    for (const path of images) await rm(path);
    const good = await readFile(file as string, 'utf8');
    const bad = corrupt(good);
    expect(bad).not.toBe(good);
    await writeFile(file as string, bad);
    const again = await open(dir);
    expect(await inventoryImage(again.image, { cacheDir })).toEqual(cold);
    expect(again.opened).toEqual([base.digest]);
    expect(await readFile(file as string, 'utf8')).toBe(good);
  });

  it.each(corruptions)(
    'a corrupt image entry (%s) falls back to the layer entries',
    async (name, corrupt) => {
      const cacheDir = await mkdtemp(join(work, 'cache-corrupt-image-'));
      const dir = await writeLayout(`corrupt-image-${name.replace(/\W+/g, '-')}`, [base]);
      const cold = await inventoryImage((await open(dir)).image, { cacheDir });
      const {
        images: [file],
      } = await cacheEntries(cacheDir);
      const good = await readFile(file as string, 'utf8');
      const bad = corrupt(good);
      expect(bad).not.toBe(good);
      await writeFile(file as string, bad);
      const events: InventoryProgress[] = [];
      const again = await open(dir);
      expect(await inventoryImage(again.image, { cacheDir, onProgress: (e) => events.push(e) })).toEqual(
        cold,
      );
      expect(again.opened).toEqual([]);
      expect(events.map((e) => e.kind)).toEqual(['layer-cached']);
      expect(await readFile(file as string, 'utf8')).toBe(good);
    },
  );

  it('a different analyzer set or version is a different cache key', async () => {
    const cacheDir = join(work, 'cache-analyzers');
    const dir = await writeLayout('analyzers', [base]);
    await inventoryImage((await open(dir)).image, { cacheDir });
    const bumped: Analyzer[] = analyzers.map((a) => (a.id === 'dpkg' ? { ...a, version: a.version + 1 } : a));
    const again = await open(dir);
    await inventoryImage(again.image, { cacheDir, analyzers: bumped });
    expect(again.opened).toEqual([base.digest]);
    expect((await cacheEntries(cacheDir)).layers).toHaveLength(2);
  });

  it('cache problems never fail the inventory: unwritable directory, over-size records, pruning', async () => {
    const dir = await writeLayout('cache-problems', [base, topA]);
    const reference = await inventoryImage((await open(dir)).image);

    const blocked = join(work, 'not-a-dir');
    await writeFile(blocked, 'file');
    const events: InventoryProgress[] = [];
    const result = await inventoryImage((await open(dir)).image, {
      cacheDir: blocked,
      onProgress: (e) => events.push(e),
    });
    expect(result).toEqual(reference);
    expect(
      events
        .filter((e) => e.kind === 'cache-error')
        .map((e) => (e.kind === 'cache-error' ? e.index : undefined))
        .sort(),
    ).toEqual([-1, 0, 1]);

    const tiny = join(work, 'cache-tiny');
    expect(
      await inventoryImage((await open(dir)).image, { cacheDir: tiny, cacheLimits: { maxFileBytes: 100 } }),
    ).toEqual(reference);
    expect(await cacheFiles(tiny)).toEqual([]);

    const small = join(work, 'cache-small');
    await inventoryImage((await open(dir)).image, { cacheDir: small, cacheLimits: { maxTotalBytes: 1 } });
    expect(await cacheFiles(small)).toEqual([]);
  });

  it('a layer whose bytes do not match the config diff-id fails with IMAGE_DIGEST_MISMATCH and is not cached', async () => {
    const cacheDir = join(work, 'cache-mismatch');
    const dir = await writeLayout('mismatch', [base, topA], [base.diffId, base.diffId]);
    await expect(inventoryImage((await open(dir)).image, { cacheDir })).rejects.toMatchObject({
      code: 'IMAGE_DIGEST_MISMATCH',
    });
    expect((await cacheFiles(cacheDir)).length).toBeLessThanOrEqual(1);
  });

  it('an aborted signal stops the inventory with ABORTED', async () => {
    const { image } = await open(await writeLayout('abort', [base, topA]));
    await expect(inventoryImage(image, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });

  it.each([1, 2, 4])('gives the same inventory with %i layer(s) in flight', async (concurrency) => {
    const { image } = await open(await writeLayout(`concurrency-${concurrency}`, [base, topA, topB]));
    const result = await inventoryImage(image, { concurrency });
    expect(result.packages.map((p) => p.name)).toEqual(['is-odd', 'left-pad']);
  });
});
