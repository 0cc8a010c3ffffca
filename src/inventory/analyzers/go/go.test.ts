import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildElf } from '../../../../test/builders/elf.ts';
import { goElfInline, goElfPointers, wrapModInfo } from '../../../../test/builders/go-buildinfo.ts';
import { goAvailable, goFixture, type GoTarget } from '../../../../test/support/go-fixtures.ts';
import { mutatedBytes, mutatedText, valueOrBosunError } from '../../../../test/support/parser-property.ts';
import { DEFAULT_LANG_LIMITS } from '../lang-common/limits.ts';
import { readGoBuildInfo, type GoBuildInfo } from './buildinfo.ts';
import { goBinaryAnalyzer, goModAnalyzer } from './go.ts';
import { parseGoBinary } from './go-binary.ts';
import { parseGoMod } from './go-mod.ts';
import { goToolchainSemver } from './go-package.ts';

const loc = { path: 'usr/local/bin/app' };

/** Build info back in `go version -m` line form, to compare with the real tool's output. */
function asVersionMLines(info: GoBuildInfo): string[][] {
  const mod = (kind: string, m: { path: string; version: string; sum?: string }) => [
    kind,
    m.path,
    m.version,
    ...(m.sum === undefined ? [] : [m.sum]),
  ];
  const lines: string[][] = [];
  if (info.path !== undefined) lines.push(['path', info.path]);
  for (const m of [...(info.main ? [info.main] : []), ...info.deps]) {
    lines.push(mod(m === info.main ? 'mod' : 'dep', m));
    if (m.replace) lines.push(mod('=>', m.replace));
  }
  for (const [k, v] of info.settings) lines.push(['build', `${k}=${v}`]);
  return lines;
}

function parseVersionM(text: string): { goVersion: string; lines: string[][] } {
  const [first = '', ...rest] = text.trimEnd().split('\n');
  const lines = rest
    .map((l) => l.replace(/^\t/, '').split('\t'))
    .map((fields) => {
      while (fields.length > 0 && fields.at(-1) === '') fields.pop();
      return fields;
    })
    .filter((fields) => fields.length > 0);
  return { goVersion: first.slice(first.indexOf(': ') + 2), lines };
}

describe.runIf(goAvailable())('Go executables built by the real toolchain (golang-go)', () => {
  it.each(['amd64', '386', 's390x'] satisfies GoTarget[])(
    '%s: build info equals `go version -m`',
    (target) => {
      const { binary, versionM } = goFixture(target);
      const info = readGoBuildInfo(readFileSync(binary), binary);
      const expected = parseVersionM(readFileSync(versionM, 'utf8'));
      expect(info?.goVersion).toEqual(expected.goVersion);
      expect(asVersionMLines(info as GoBuildInfo)).toEqual(expected.lines);
    },
  );

  it('packages: directory-replaced dependency, stdlib, no (devel) main module', () => {
    const { binary } = goFixture('amd64');
    const info = readGoBuildInfo(readFileSync(binary), binary) as GoBuildInfo;
    const packages = parseGoBinary(readFileSync(binary), loc);
    expect(packages.map((p) => ({ purl: p.purl, properties: p.properties }))).toEqual([
      { purl: 'pkg:golang/github.com/google/uuid@v1.3.0', properties: { replacedBy: './third_party/uuid' } },
      {
        purl: `pkg:golang/stdlib@${goToolchainSemver(info.goVersion)}`,
        properties: { goToolchain: info.goVersion },
      },
    ]);
    expect(packages[0]).toMatchObject({
      name: 'github.com/google/uuid',
      ecosystem: 'golang',
      locations: [loc],
    });
  });

  it('finds the header by magic when section headers are gone', () => {
    const bytes = new Uint8Array(readFileSync(goFixture('amd64').binary));
    const view = new DataView(bytes.buffer);
    view.setBigUint64(40, 0n, true); // e_shoff
    view.setUint16(60, 0, true); // e_shnum
    view.setUint16(62, 0, true); // e_shstrndx
    expect(readGoBuildInfo(bytes, 'stripped')?.deps.map((d) => d.path)).toEqual(['github.com/google/uuid']);
  });

  it('the analyzer reads the binary and reports installed packages', async () => {
    const bytes = readFileSync(goFixture('amd64').binary);
    const result = await goBinaryAnalyzer.analyze(
      { path: 'app', size: bytes.length, read: () => Promise.resolve(bytes), diffId: 'sha256:cd' },
      {},
    );
    expect(result.kind).toEqual('installed');
    expect(result.packages[0]?.locations).toEqual([{ path: 'app', diffId: 'sha256:cd' }]);
  });
});

const MODINFO = [
  'path\texample.com/cmd/app',
  'mod\texample.com/app\tv1.2.3\th1:abc=',
  'dep\tgolang.org/x/net\tv0.0.1\th1:x=',
  '=>\tgithub.com/fork/net\tv0.0.2\th1:y=',
  'dep\tgolang.org/x/text\tv0.3.7\th1:z=',
  'build\t-ldflags=-s -w',
].join('\n');

describe('build info layouts (synthetic ELF from test/builders)', () => {
  it.each([
    ['Go ≥ 1.18 inline strings', goElfInline('go1.21.5', wrapModInfo(MODINFO))],
    ['Go < 1.18 pointers, ELF64 LE', goElfPointers('go1.16.15', wrapModInfo(MODINFO))],
    ['Go < 1.18 pointers, ELF32 LE', goElfPointers('go1.16.15', wrapModInfo(MODINFO), { bits: 32 })],
    [
      'Go < 1.18 pointers, ELF64 BE',
      goElfPointers('go1.16.15', wrapModInfo(MODINFO), { littleEndian: false }),
    ],
    [
      'inline, no section headers',
      goElfInline('go1.21.5', wrapModInfo(MODINFO), { withoutSectionHeaders: true }),
    ],
  ])('%s', (_name, bytes) => {
    const info = readGoBuildInfo(bytes, 'x');
    expect(info?.main).toEqual({ path: 'example.com/app', version: 'v1.2.3', sum: 'h1:abc=' });
    expect(info?.settings).toEqual([['-ldflags', '-s -w']]);
    expect(parseGoBinary(bytes, loc).map((p) => [p.purl, p.properties])).toEqual([
      ['pkg:golang/example.com/app@v1.2.3', { goMainModule: 'true' }],
      ['pkg:golang/github.com/fork/net@v0.0.2', { replaces: 'golang.org/x/net@v0.0.1' }],
      ['pkg:golang/golang.org/x/text@v0.3.7', undefined],
      [
        `pkg:golang/stdlib@${info?.goVersion === 'go1.21.5' ? 'v1.21.5' : 'v1.16.15'}`,
        { goToolchain: info?.goVersion },
      ],
    ]);
  });

  it('an ELF without Go build info, and a non-ELF, yield nothing', () => {
    expect(
      parseGoBinary(buildElf({ sections: [{ name: '.text', size: 4, fill: () => new Uint8Array(4) }] }), loc),
    ).toEqual([]);
    expect(parseGoBinary(new TextEncoder().encode('#!/bin/sh\necho hi\n'), loc)).toEqual([]);
  });

  it.each([
    ['go1.21.5', 'v1.21.5'],
    ['go1.19', 'v1.19.0'],
    ['go1.22rc1', 'v1.22.0-rc.1'],
    ['go1.20.1 X:boringcrypto', 'v1.20.1'],
    ['devel go1.23-abcdef', undefined],
  ])('toolchain %s → %s', (go, semver) => {
    expect(goToolchainSemver(go)).toEqual(semver);
  });
});

describe('go.mod', () => {
  const text = `module example.com/app

go 1.21

require github.com/a/b v1.0.0

require (
	github.com/c/d v0.2.0 // indirect
	"github.com/e/f" v1.1.0
	example.com/local v0.0.0
)

replace github.com/e/f v1.1.0 => github.com/fork/f v1.1.1

replace (
	example.com/local => ../local
)
`;
  it('require blocks, quoted paths, indirect, module and directory replacements', () => {
    expect(parseGoMod(text, { path: 'go.mod' }).map((p) => [p.purl, p.properties])).toEqual([
      ['pkg:golang/example.com/local@v0.0.0', { replacedBy: '../local' }],
      ['pkg:golang/github.com/a/b@v1.0.0', undefined],
      ['pkg:golang/github.com/c/d@v0.2.0', { indirect: 'true' }],
      ['pkg:golang/github.com/fork/f@v1.1.1', { replaces: 'github.com/e/f@v1.1.0' }],
    ]);
  });

  it.each([
    ['unterminated block', 'require (\n a v1\n'],
    ['malformed replace', 'replace a\n'],
  ])('%s → INVENTORY_PARSE', (_n, bad) => {
    expect(() => parseGoMod(bad, { path: 'go.mod' })).toThrow(
      expect.objectContaining({ code: 'INVENTORY_PARSE' }),
    );
  });

  it.each([
    ['app/go.mod', true],
    ['app/vendor/github.com/x/y/go.mod', false],
    ['root/go/pkg/mod/github.com/x/y@v1/go.mod', false],
  ])('go-mod wants %s: %s', (path, expected) => {
    expect(goModAnalyzer.wants(path, { size: 10, type: 'file' })).toEqual(expected);
  });
});

describe('go-binary wants()', () => {
  it.each([
    ['usr/local/bin/app', 2_000_000, true],
    ['ko-app/manager', 30_000_000, true],
    ['usr/bin/tiny', 100, false],
    ['usr/share/doc/x/copyright', 5_000, false],
    ['app/config.yaml', 5_000, false],
    ['usr/lib/x86_64-linux-gnu/libc.so.6', 2_000_000, false],
    ['opt/huge', 10 * 1024 * 1024 * 1024, false],
  ])('%s (%d bytes): %s', (path, size, expected) => {
    expect(goBinaryAnalyzer.wants(path, { size, type: 'file' })).toEqual(expected);
  });
});

describe('Go parsers: a value or a BosunError, within limits', () => {
  it('build info in mutated ELF files', () => {
    const seeds = [
      goElfInline('go1.21.5', wrapModInfo(MODINFO)),
      goElfPointers('go1.16', wrapModInfo(MODINFO), { bits: 32 }),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...seeds).chain(mutatedBytes), (bytes) => {
        valueOrBosunError(() => parseGoBinary(bytes, loc), ['INVENTORY_PARSE', 'INVENTORY_LIMIT']);
      }),
      { numRuns: 1000 },
    );
  });

  it('go.mod', () => {
    const limits = { ...DEFAULT_LANG_LIMITS, maxPackages: 200 };
    fc.assert(
      fc.property(
        mutatedText('module m\nrequire (\n a/b v1 // indirect\n)\nreplace a/b => c/d v2\n'),
        (t) => {
          const out = valueOrBosunError(
            () => parseGoMod(t, loc, limits),
            ['INVENTORY_PARSE', 'INVENTORY_LIMIT'],
          );
          if (out !== undefined) expect(out.length).toBeLessThanOrEqual(200);
        },
      ),
      { numRuns: 500 },
    );
  });
});
