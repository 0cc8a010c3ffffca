/**
 * Real rpm databases for the rpm analyzer's tests, built once per machine under
 * `.cache/fixtures/`: three tiny noarch packages made by `rpmbuild` from inline specs, installed
 * with `rpm --justdb` into an SQLite rpmdb (the only backend Debian's rpm 4.18 can write), and the
 * same header blobs loaded by Berkeley DB's own `db5.3_load` into hash and btree `Packages` files
 * in both byte orders (which Debian's rpm reads back with its `bdb_ro` backend).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DatabaseSync } from 'node:sqlite';

const run = promisify(execFile);
const CACHE = fileURLToPath(new URL('../../.cache/fixtures/', import.meta.url));
const NAME = 'rpmdb-v1';

const SPECS: Readonly<Record<string, string>> = {
  'bosun-hello': `Name: bosun-hello
Version: 1.2.3
Release: 4
Epoch: 2
Summary: test package with an epoch
License: MIT and (GPLv2+ or BSD)
BuildArch: noarch
%description
test
%install
mkdir -p %{buildroot}/usr/share/bosun-hello %{buildroot}/etc
echo a > %{buildroot}/usr/share/bosun-hello/a.txt
echo b > %{buildroot}/usr/share/bosun-hello/b.txt
echo c > %{buildroot}/etc/bosun-hello.conf
%files
/usr/share/bosun-hello
%config /etc/bosun-hello.conf
`,
  'bosun-tiny': `Name: bosun-tiny
Version: 0.1
Release: 1
Summary: no files, a modularity label
License: Apache-2.0
BuildArch: noarch
ModularityLabel: bosun:1:2:3
%description
tiny
%files
`,
  // ~600 files: a header of ~90 KiB, larger than a Berkeley DB page (overflow chains).
  'bosun-big': `Name: bosun-big
Version: 7.0.1
Release: 2.el9
Summary: many files
License: GPL-2.0-or-later
BuildArch: noarch
%description
big
%install
for d in $(seq 1 20); do mkdir -p %{buildroot}/usr/share/bosun-big/dir$d; for f in $(seq 1 30); do echo $d$f > %{buildroot}/usr/share/bosun-big/dir$d/file-with-a-longish-name-$f.txt; done; done
%files
/usr/share/bosun-big
`,
};

/** Berkeley DB variants: access method, page size, byte order (1234 little, 4321 big endian). */
export const BDB_VARIANTS = [
  ['hash', 4096, 1234],
  ['hash', 65536, 1234],
  ['hash', 4096, 4321],
  ['btree', 4096, 1234],
  ['btree', 8192, 4321],
] as const;

export interface RpmFixture {
  /** `--dbpath` of the SQLite rpmdb (holds `rpmdb.sqlite`). */
  readonly sqliteDbPath: string;
  /** `--dbpath` of each Berkeley DB variant (holds `Packages`), keyed `hash-4096-1234`. */
  readonly bdbDbPaths: Readonly<Record<string, string>>;
}

export async function rpmFixture(): Promise<RpmFixture> {
  const dir = join(CACHE, NAME);
  const fixture: RpmFixture = {
    sqliteDbPath: join(dir, 'sqlite'),
    bdbDbPaths: Object.fromEntries(BDB_VARIANTS.map((v) => [v.join('-'), join(dir, `bdb-${v.join('-')}`)])),
  };
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
    if (existsSync(join(dir, 'done'))) return fixture;
    throw error;
  }
  return fixture;
}

async function build(tmp: string): Promise<void> {
  const top = join(tmp, 'rpmbuild');
  for (const [name, spec] of Object.entries(SPECS)) {
    const file = join(tmp, `${name}.spec`);
    await writeFile(file, spec);
    await run('rpmbuild', ['-bb', '--define', `_topdir ${top}`, file], { timeout: 120_000 });
  }
  const rpmsDir = join(top, 'RPMS/noarch');
  const rpms = (await readdir(rpmsDir)).map((file) => join(rpmsDir, file));
  const sqlite = join(tmp, 'sqlite');
  await mkdir(sqlite, { recursive: true });
  const db = ['--dbpath', sqlite, '--define', '_db_backend sqlite'];
  await run('rpm', [...db, '--initdb']);
  await run('rpm', [...db, '-i', '--nodeps', '--justdb', ...rpms], { timeout: 120_000 });

  // The same header blobs in Berkeley DB files written by libdb itself (db_load's byte-value dump
  // format: hex keys and values). Keys are rpm's record numbers, little-endian like x86 rpm writes.
  const reader = new DatabaseSync(join(sqlite, 'rpmdb.sqlite'), { readOnly: true });
  const rows = reader.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').all();
  reader.close();
  const records = rows
    .map((row) => {
      const key = Buffer.alloc(4);
      key.writeUInt32LE(Number(row['hnum']));
      return ` ${key.toString('hex')}\n ${Buffer.from(row['blob'] as Uint8Array).toString('hex')}\n`;
    })
    .join('');
  for (const [method, pageSize, order] of BDB_VARIANTS) {
    const out = join(tmp, `bdb-${method}-${pageSize}-${order}`);
    await mkdir(out, { recursive: true });
    const dump = join(tmp, 'dump.txt');
    await writeFile(
      dump,
      `VERSION=3\nformat=bytevalue\ntype=${method}\ndb_pagesize=${pageSize}\ndb_lorder=${order}\nHEADER=END\n${records}DATA=END\n`,
    );
    await run('db5.3_load', ['-f', dump, join(out, 'Packages')]);
  }
}

/** `rpm -qa` over a db path: `NAME EPOCH VERSION RELEASE ARCH` per package, sorted. */
export async function rpmQueryAll(dbPath: string, backend: 'sqlite' | 'bdb_ro'): Promise<string[]> {
  const { stdout } = await run('rpm', [
    '-qa',
    '--dbpath',
    dbPath,
    '--define',
    `_db_backend ${backend}`,
    '--qf',
    '%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH} %{LICENSE} %{SOURCERPM} %{MODULARITYLABEL}\n',
  ]);
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .sort();
}

/** `rpm -ql <name>`: the files the package owns. */
export async function rpmListFiles(dbPath: string, name: string): Promise<string[]> {
  const { stdout } = await run('rpm', ['-ql', '--dbpath', dbPath, '--define', '_db_backend sqlite', name]);
  return stdout.split('\n').filter((line) => line !== '' && line !== '(contains no files)');
}
