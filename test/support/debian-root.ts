/**
 * A small real Debian root made by dpkg itself, for the dpkg analyzer's tests. Built once per
 * machine under `.cache/fixtures/` (the .debs come from the Debian mirror through `apt-get
 * download`) and reused by later runs. The root holds packages in several dpkg states:
 * installed (`ii`), held (`hi`), failed configuration (`iF`, its postinst cannot run in the
 * shell-less root), unpacked only (`iU`) and removed with conffiles left (`rc`). A second tree
 * lays the same .debs out as Google distroless does (`status.d/<pkg>` = `dpkg-deb --field`,
 * `status.d/<pkg>.md5sums`). One package is made here with `dpkg-deb --build`: `bosun-multi`,
 * `Multi-Arch: same` (dpkg names its list `<pkg>:<arch>.list`) with a versioned `Source:`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Tiny Debian packages (a few KiB to 260 KiB each); libaudit-common has an epoch. */
export const DEBIAN_FIXTURE_PACKAGES = [
  'hostname',
  'lsb-base',
  'sensible-utils',
  'libaudit-common',
  'libsemanage-common',
  'ncurses-base',
  'netbase',
  'readline-common',
] as const;

const CACHE = fileURLToPath(new URL('../../.cache/fixtures/', import.meta.url));
const NAME = 'debian-root-v2';

export interface DebianFixture {
  /** A root installed with `dpkg --root`. */
  readonly root: string;
  /** A distroless-style tree: `var/lib/dpkg/status.d/`. */
  readonly distroless: string;
  /** The downloaded .deb files. */
  readonly debs: string;
}

export async function debianFixture(): Promise<DebianFixture> {
  const dir = join(CACHE, NAME);
  const fixture = { root: join(dir, 'root'), distroless: join(dir, 'distroless'), debs: join(dir, 'debs') };
  if (existsSync(join(dir, 'done'))) return fixture;
  await mkdir(CACHE, { recursive: true });
  const tmp = await mkdtemp(join(CACHE, `${NAME}.tmp-`));
  try {
    await build(tmp);
    await writeFile(join(tmp, 'done'), '');
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    if (existsSync(join(dir, 'done'))) return fixture; // built concurrently by another worker
    throw error;
  }
  return fixture;
}

async function build(tmp: string): Promise<void> {
  const debs = join(tmp, 'debs');
  await mkdir(debs, { recursive: true });
  await run('apt-get', ['download', ...DEBIAN_FIXTURE_PACKAGES], { cwd: debs, timeout: 300_000 });
  const files = (await readdir(debs)).filter((file) => file.endsWith('.deb'));
  const deb = (name: string): string => {
    const file = files.find((candidate) => candidate.startsWith(`${name}_`));
    if (file === undefined) throw new Error(`apt-get download did not fetch ${name}`);
    return join(debs, file);
  };

  const arch = (await run('dpkg', ['--print-architecture'])).stdout.trim();
  const multi = join(tmp, 'bosun-multi');
  await mkdir(join(multi, 'DEBIAN'), { recursive: true });
  await mkdir(join(multi, 'usr/share/bosun-multi'), { recursive: true });
  await writeFile(join(multi, 'usr/share/bosun-multi/readme'), 'multi-arch test package\n');
  await writeFile(
    join(multi, 'DEBIAN/control'),
    `Package: bosun-multi\nSource: bosun-src (9.9-1)\nVersion: 9.9-1+b2\nArchitecture: ${arch}\nMulti-Arch: same\n` +
      'Maintainer: Bosun <bosun@example.invalid>\nDescription: test package\n made by dpkg-deb in the test fixture\n',
  );
  await run('dpkg-deb', [
    '--root-owner-group',
    '--build',
    multi,
    join(debs, `bosun-multi_9.9-1+b2_${arch}.deb`),
  ]);
  files.push(`bosun-multi_9.9-1+b2_${arch}.deb`);

  const root = join(tmp, 'root');
  const admin = join(root, 'var/lib/dpkg');
  for (const sub of ['info', 'updates', 'triggers']) await mkdir(join(admin, sub), { recursive: true });
  await writeFile(join(admin, 'status'), '');
  await writeFile(join(admin, 'available'), '');
  // Never --force-all: it includes script-chrootless, which would run maintainer scripts on the host.
  const dpkg = (...args: string[]) =>
    run('dpkg', [`--root=${root}`, '--force-depends', '--no-triggers', ...args], { timeout: 120_000 });
  await dpkg(
    '-i',
    ...[
      'hostname',
      'lsb-base',
      'sensible-utils',
      'libaudit-common',
      'libsemanage-common',
      'ncurses-base',
      'bosun-multi',
    ].map(deb),
  );
  await dpkg('-i', deb('netbase')).catch(() => undefined); // postinst needs /bin/sh: half-configured
  await dpkg('--unpack', deb('readline-common'));
  await dpkg('--remove', 'libsemanage-common'); // conffiles stay: config-files
  const selections = execFile('dpkg', [`--root=${root}`, '--set-selections']);
  selections.stdin?.end('hostname hold\n');
  await new Promise<void>((resolve, reject) => {
    selections.on('error', reject);
    selections.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`dpkg --set-selections: ${code}`)),
    );
  });

  const statusD = join(tmp, 'distroless/var/lib/dpkg/status.d');
  await mkdir(statusD, { recursive: true });
  for (const name of ['hostname', 'lsb-base', 'libaudit-common']) {
    const fields = await run('dpkg-deb', ['--field', deb(name)]);
    await writeFile(join(statusD, name), fields.stdout);
    const control = join(tmp, `control-${name}`);
    await run('dpkg-deb', ['--control', deb(name), control]);
    await rename(join(control, 'md5sums'), join(statusD, `${name}.md5sums`));
    await rm(control, { recursive: true, force: true });
  }
}

/** `dpkg-query -W` over an admin dir: `<abbrev>|<package> <version> <arch>` per package. */
export async function dpkgQuery(admindir: string): Promise<string[]> {
  const { stdout } = await run('dpkg-query', [
    `--admindir=${admindir}`,
    '-W',
    '-f=${db:Status-Abbrev}|${Package} ${Version} ${Architecture}\n',
  ]);
  return stdout.split('\n').filter((line) => line !== '');
}

/** `dpkg-query -L <pkg>`: the paths dpkg owns for the package. */
export async function dpkgListFiles(admindir: string, name: string): Promise<string[]> {
  const { stdout } = await run('dpkg-query', [`--admindir=${admindir}`, '-L', name]);
  return stdout.split('\n').filter((line) => line !== '');
}
