import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildLayer } from '../../../test/builders/layer.ts';
import type { TarEntrySpec } from '../../../test/builders/tar.ts';
import { analyzers } from '../registry.ts';
import type { Package } from '../types.ts';
import { collectLayer } from './collect-layer.ts';
import { mergeLayers, type MergedInventory } from './merge.ts';

const OS_RELEASE =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n';

function status(...packages: readonly (readonly [string, string])[]): string {
  return packages
    .map(
      ([name, version]) =>
        `Package: ${name}\nStatus: install ok installed\nVersion: ${version}\nArchitecture: amd64\nMaintainer: x\nDescription: y\n`,
    )
    .join('\n');
}

function file(name: string, body: string): TarEntrySpec {
  return { name, body };
}

function whiteout(path: string): TarEntrySpec {
  const slash = path.lastIndexOf('/');
  return { name: `${path.slice(0, slash + 1)}.wh.${path.slice(slash + 1)}`, body: '' };
}

function opaque(dir: string): TarEntrySpec {
  return { name: `${dir}/.wh..wh..opq`, body: '' };
}

function packageJson(name: string, version: string): string {
  return JSON.stringify({ name, version, license: 'MIT' });
}

/** Builds each layer as a real gzip tar blob and walks it, then merges in order. */
async function inventoryOf(
  layers: readonly (readonly TarEntrySpec[])[],
  mode: 'image' | 'directory' = 'image',
): Promise<MergedInventory & { digests: string[] }> {
  const built = layers.map((entries) => buildLayer(entries));
  const records = [];
  for (const layer of built) {
    records.push(
      await collectLayer(Readable.from([layer.blob]), {
        name: layer.digest,
        analyzers,
        layerDigest: layer.digest,
        diffId: layer.diffId,
      }),
    );
  }
  const merged = mergeLayers(
    records.map((record, i) => ({
      digest: built[i]?.digest as string,
      diffId: built[i]?.diffId as string,
      record,
    })),
    { mode },
  );
  return { ...merged, digests: built.map((layer) => layer.digest) };
}

function summary(packages: readonly Package[]): string[] {
  return packages.map((p) => `${p.ecosystem}:${p.name}@${p.version}`);
}

function layerOf(packages: readonly Package[], name: string): string | undefined {
  return packages.find((p) => p.name === name)?.locations[0]?.layerDigest;
}

describe('mergeLayers: the final filesystem', () => {
  it('follows a dpkg status rewritten per layer: upgrade, removal, attribution to the introducing layer', async () => {
    const result = await inventoryOf([
      [file('etc/os-release', OS_RELEASE), file('var/lib/dpkg/status', status(['a', '1'], ['b', '1']))],
      [file('var/lib/dpkg/status', status(['a', '1'], ['b', '1'], ['c', '1']))],
      [file('var/lib/dpkg/status', status(['a', '1'], ['c', '2']))],
    ]);
    expect(summary(result.packages)).toEqual(['deb:a@1', 'deb:c@2']);
    expect(layerOf(result.packages, 'a')).toBe(result.digests[0]);
    expect(layerOf(result.packages, 'c')).toBe(result.digests[2]);
    expect(result.os).toMatchObject({ family: 'debian', version: '12', codename: 'bookworm' });
    expect(result.packages.map((p) => p.purl)).toEqual([
      'pkg:deb/debian/a@1?arch=amd64&distro=debian-12',
      'pkg:deb/debian/c@2?arch=amd64&distro=debian-12',
    ]);
    expect(result.packages[0]?.locations).toEqual([
      {
        path: 'var/lib/dpkg/status',
        layerDigest: result.digests[0],
        diffId: expect.stringMatching(/^sha256:/),
      },
    ]);
  });

  it('a package db deleted in a middle layer and written again starts a new history', async () => {
    const result = await inventoryOf([
      [file('var/lib/dpkg/status', status(['a', '1']))],
      [whiteout('var/lib/dpkg/status')],
      [file('var/lib/dpkg/status', status(['a', '1']))],
    ]);
    expect(layerOf(result.packages, 'a')).toBe(result.digests[2]);
  });

  it.each([
    ['the file', [whiteout('var/lib/dpkg/status')]],
    ['its directory', [whiteout('var/lib/dpkg')]],
    ['an ancestor through an opaque marker', [opaque('var/lib'), file('var/lib/other', 'x')]],
    ['a file replacing the parent directory', [file('var/lib/dpkg', 'not a directory')]],
  ])('a package db deleted by whiting out %s is gone', async (_name, upper) => {
    const result = await inventoryOf([
      [file('etc/os-release', OS_RELEASE), file('var/lib/dpkg/status', status(['a', '1']))],
      upper,
    ]);
    expect(result.packages).toEqual([]);
    expect(result.os.family).toBe('debian');
  });

  it('whiteouts and opaque directories remove language packages; same-layer content stays', async () => {
    const result = await inventoryOf([
      [
        file('app/node_modules/left/package.json', packageJson('left', '1.0.0')),
        file('app/node_modules/gone/package.json', packageJson('gone', '1.0.0')),
        file('srv/node_modules/hidden/package.json', packageJson('hidden', '1.0.0')),
      ],
      [
        whiteout('app/node_modules/gone'),
        opaque('srv/node_modules'),
        file('srv/node_modules/fresh/package.json', packageJson('fresh', '2.0.0')),
      ],
    ]);
    expect(summary(result.packages)).toEqual(['npm:fresh@2.0.0', 'npm:left@1.0.0']);
    expect(layerOf(result.packages, 'left')).toBe(result.digests[0]);
    expect(layerOf(result.packages, 'fresh')).toBe(result.digests[1]);
  });

  it('a file replaced by one nobody analyses drops the old result', async () => {
    const result = await inventoryOf([
      [file('app/node_modules/x/package.json', packageJson('x', '1.0.0'))],
      [{ name: 'app/node_modules/x/package.json', type: 'symlink', linkname: '/dev/null' }],
    ]);
    expect(result.packages).toEqual([]);
  });

  it('a file written through a symlinked directory survives; hard links to unanalysed files are no issue', async () => {
    const result = await inventoryOf([
      [
        { name: 'usr/lib/', type: 'dir' },
        { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
        file('usr/bin/tool', 'binary-ish'),
        { name: 'usr/bin/tool-alias', type: 'hardlink', linkname: 'usr/bin/tool' },
      ],
      [file('lib/node_modules/via-link/package.json', packageJson('via-link', '1.0.0'))],
      [file('lib/node_modules/unrelated.txt', 'x')],
    ]);
    expect(summary(result.packages)).toEqual(['npm:via-link@1.0.0']);
    expect(layerOf(result.packages, 'via-link')).toBe(result.digests[1]);
    expect(result.issues).toEqual([]);
  });

  it('a language package rewritten with the same version keeps its first layer; a new version moves', async () => {
    const result = await inventoryOf([
      [
        file('a/node_modules/same/package.json', packageJson('same', '1.0.0')),
        file('a/node_modules/bumped/package.json', packageJson('bumped', '1.0.0')),
      ],
      [
        file('a/node_modules/same/package.json', packageJson('same', '1.0.0')),
        file('a/node_modules/bumped/package.json', packageJson('bumped', '1.0.1')),
      ],
    ]);
    expect(layerOf(result.packages, 'same')).toBe(result.digests[0]);
    expect(layerOf(result.packages, 'bumped')).toBe(result.digests[1]);
  });
});

describe('mergeLayers: OS facts', () => {
  it.each([
    [
      'Debian with status.d is distroless',
      [
        file('etc/os-release', OS_RELEASE),
        file('var/lib/dpkg/status.d/base', status(['base-files', '12.4'])),
      ],
      { family: 'distroless', version: '12' },
      'pkg:deb/debian/base-files@12.4?arch=amd64&distro=debian-12',
    ],
    [
      'status.d without any release file is distroless',
      [file('var/lib/dpkg/status.d/base', status(['base-files', '12.4']))],
      { family: 'distroless' },
      'pkg:deb/debian/base-files@12.4?arch=amd64',
    ],
    [
      'no release file is unknown',
      [file('var/lib/dpkg/status', status(['a', '1']))],
      { family: 'unknown' },
      'pkg:deb/debian/a@1?arch=amd64',
    ],
    [
      'Ubuntu re-stamps the purl namespace',
      [
        file('etc/os-release', 'ID=ubuntu\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\n'),
        file('var/lib/dpkg/status', status(['a', '1'])),
      ],
      { family: 'ubuntu', version: '22.04' },
      'pkg:deb/ubuntu/a@1?arch=amd64&distro=ubuntu-22.04',
    ],
  ])('%s', async (_name, entries, os, purl) => {
    const result = await inventoryOf([entries]);
    expect(result.os).toMatchObject(os);
    expect(result.packages.map((p) => p.purl)).toEqual([purl]);
  });

  it('the OS comes from the release file in the final filesystem', async () => {
    const result = await inventoryOf([
      [file('etc/os-release', 'ID=alpine\nVERSION_ID=3.19.1\n')],
      [whiteout('etc/os-release'), file('usr/lib/os-release', OS_RELEASE)],
    ]);
    expect(result.os).toMatchObject({ family: 'debian', version: '12' });
  });
});

describe('mergeLayers: ownership, lockfiles, licenses, model files, issues', () => {
  it('marks language packages at OS-owned paths, through symlinked directories', async () => {
    const result = await inventoryOf([
      [
        { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
        file('usr/lib/python3/dist-packages/owned-1.0.dist-info/METADATA', 'Name: owned\nVersion: 1.0\n'),
        file('usr/lib/python3/dist-packages/linked-2.0.dist-info/METADATA', 'Name: linked\nVersion: 2.0\n'),
        file(
          'usr/local/lib/python3.11/site-packages/own-3.0.dist-info/METADATA',
          'Name: own\nVersion: 3.0\n',
        ),
        file(
          'var/lib/dpkg/info/python3-owned.list',
          '/.\n/usr/lib/python3/dist-packages/owned-1.0.dist-info/METADATA\n/lib/python3/dist-packages/linked-2.0.dist-info/METADATA\n',
        ),
      ],
    ]);
    expect(result.packages.map((p) => `${p.name}:${p.osOwned === true}`)).toEqual([
      'linked:true',
      'own:false',
      'owned:true',
    ]);
  });

  it('image mode: lockfiles yield to installed metadata that covers them; directory mode keeps both', async () => {
    const lock = (name: string): string =>
      JSON.stringify({
        name: 'app',
        lockfileVersion: 3,
        packages: { '': { name: 'app' }, [`node_modules/${name}`]: { version: '9.9.9' } },
      });
    const layers = [
      [
        file('covered/package-lock.json', lock('locked')),
        file('covered/node_modules/installed/package.json', packageJson('installed', '1.0.0')),
        file('bare/package-lock.json', lock('bare-dep')),
        file('app/requirements.txt', 'flask==3.0.0\n'),
        file('usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA', 'Name: six\nVersion: 1.16.0\n'),
      ],
    ];
    const image = await inventoryOf(layers, 'image');
    expect(summary(image.packages)).toEqual(['npm:bare-dep@9.9.9', 'npm:installed@1.0.0', 'pypi:six@1.16.0']);
    const dir = await inventoryOf(layers, 'directory');
    expect(summary(dir.packages)).toEqual([
      'npm:bare-dep@9.9.9',
      'npm:installed@1.0.0',
      'npm:locked@9.9.9',
      'pypi:flask@3.0.0',
      'pypi:six@1.16.0',
    ]);
  });

  it('applies Debian copyright licenses to packages without any', async () => {
    const result = await inventoryOf([
      [
        file('var/lib/dpkg/status', status(['a', '1'])),
        file(
          'usr/share/doc/a/copyright',
          'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-2+\n',
        ),
      ],
    ]);
    expect(result.packages[0]?.licenses).toEqual(['GPL-2+']);
  });

  it('reports model files of the final filesystem with their layer', async () => {
    const header = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }));
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(BigInt(header.length));
    const safetensors = Buffer.concat([size, header, Buffer.alloc(4)]);
    const result = await inventoryOf([
      [
        { name: 'models/a.safetensors', body: safetensors },
        { name: 'models/gone.safetensors', body: safetensors },
      ],
      [whiteout('models/gone.safetensors')],
    ]);
    expect(result.modelFiles).toEqual([
      {
        path: 'models/a.safetensors',
        format: 'safetensors',
        size: safetensors.length,
        evidence: 'magic',
        location: {
          path: 'models/a.safetensors',
          layerDigest: result.digests[0],
          diffId: expect.any(String),
        },
      },
    ]);
  });

  it('reports problems of files in the final filesystem, and unsafe entries; replaced bad files vanish', async () => {
    const result = await inventoryOf([
      [
        file('a/node_modules/bad/package.json', '{not json'),
        file('a/node_modules/fixed/package.json', '{not json'),
        { name: '../escape', body: 'x' },
      ],
      [file('a/node_modules/fixed/package.json', packageJson('fixed', '1.0.0'))],
    ]);
    expect(summary(result.packages)).toEqual(['npm:fixed@1.0.0']);
    expect(
      result.issues.map((i) => `${i.analyzer} ${i.code} ${i.path} ${i.layerDigest === result.digests[0]}`),
    ).toEqual([
      'layer LAYER_PATH_UNSAFE ../escape true',
      'npm-installed INVENTORY_PARSE a/node_modules/bad/package.json true',
    ]);
  });

  it('is deterministic: the same layers give the same inventory', async () => {
    const layers = [
      [
        file('etc/os-release', OS_RELEASE),
        file('var/lib/dpkg/status', status(['z', '1'], ['a', '1'], ['m', '1'])),
        file('x/node_modules/b/package.json', packageJson('b', '1.0.0')),
        file('y/node_modules/b/package.json', packageJson('b', '1.0.0')),
      ],
    ];
    const first = await inventoryOf(layers);
    const second = await inventoryOf(layers);
    expect(first).toEqual(second);
    expect(summary(first.packages)).toEqual(['deb:a@1', 'deb:m@1', 'deb:z@1', 'npm:b@1.0.0', 'npm:b@1.0.0']);
    expect(first.packages.filter((p) => p.name === 'b').map((p) => p.locations[0]?.path)).toEqual([
      'x/node_modules/b/package.json',
      'y/node_modules/b/package.json',
    ]);
  });
});
