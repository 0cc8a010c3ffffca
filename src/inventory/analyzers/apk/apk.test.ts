import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedText, valueOrBosunError } from '../../../../test/support/parser-property.ts';
import { parseApkInstalled } from './apk-installed.ts';
import { apkAnalyzer } from './apk.ts';

// Debian has no apk-tools package, so this is text as Alpine 3.19's apk writes it (trimmed:
// checksums, sizes and most files dropped). The field letters are apk-tools' own.
const INSTALLED = `C:Q1OVy4hv/6CWlhFaTahLE/UMphk3w=
P:musl
V:1.2.4_git20230717-r4
A:x86_64
S:407169
I:662528
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Timo Teräs <timo.teras@iki.fi>
t:1701253262
c:1a68ed5a1d2d8fd6c9f6ae43c2d13aa0f4c9b4e1
p:so:libc.musl-x86_64.so.1=1
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1fcV9P1zcF7nRVRW/FsxnbCUEh/I=
R:libc.musl-x86_64.so.1
a:0:0:777
Z:Q17yJ3JFNypA4mxhJJr0ou6CzsJVI=

C:Q1lZDBqH7ZeJEpVvLWqPhYGT7A8rs=
P:libcrypto3
V:3.1.4-r5
A:x86_64
L:Apache-2.0
o:openssl
c:bb9b80b5c4b96d8df14b1d3a4c6e8e0e4bbd59c2
D:so:libc.musl-x86_64.so.1
F:lib
R:libcrypto.so.3
F:usr/lib/engines-3
R:afalg.so
R:loader_attic.so

P:alpine-baselayout-data
V:3.4.3-r2
A:x86_64
L:GPL-2.0-only
o:alpine-baselayout
F:etc
R:fstab
R:group
`;

const LOCATION = { path: 'lib/apk/db/installed', layerDigest: 'sha256:' + 'c'.repeat(64) };

describe('apk installed database', () => {
  it('reads packages and the files they own', () => {
    const { packages, ownedFiles } = parseApkInstalled(INSTALLED, LOCATION);
    expect(packages).toEqual([
      {
        ecosystem: 'apk',
        name: 'musl',
        version: '1.2.4_git20230717-r4',
        sourceName: 'musl',
        sourceVersion: '1.2.4_git20230717-r4',
        arch: 'x86_64',
        namespace: 'alpine',
        licenses: ['MIT'],
        purl: 'pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64',
        locations: [LOCATION],
        osOwned: true,
        properties: { commit: '1a68ed5a1d2d8fd6c9f6ae43c2d13aa0f4c9b4e1' },
      },
      {
        ecosystem: 'apk',
        name: 'libcrypto3',
        version: '3.1.4-r5',
        sourceName: 'openssl',
        sourceVersion: '3.1.4-r5',
        arch: 'x86_64',
        namespace: 'alpine',
        licenses: ['Apache-2.0'],
        purl: 'pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64',
        locations: [LOCATION],
        osOwned: true,
        properties: { commit: 'bb9b80b5c4b96d8df14b1d3a4c6e8e0e4bbd59c2' },
      },
      {
        ecosystem: 'apk',
        name: 'alpine-baselayout-data',
        version: '3.4.3-r2',
        sourceName: 'alpine-baselayout',
        sourceVersion: '3.4.3-r2',
        arch: 'x86_64',
        namespace: 'alpine',
        licenses: ['GPL-2.0-only'],
        purl: 'pkg:apk/alpine/alpine-baselayout-data@3.4.3-r2?arch=x86_64',
        locations: [LOCATION],
        osOwned: true,
      },
    ]);
    expect(ownedFiles).toEqual([
      'lib/ld-musl-x86_64.so.1',
      'lib/libc.musl-x86_64.so.1',
      'lib/libcrypto.so.3',
      'usr/lib/engines-3/afalg.so',
      'usr/lib/engines-3/loader_attic.so',
      'etc/fstab',
      'etc/group',
    ]);
  });

  it('skips a paragraph without a version and resets the directory per package', () => {
    const { packages, ownedFiles } = parseApkInstalled(
      'P:broken\nF:opt\nR:a\n\nP:ok\nV:1-r0\nR:top\n',
      LOCATION,
    );
    expect(packages.map((p) => p.name)).toEqual(['ok']);
    expect(ownedFiles).toEqual(['opt/a', 'top']);
  });

  it.each([['garbage line\n'], ['P:x\nV 1\n'], ['::\n']])('rejects %j', (text) => {
    expect(() => parseApkInstalled(text, LOCATION)).toThrow(
      expect.objectContaining({ code: 'INVENTORY_PARSE' }),
    );
  });

  it('enforces package and file limits', () => {
    expect(() =>
      parseApkInstalled('P:a\nV:1\n\nP:b\nV:1\n', LOCATION, { maxPackages: 1, maxFiles: 10 }),
    ).toThrow(expect.objectContaining({ code: 'INVENTORY_LIMIT' }));
    expect(() =>
      parseApkInstalled('P:a\nV:1\nR:x\nR:y\n', LOCATION, { maxPackages: 1, maxFiles: 1 }),
    ).toThrow(expect.objectContaining({ code: 'INVENTORY_LIMIT' }));
  });

  it.each([
    ['lib/apk/db/installed', true],
    ['usr/lib/apk/db/installed', true],
    ['lib/apk/db/triggers', false],
    ['etc/apk/world', false],
  ])('wants(%s) = %s', (path, expected) => {
    expect(apkAnalyzer.wants(path, { size: 10, type: 'file' })).toEqual(expected);
  });

  it('analyzes a wanted file', async () => {
    const bytes = new TextEncoder().encode(INSTALLED);
    const result = await apkAnalyzer.analyze(
      { path: 'lib/apk/db/installed', size: bytes.byteLength, read: async () => bytes },
      {},
    );
    expect(result.packages.map((p) => p.name)).toEqual(['musl', 'libcrypto3', 'alpine-baselayout-data']);
    expect(result.ownedFiles).toHaveLength(7);
  });

  it('is a value or a BosunError on random and mutated text (property)', () => {
    fc.assert(
      fc.property(mutatedText(INSTALLED), (text) => {
        const parsed = valueOrBosunError(
          () => parseApkInstalled(text, LOCATION, { maxPackages: 20, maxFiles: 100 }),
          ['INVENTORY_PARSE', 'INVENTORY_LIMIT'],
        );
        if (parsed !== undefined) {
          expect(parsed.packages.length).toBeLessThanOrEqual(20);
          expect(parsed.ownedFiles.length).toBeLessThanOrEqual(100);
        }
      }),
      { numRuns: 500 },
    );
  });
});
