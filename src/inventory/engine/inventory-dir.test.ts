import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryDirectory } from './inventory-dir.ts';

let root: string;

async function put(path: string, body: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), body);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bosun-inventory-dir-'));
  await put('etc/os-release', 'ID=debian\nVERSION_ID="12"\n');
  await put(
    'var/lib/dpkg/status',
    'Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n',
  );
  await put('app/requirements.txt', 'flask==3.0.0\n');
  await put('app/node_modules/x/package.json', '{"name":"x","version":"1.0.0"}');
  await put(
    'app/package-lock.json',
    JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/x': { version: '1.0.0' } } }),
  );
  await put('app/node_modules/broken/package.json', '{');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('inventoryDirectory', () => {
  it('reports installed metadata and lockfiles, the OS, and per-file issues', async () => {
    const inventory = await inventoryDirectory(root);
    expect(inventory.target).toEqual({ kind: 'directory', path: root });
    expect(inventory.os).toMatchObject({ family: 'debian', version: '12' });
    expect(inventory.packages.map((p) => `${p.purl} ${p.locations[0]?.path}`)).toEqual([
      'pkg:deb/debian/a@1?arch=all&distro=debian-12 var/lib/dpkg/status',
      'pkg:npm/x@1.0.0 app/node_modules/x/package.json',
      'pkg:npm/x@1.0.0 app/package-lock.json',
      'pkg:pypi/flask@3.0.0 app/requirements.txt',
    ]);
    expect(inventory.packages.every((p) => p.locations.every((l) => l.layerDigest === undefined))).toBe(true);
    expect(inventory.issues.map((i) => `${i.code} ${i.path}`)).toEqual([
      'INVENTORY_PARSE app/node_modules/broken/package.json',
    ]);
  });

  it('an aborted signal stops the walk with ABORTED', async () => {
    await expect(inventoryDirectory(root, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });

  it('fails with IMAGE_NOT_FOUND for a missing directory', async () => {
    await expect(inventoryDirectory(join(root, 'missing'))).rejects.toMatchObject({
      code: 'IMAGE_NOT_FOUND',
    });
  });
});
