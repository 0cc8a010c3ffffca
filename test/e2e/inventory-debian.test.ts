// End to end: a three-layer Debian image whose roots were made by dpkg itself, written as an OCI
// layout, pushed to a real registry with skopeo, and inventoried from both. The truth is
// `dpkg-query --admindir` on each stage's root: the final package set must be identical, each
// package must name the layer from which it stayed installed, and purged packages must be absent.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openOciLayout,
  parseReference,
  registryImageSource,
  resolveImage,
  type ImageSource,
} from '../../src/image/index.ts';
import { inventoryImage, type Inventory, type Package } from '../../src/inventory/index.ts';
import { buildLayer, type BuiltLayer } from '../builders/layer.ts';
import { OciBlobs, writeFiles } from '../builders/oci-image.ts';
import { debianImageStages, installedPackages, layerEntries } from '../support/debian-image.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';

const run = promisify(execFile);

let work: string;
let layout: string;
let registry: TestRegistry;
let layers: BuiltLayer[];
let stages: readonly string[];
/** `name version arch` rows installed at each stage, per dpkg-query. */
let installed: string[][];
let fromLayout: Inventory;

function row(pkg: Package): string {
  return `${pkg.name} ${pkg.version} ${pkg.arch ?? ''}`;
}

function debs(inventory: Inventory): Package[] {
  return inventory.packages.filter((p) => p.ecosystem === 'deb');
}

/** Wraps a source to record which blobs are streamed. */
function counting(inner: ImageSource, opened: string[]): ImageSource {
  return {
    kind: inner.kind,
    name: inner.name,
    root: (signal) => inner.root(signal),
    manifest: (digest, signal) => inner.manifest(digest, signal),
    blobBytes: (descriptor, signal) => inner.blobBytes(descriptor, signal),
    blobStream: (descriptor, signal) => {
      opened.push(descriptor.digest);
      return inner.blobStream(descriptor, signal);
    },
    close: () => inner.close(),
  };
}

async function osReleaseVersion(): Promise<string> {
  const text = await readFile(join(stages[0] as string, 'usr/lib/os-release'), 'utf8');
  return /^VERSION_ID="?([^"\n]+)"?$/m.exec(text)?.[1] ?? '';
}

beforeAll(async () => {
  stages = (await debianImageStages()).stages;
  installed = await Promise.all(stages.map((root) => installedPackages(root)));
  const entries = [
    await layerEntries(undefined, stages[0] as string),
    await layerEntries(stages[0], stages[1] as string),
    await layerEntries(stages[1], stages[2] as string),
  ];
  layers = entries.map((e) => buildLayer(e, { format: 'pax' }));
  const blobs = new OciBlobs();
  const image = blobs.image(layers, {
    config: {
      history: [
        { created_by: 'debootstrap-ish base' },
        { created_by: 'dpkg -i' },
        { created_by: 'dpkg --purge' },
      ],
    },
  });
  work = await mkdtemp(join(tmpdir(), 'bosun-e2e-inventory-'));
  layout = join(work, 'layout');
  await writeFiles(layout, blobs.layoutFiles([{ descriptor: image.manifest, refName: 'e2e' }]));
  registry = await startRegistry();
  await run('skopeo', [
    'copy',
    '--dest-tls-verify=false',
    `oci:${layout}:e2e`,
    `docker://${registry.host}/bosun/debian:e2e`,
  ]);
  const source = await openOciLayout(layout);
  try {
    fromLayout = await inventoryImage(await resolveImage(source));
  } finally {
    await source.close();
  }
});

afterAll(async () => {
  await registry?.stop();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('inventory of a dpkg-built Debian image', () => {
  it('the fixture really exercises install, upgrade and purge across layers', () => {
    expect(installed[0]).toContain('bosun-up 1.0-1 all');
    expect(installed[0]).toContain('lsb-base 11.6 all');
    expect(installed[2]).toContain('bosun-up 2.0-1 all');
    expect(installed[2]?.some((r) => r.startsWith('lsb-base ') || r.startsWith('bosun-gone '))).toBe(false);
    expect(installed[2]?.some((r) => r.startsWith('media-types '))).toBe(true);
    // The layers hold whiteouts for purged files.
    expect(layers[2]?.tar.includes('.wh.')).toBe(true);
  });

  it('finds exactly the packages dpkg-query reports on the final root, with no issue', () => {
    expect(debs(fromLayout).map(row).sort()).toEqual(installed[2]);
    expect(fromLayout.issues).toEqual([]);
    // Purged in the last layer: present in the layers below, absent from the result.
    const names = new Set(fromLayout.packages.map((p) => p.name));
    expect(['lsb-base', 'bosun-gone', 'tmp-pkg'].filter((name) => names.has(name))).toEqual([]);
  });

  it('names, for each package, the layer from which it stayed installed', () => {
    const expected = Object.fromEntries(
      (installed[2] ?? []).map((r) => {
        let layer = 2;
        while (layer > 0 && installed[layer - 1]?.includes(r)) layer--;
        return [r, layers[layer]?.digest];
      }),
    );
    const actual = Object.fromEntries(debs(fromLayout).map((p) => [row(p), p.locations[0]?.layerDigest]));
    expect(actual).toEqual(expected);
    // All three layers introduce something, and the upgrade belongs to the layer that made it.
    expect(new Set(Object.values(actual)).size).toBe(3);
    expect(actual['bosun-up 2.0-1 all']).toBe(layers[1]?.digest);
    expect(actual['bosun-late 0.1-1 all']).toBe(layers[2]?.digest);
  });

  it('detects the OS and stamps deb purls with the distro', async () => {
    const version = await osReleaseVersion();
    expect(fromLayout.os).toMatchObject({ family: 'debian', version });
    for (const pkg of debs(fromLayout))
      expect(pkg.purl).toMatch(
        new RegExp(`^pkg:deb/debian/[^@]+@[^?]+\\?arch=[a-z0-9]+&distro=debian-${version}$`),
      );
  });

  it('reports language packages of the final filesystem, marking dpkg-owned ones', () => {
    const language = fromLayout.packages
      .filter((p) => p.ecosystem !== 'deb')
      .map((p) => ({
        purl: p.purl,
        osOwned: p.osOwned === true,
        layer: layers.findIndex((l) => l.digest === p.locations[0]?.layerDigest),
      }));
    expect(language).toEqual([
      { purl: 'pkg:npm/kept@1.2.3', osOwned: false, layer: 1 },
      { purl: 'pkg:pypi/bosun-py@1.0', osOwned: true, layer: 1 },
      { purl: 'pkg:pypi/requests@2.31.0', osOwned: false, layer: 2 },
    ]);
  });

  it('gives the same inventory through the registry client, and a warm cache reads no layer', async () => {
    const reference = parseReference(`${registry.host}/bosun/debian:e2e`);
    const cacheDir = join(work, 'cache');
    const coldOpened: string[] = [];
    const cold = counting(registryImageSource(reference, { insecure: true }), coldOpened);
    let viaRegistry: Inventory;
    try {
      viaRegistry = await inventoryImage(await resolveImage(cold), { cacheDir });
    } finally {
      await cold.close();
    }
    expect(coldOpened).toEqual(layers.map((l) => l.digest));
    const { target: registryTarget, ...registryRest } = viaRegistry;
    const { target: layoutTarget, ...layoutRest } = fromLayout;
    expect(registryRest).toEqual(layoutRest);
    expect(registryTarget.kind === 'image' && registryTarget.image.reference).toBe(
      `${registry.host}/bosun/debian:e2e`,
    );
    expect(
      registryTarget.kind === 'image' && layoutTarget.kind === 'image' && registryTarget.image.digest,
    ).toBe(layoutTarget.kind === 'image' ? layoutTarget.image.digest : undefined);

    // The layout shares every layer with the pushed image: all come from the cache.
    const warmOpened: string[] = [];
    const warm = counting(await openOciLayout(layout), warmOpened);
    try {
      const again = await inventoryImage(await resolveImage(warm), { cacheDir });
      expect(warmOpened).toEqual([]);
      expect(again).toEqual(fromLayout);
    } finally {
      await warm.close();
    }
  });
});
