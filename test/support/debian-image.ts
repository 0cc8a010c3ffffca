/**
 * A three-stage Debian root filesystem made by dpkg itself, and the layers between the stages, for
 * inventory tests that need an image whose truth is known: `dpkg-query --admindir` on each stage
 * says which packages are installed at each layer.
 *
 * - stage 0: the root of `debian-root.ts` (packages in several dpkg states), the host's
 *   `usr/lib/os-release` with the `etc/os-release` symlink Debian ships, and two packages made
 *   here with `dpkg-deb --build` (`bosun-up` 1.0, `bosun-gone`).
 * - stage 1: real arch-all .debs without maintainer scripts (`apt-get download`), `bosun-up`
 *   upgraded to 2.0, `bosun-py` (ships a dist-info: a dpkg-owned Python package), and a few
 *   unpackaged node_modules.
 * - stage 2: `lsb-base` and `bosun-gone` purged, `bosun-late` installed, one node module deleted,
 *   a pip-style dist-info added outside dpkg.
 *
 * Stages are built once per machine under `.cache/fixtures/` (like debian-root.ts). Layers are
 * tars of the differences, written as `docker build` does: changed entries with their parent
 * directories, deletions as `.wh.` whiteouts.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  copyFile,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TarEntrySpec } from '../builders/tar.ts';
import { debianFixture } from './debian-root.ts';

const run = promisify(execFile);
const CACHE = fileURLToPath(new URL('../../.cache/fixtures/', import.meta.url));
const NAME = 'debian-image-v2';

/** Real Debian packages with no maintainer scripts (they configure cleanly in a shell-less root). */
export const EXTRA_DEBIAN_PACKAGES = ['media-types', 'dns-root-data', 'publicsuffix'] as const;

export interface DebianImageStages {
  /** Root directories, in layer order. */
  readonly stages: readonly [string, string, string];
}

export async function debianImageStages(): Promise<DebianImageStages> {
  const dir = join(CACHE, NAME);
  const result: DebianImageStages = {
    stages: [join(dir, 'stage0'), join(dir, 'stage1'), join(dir, 'stage2')],
  };
  if (existsSync(join(dir, 'done'))) return result;
  const fixture = await debianFixture();
  await mkdir(CACHE, { recursive: true });
  const tmp = await mkdtemp(join(CACHE, `${NAME}.tmp-`));
  try {
    await build(tmp, fixture.root);
    await writeFile(join(tmp, 'done'), '');
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    if (existsSync(join(dir, 'done'))) return result;
    throw error;
  }
  return result;
}

async function put(root: string, path: string, body: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), body);
}

async function buildDeb(
  debs: string,
  name: string,
  version: string,
  files: Readonly<Record<string, string>>,
): Promise<string> {
  const tree = join(debs, `${name}-${version}-tree`);
  await put(
    tree,
    'DEBIAN/control',
    `Package: ${name}\nVersion: ${version}\nArchitecture: all\nMaintainer: Bosun <bosun@example.invalid>\n` +
      `Description: inventory test package\n made by dpkg-deb in the test fixture\n`,
  );
  for (const [path, body] of Object.entries(files)) await put(tree, path, body);
  const deb = join(debs, `${name}_${version}_all.deb`);
  await run('dpkg-deb', ['--root-owner-group', '--build', tree, deb]);
  await rm(tree, { recursive: true, force: true });
  return deb;
}

async function build(tmp: string, base: string): Promise<void> {
  const debs = join(tmp, 'debs');
  await mkdir(debs, { recursive: true });
  await run('apt-get', ['download', ...EXTRA_DEBIAN_PACKAGES], { cwd: debs, timeout: 300_000 });
  const downloaded = (await readdir(debs)).filter((f) => f.endsWith('.deb')).map((f) => join(debs, f));
  const up1 = await buildDeb(debs, 'bosun-up', '1.0-1', { 'usr/share/bosun-up/version': '1\n' });
  const up2 = await buildDeb(debs, 'bosun-up', '2.0-1', { 'usr/share/bosun-up/version': '2\n' });
  const gone = await buildDeb(debs, 'bosun-gone', '0.1-1', { 'usr/share/bosun-gone/readme': 'bye\n' });
  const late = await buildDeb(debs, 'bosun-late', '0.1-1', { 'usr/share/bosun-late/readme': 'late\n' });
  const py = await buildDeb(debs, 'bosun-py', '1.0-1', {
    'usr/lib/python3/dist-packages/bosun_py-1.0.dist-info/METADATA':
      'Metadata-Version: 2.1\nName: bosun-py\nVersion: 1.0\nLicense: MIT\n',
    'usr/lib/python3/dist-packages/bosun_py/__init__.py': '',
  });
  const [s0, s1, s2] = ['stage0', 'stage1', 'stage2'].map((s) => join(tmp, s)) as [string, string, string];
  // Never --force-all: it includes script-chrootless, which would run maintainer scripts on the host.
  const dpkg = (root: string, ...args: string[]) =>
    run('dpkg', [`--root=${root}`, '--force-depends', '--no-triggers', ...args], { timeout: 120_000 });

  await run('cp', ['-a', base, s0]);
  await mkdir(join(s0, 'usr/lib'), { recursive: true });
  await copyFile('/usr/lib/os-release', join(s0, 'usr/lib/os-release'));
  await mkdir(join(s0, 'etc'), { recursive: true });
  await run('ln', ['-s', '../usr/lib/os-release', join(s0, 'etc/os-release')]);
  await dpkg(s0, '-i', up1, gone);

  await run('cp', ['-a', s0, s1]);
  await dpkg(s1, '-i', ...downloaded, up2, py);
  await put(s1, 'app/node_modules/kept/package.json', '{"name":"kept","version":"1.2.3","license":"MIT"}');
  await put(s1, 'srv/node_modules/tmp-pkg/package.json', '{"name":"tmp-pkg","version":"0.0.1"}');

  await run('cp', ['-a', s1, s2]);
  await dpkg(s2, '--purge', 'lsb-base', 'bosun-gone');
  await dpkg(s2, '-i', late);
  await rm(join(s2, 'srv/node_modules/tmp-pkg'), { recursive: true });
  await put(
    s2,
    'usr/local/lib/python3.11/dist-packages/requests-2.31.0.dist-info/METADATA',
    'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nLicense: Apache 2.0\n',
  );
}

interface TreeNode {
  readonly type: 'file' | 'dir' | 'symlink';
  readonly mode: number;
  readonly link?: string;
  readonly hash?: string;
}

/** Every path under `root` (no leading `/`), lstat'ed; files hashed. */
async function treeOf(root: string | undefined): Promise<Map<string, TreeNode>> {
  const tree = new Map<string, TreeNode>();
  if (root === undefined) return tree;
  const visit = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(root, rel))).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const info = await lstat(join(root, path));
      const mode = info.mode & 0o7777;
      if (info.isDirectory()) {
        tree.set(path, { type: 'dir', mode });
        await visit(path);
      } else if (info.isSymbolicLink()) {
        tree.set(path, { type: 'symlink', mode, link: await readlink(join(root, path)) });
      } else if (info.isFile()) {
        const hash = createHash('sha256')
          .update(await readFile(join(root, path)))
          .digest('hex');
        tree.set(path, { type: 'file', mode, hash });
      }
    }
  };
  await visit('');
  return tree;
}

function same(a: TreeNode | undefined, b: TreeNode): boolean {
  return a !== undefined && a.type === b.type && a.mode === b.mode && a.link === b.link && a.hash === b.hash;
}

function parentsOf(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/**
 * Tar entries turning root `lower` into root `upper` (the whole of `upper` when `lower` is
 * undefined): changed or new entries with their parent directories, and `.wh.` whiteouts for
 * the topmost deleted paths. Sorted by name, as `tar --sort=name` writes.
 */
export async function layerEntries(lower: string | undefined, upper: string): Promise<TarEntrySpec[]> {
  const before = await treeOf(lower);
  const after = await treeOf(upper);
  const include = new Set<string>();
  for (const [path, node] of after) {
    if (same(before.get(path), node)) continue;
    include.add(path);
    for (const parent of parentsOf(path)) include.add(parent);
  }
  const whiteouts: string[] = [];
  for (const path of before.keys()) {
    if (after.has(path)) continue;
    const parent = parentsOf(path).at(-1);
    if (parent !== undefined && !after.has(parent)) continue; // its deleted ancestor covers it
    whiteouts.push(path);
    if (parent !== undefined) include.add(parent);
    for (const ancestor of parentsOf(path)) include.add(ancestor);
  }
  const entries: TarEntrySpec[] = [];
  for (const path of [...include].sort()) {
    const node = after.get(path) as TreeNode;
    switch (node.type) {
      case 'dir':
        entries.push({ name: `${path}/`, type: 'dir', mode: node.mode });
        break;
      case 'symlink':
        entries.push({ name: path, type: 'symlink', linkname: node.link ?? '', mode: 0o777 });
        break;
      case 'file':
        entries.push({ name: path, body: await readFile(join(upper, path)), mode: node.mode });
        break;
    }
  }
  for (const path of whiteouts.sort()) {
    const slash = path.lastIndexOf('/');
    entries.push({ name: `${path.slice(0, slash + 1)}.wh.${path.slice(slash + 1)}`, body: '', mode: 0o644 });
  }
  return entries;
}

/** `dpkg-query` rows of installed (`ii`/`hi`) packages: `name version arch`, sorted. */
export async function installedPackages(root: string): Promise<string[]> {
  const { stdout } = await run('dpkg-query', [
    `--admindir=${join(root, 'var/lib/dpkg')}`,
    '-W',
    '-f=${db:Status-Abbrev}|${Package} ${Version} ${Architecture}\n',
  ]);
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('ii') || line.startsWith('hi'))
    .map((line) => line.slice(line.indexOf('|') + 1))
    .sort();
}
