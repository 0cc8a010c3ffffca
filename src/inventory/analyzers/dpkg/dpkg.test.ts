import fc from 'fast-check';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { debianFixture, dpkgListFiles, dpkgQuery } from '../../../../test/support/debian-root.ts';
import { mutatedText, valueOrBosunError } from '../../../../test/support/parser-property.ts';
import type { AnalyzerInput } from '../../analyzer.ts';
import { parseControlFile } from './control-file.ts';
import { parseDebianCopyright, parseDpkgList, parseDpkgMd5sums } from './dpkg-files.ts';
import { parseDpkgStatus, parseSource } from './dpkg-status.ts';
import { classifyDpkgPath, dpkgAnalyzer } from './dpkg.ts';

const LAYER = 'sha256:' + 'b'.repeat(64);

function inputOf(path: string, content: string | Uint8Array): AnalyzerInput {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return { path, size: bytes.byteLength, read: async () => bytes, layerDigest: LAYER };
}

const STATUS = `Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12986
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.

Package: libgcc-s1
Status: hold ok installed
Architecture: amd64
Multi-Arch: same
Source: gcc-12 (12.2.0-14)
Version: 12.2.0-14

Package: ed
Status: install ok installed
Architecture: amd64
Version: 1:1.19-1

Package: old-thing
Status: deinstall ok config-files
Architecture: all
Version: 1.0

Package: broken
Status: install reinstreq half-installed
Architecture: amd64
Version: 2.0
`;

describe('dpkg status', () => {
  const location = { path: 'var/lib/dpkg/status', layerDigest: LAYER };

  it('keeps installed packages with source, epoch and multi-arch', () => {
    expect(parseDpkgStatus(STATUS, { location })).toEqual([
      {
        ecosystem: 'deb',
        name: 'libc6',
        version: '2.36-9+deb12u4',
        sourceName: 'glibc',
        sourceVersion: '2.36-9+deb12u4',
        arch: 'amd64',
        namespace: 'debian',
        licenses: [],
        purl: 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64',
        locations: [location],
        osOwned: true,
        properties: { multiArch: 'same' },
      },
      {
        ecosystem: 'deb',
        name: 'libgcc-s1',
        version: '12.2.0-14',
        sourceName: 'gcc-12',
        sourceVersion: '12.2.0-14',
        arch: 'amd64',
        namespace: 'debian',
        licenses: [],
        purl: 'pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64',
        locations: [location],
        osOwned: true,
        properties: { multiArch: 'same' },
      },
      {
        ecosystem: 'deb',
        name: 'ed',
        version: '1:1.19-1',
        sourceName: 'ed',
        sourceVersion: '1:1.19-1',
        arch: 'amd64',
        namespace: 'debian',
        licenses: [],
        purl: 'pkg:deb/debian/ed@1:1.19-1?arch=amd64',
        locations: [location],
        osOwned: true,
      },
    ]);
  });

  it.each([
    ['glibc', { name: 'glibc' }],
    ['gcc-12 (12.2.0-14)', { name: 'gcc-12', version: '12.2.0-14' }],
    ['openssl ( 3.0.11-1~deb12u2 )', { name: 'openssl', version: '3.0.11-1~deb12u2' }],
    ['two words', undefined],
    ['', undefined],
  ])('Source: %s', (field, expected) => {
    expect(parseSource(field)).toEqual(expected);
  });

  it('treats status.d paragraphs without Status as installed, and a plain status without Status as not', () => {
    const text = 'Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n';
    expect(parseDpkgStatus(text, { location, statusOptional: true }).map((p) => p.name)).toEqual([
      'base-files',
    ]);
    expect(parseDpkgStatus(text, { location })).toEqual([]);
  });

  it.each([
    ['continuation first', ' leading continuation\n'],
    ['no colon', 'Package libc6\n'],
    ['empty field name', ': value\n'],
    ['field name with hyphen first', '-Bad: x\n'],
  ])('rejects %s', (_name, text) => {
    expect(() => parseControlFile(text, 'status')).toThrow(
      expect.objectContaining({ code: 'INVENTORY_PARSE' }),
    );
  });

  it('enforces paragraph and field limits', () => {
    expect(() =>
      parseControlFile('A: 1\n\nB: 2\n\nC: 3\n', 'status', { maxParagraphs: 2, maxFields: 10 }),
    ).toThrow(expect.objectContaining({ code: 'INVENTORY_LIMIT' }));
    expect(() =>
      parseControlFile('A: 1\nB: 2\nC: 3\n', 'status', { maxParagraphs: 2, maxFields: 2 }),
    ).toThrow(expect.objectContaining({ code: 'INVENTORY_LIMIT' }));
  });

  it('is a value or a BosunError on random and mutated text (property)', () => {
    fc.assert(
      fc.property(mutatedText(STATUS), (text) => {
        const packages = valueOrBosunError(
          () => parseDpkgStatus(text, { location, limits: { maxParagraphs: 50, maxFields: 50 } }),
          ['INVENTORY_PARSE', 'INVENTORY_LIMIT'],
        );
        if (packages !== undefined) expect(packages.length).toBeLessThanOrEqual(50);
      }),
      { numRuns: 500 },
    );
  });
});

describe('dpkg files', () => {
  it('parses a .list into owned paths without the leading slash or the root', () => {
    expect(parseDpkgList('/.\n/bin\n/bin/hostname\n/usr/share/doc/hostname\n', 'x.list')).toEqual([
      'bin',
      'bin/hostname',
      'usr/share/doc/hostname',
    ]);
  });

  it('parses md5sums into paths', () => {
    expect(
      parseDpkgMd5sums(
        '5461b4c9623a1657baf85fbc0c8576b6  usr/share/doc/tzdata/README.Debian\nnot a line\n',
        'x',
      ),
    ).toEqual(['usr/share/doc/tzdata/README.Debian']);
  });

  it('reads licenses from machine-readable copyright only', () => {
    const dep5 = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: hostname

Files: *
Copyright: 2009 Someone
License: GPL-2+

Files: debian/*
License: GPL-2+ or BSD-3-clause

License: GPL-2+
 This program is free software...
`;
    expect(parseDebianCopyright(dep5)).toEqual(['GPL-2+', 'GPL-2+ or BSD-3-clause']);
    expect(parseDebianCopyright('This package was debianized by someone.\nLicense: GPL\n')).toEqual([]);
  });

  it.each([
    ['var/lib/dpkg/status', 'status'],
    ['var/lib/dpkg/status-old', undefined],
    ['var/lib/dpkg/status.d/base', 'status-d'],
    ['var/lib/dpkg/status.d/base.md5sums', 'status-d-md5sums'],
    ['var/lib/dpkg/status.d/sub/x', undefined],
    ['var/lib/dpkg/info/libc6:amd64.list', 'list'],
    ['var/lib/dpkg/info/bash.list', 'list'],
    ['var/lib/dpkg/info/bash.md5sums', undefined],
    ['usr/share/doc/bash/copyright', 'copyright'],
    ['usr/share/doc/bash/examples/copyright', undefined],
  ])('classifies %s as %s', (path, expected) => {
    expect(classifyDpkgPath(path)).toEqual(expected);
    expect(dpkgAnalyzer.wants(path, { size: 1, type: 'file' })).toEqual(expected !== undefined);
  });
});

describe('dpkg analyzer against a root installed by dpkg', () => {
  it('finds exactly the packages dpkg-query reports as installed (ii/hi)', async () => {
    const { root } = await debianFixture();
    const admindir = join(root, 'var/lib/dpkg');
    const rows = await dpkgQuery(admindir);
    // The fixture really has the states the filter must handle.
    expect(new Set(rows.map((row) => row.slice(0, 2)))).toEqual(new Set(['ii', 'hi', 'iF', 'iU', 'rc']));
    const expected = rows
      .filter((row) => row.startsWith('ii') || row.startsWith('hi'))
      .map((row) => row.slice(row.indexOf('|') + 1))
      .sort();

    const status = await readFile(join(admindir, 'status'));
    const result = await dpkgAnalyzer.analyze(inputOf('var/lib/dpkg/status', status), {});
    expect(result.packages.map((p) => `${p.name} ${p.version} ${p.arch}`).sort()).toEqual(expected);
    expect(result.packages.find((p) => p.name === 'libaudit-common')).toMatchObject({
      version: expect.stringMatching(/^1:/),
      sourceName: 'audit',
      purl: expect.stringMatching(/^pkg:deb\/debian\/libaudit-common@1:[^?]+\?arch=all$/),
    });
  });

  it('keeps a versioned Source and Multi-Arch from a package dpkg-deb built, and reads its <pkg>:<arch>.list', async () => {
    const { root } = await debianFixture();
    const admindir = join(root, 'var/lib/dpkg');
    const status = await dpkgAnalyzer.analyze(
      inputOf('var/lib/dpkg/status', await readFile(join(admindir, 'status'))),
      {},
    );
    expect(status.packages.find((p) => p.name === 'bosun-multi')).toMatchObject({
      version: '9.9-1+b2',
      sourceName: 'bosun-src',
      sourceVersion: '9.9-1',
      properties: { multiArch: 'same' },
    });
    const lists = (await readdir(join(admindir, 'info'))).filter((name) => name.startsWith('bosun-multi'));
    expect(lists).toContainEqual(expect.stringMatching(/^bosun-multi:[a-z0-9]+\.list$/));
    const listName = lists.find((name) => name.endsWith('.list')) ?? '';
    const path = `var/lib/dpkg/info/${listName}`;
    expect(dpkgAnalyzer.wants(path, { size: 1, type: 'file' })).toBe(true);
    const list = await dpkgAnalyzer.analyze(
      inputOf(path, await readFile(join(admindir, 'info', listName))),
      {},
    );
    expect(list.ownedFiles).toContain('usr/share/bosun-multi/readme');
  });

  it('reads the same owned files from .list as dpkg-query -L', async () => {
    const { root } = await debianFixture();
    const admindir = join(root, 'var/lib/dpkg');
    const list = await readFile(join(admindir, 'info/hostname.list'));
    const result = await dpkgAnalyzer.analyze(inputOf('var/lib/dpkg/info/hostname.list', list), {});
    const expected = (await dpkgListFiles(admindir, 'hostname'))
      .map((path) => path.replace(/^\//, ''))
      .filter((p) => p !== '.');
    expect(result.ownedFiles).toEqual(expected);
  });

  it('reads licenses from a real machine-readable copyright file', async () => {
    const { root } = await debianFixture();
    const copyright = await readFile(join(root, 'usr/share/doc/hostname/copyright'));
    const result = await dpkgAnalyzer.analyze(inputOf('usr/share/doc/hostname/copyright', copyright), {});
    expect(result.facts).toEqual([
      {
        kind: 'package-licenses',
        ecosystem: 'deb',
        name: 'hostname',
        licenses: expect.arrayContaining([expect.any(String)]),
      },
    ]);
  });

  it('reads a distroless status.d laid out from the same .debs', async () => {
    const { distroless, debs } = await debianFixture();
    const statusD = join(distroless, 'var/lib/dpkg/status.d');
    const base = await dpkgAnalyzer.analyze(
      inputOf('var/lib/dpkg/status.d/hostname', await readFile(join(statusD, 'hostname'))),
      {},
    );
    expect(base.facts).toEqual([{ kind: 'dpkg-status-d' }]);
    const file = (await readdir(debs)).find((name) => name.startsWith('hostname_')) ?? '';
    // hostname_<version>_<arch>.deb: the package dpkg-deb --field described.
    const [, version, arch] = /^hostname_(.+)_([^_]+)\.deb$/.exec(file) ?? [];
    expect(base.packages.map((p) => [p.name, p.version, p.arch])).toEqual([['hostname', version, arch]]);
    const md5 = await dpkgAnalyzer.analyze(
      inputOf('var/lib/dpkg/status.d/hostname.md5sums', await readFile(join(statusD, 'hostname.md5sums'))),
      {},
    );
    expect(md5.ownedFiles).toContain('bin/hostname');
  });
});
