import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { npmProject, type NpmTool } from '../../../../test/support/npm-projects.ts';
import { mutatedText, valueOrBosunError } from '../../../../test/support/parser-property.ts';
import type { Package } from '../../types.ts';
import { DEFAULT_LANG_LIMITS } from '../lang-common/limits.ts';
import { parseInstalledPackageJson } from './installed.ts';
import {
  isInstalledPackageJson,
  npmInstalledAnalyzer,
  npmLockAnalyzer,
  pnpmLockAnalyzer,
  yarnLockAnalyzer,
} from './npm.ts';
import { parsePackageLock } from './package-lock.ts';
import { parsePnpmLock } from './pnpm-lock.ts';
import { parseYarnLock } from './yarn-lock.ts';

const BABEL = 'pkg:npm/%40babel/helper-validator-identifier@7.10.4';
const ISNUM6 = 'pkg:npm/is-number@6.0.0';
const ISNUM7 = 'pkg:npm/is-number@7.0.0';
const ISODD = 'pkg:npm/is-odd@3.0.1';
const LODASH = 'pkg:npm/lodash@4.17.15';
const MINIMIST = 'pkg:npm/minimist@1.2.0';

/** What every tool must find in the fixture project, with edges and dev-only marks. */
const EXPECTED = [
  { purl: BABEL, dev: false, dependsOn: [] },
  { purl: ISNUM6, dev: true, dependsOn: [] },
  { purl: ISNUM7, dev: false, dependsOn: [] },
  { purl: ISODD, dev: true, dependsOn: [ISNUM6] },
  { purl: LODASH, dev: false, dependsOn: [] },
  { purl: MINIMIST, dev: false, dependsOn: [] },
];

function summary(packages: readonly Package[], withDev = true) {
  return packages.map((p) => ({
    purl: p.purl,
    ...(withDev ? { dev: p.dev === true } : {}),
    dependsOn: p.dependsOn ?? [],
  }));
}

/** name@version of every node in `npm ls --all --json`. */
function npmLsSet(tree: unknown): string[] {
  const out = new Set<string>();
  const walk = (deps: unknown): void => {
    if (typeof deps !== 'object' || deps === null) return;
    for (const [name, node] of Object.entries(
      deps as Record<string, { version?: string; dependencies?: unknown }>,
    )) {
      if (node.version !== undefined) out.add(`${name}@${node.version}`);
      walk(node.dependencies);
    }
  };
  walk((tree as { dependencies?: unknown }).dependencies);
  return [...out].sort();
}

const nameAtVersion = (packages: readonly Package[]): string[] =>
  packages.map((p) => `${p.name}@${p.version}`).sort();

function installedPackageJsons(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d)) {
      const full = join(d, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (isInstalledPackageJson(relative(dir, full))) out.push(full);
    }
  };
  walk(join(dir, 'node_modules'));
  return out;
}

describe('package-lock.json from real npm installs', () => {
  it.each(['npm-v1', 'npm-v2', 'npm-v3'] satisfies NpmTool[])('%s: packages, dev marks and edges', (tool) => {
    const dir = npmProject(tool);
    const text = readFileSync(join(dir, 'package-lock.json'), 'utf8');
    const packages = parsePackageLock(text, { path: 'app/package-lock.json' });
    expect(summary(packages)).toEqual(EXPECTED);
    expect(nameAtVersion(packages)).toEqual(
      npmLsSet(JSON.parse(readFileSync(join(dir, 'npm-ls.json'), 'utf8'))),
    );
    const babel = packages.find((p) => p.purl === BABEL);
    expect(babel).toMatchObject({ name: '@babel/helper-validator-identifier', namespace: 'babel' });
    expect(babel?.locations).toEqual([{ path: 'app/package-lock.json' }]);
  });

  it('v3 records licenses', () => {
    const text = readFileSync(join(npmProject('npm-v3'), 'package-lock.json'), 'utf8');
    const lodash = parsePackageLock(text, { path: 'package-lock.json' }).find((p) => p.purl === LODASH);
    expect(lodash?.licenses).toEqual(['MIT']);
  });

  it('installed node_modules/**/package.json match npm ls', () => {
    const dir = npmProject('npm-v3');
    const packages = installedPackageJsons(dir).flatMap((file) =>
      parseInstalledPackageJson(readFileSync(file, 'utf8'), { path: relative(dir, file) }),
    );
    expect(nameAtVersion(packages)).toEqual(
      npmLsSet(JSON.parse(readFileSync(join(dir, 'npm-ls.json'), 'utf8'))),
    );
    expect(packages.find((p) => p.name === 'lodash')?.licenses).toEqual(['MIT']);
  });
});

describe('yarn.lock from real yarn installs', () => {
  it.each(['yarn1', 'yarn4'] satisfies NpmTool[])(
    '%s: packages and edges (yarn records no dev marks)',
    (tool) => {
      const text = readFileSync(join(npmProject(tool), 'yarn.lock'), 'utf8');
      expect(summary(parseYarnLock(text, { path: 'yarn.lock' }), false)).toEqual(
        EXPECTED.map(({ purl, dependsOn }) => ({ purl, dependsOn })),
      );
    },
  );
});

describe('pnpm-lock.yaml from real pnpm installs', () => {
  it.each(['pnpm7', 'pnpm8', 'pnpm9'] satisfies NpmTool[])('%s: packages, dev marks and edges', (tool) => {
    const text = readFileSync(join(npmProject(tool), 'pnpm-lock.yaml'), 'utf8');
    expect(summary(parsePnpmLock(text, { path: 'pnpm-lock.yaml' }))).toEqual(EXPECTED);
  });
});

describe('package-lock.json edge cases (inline)', () => {
  it('skips the root, workspace folders and links; follows aliases; resolves nested scopes', () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': { name: 'root', version: '1.0.0' },
        'packages/a': { name: 'a', version: '0.1.0', dependencies: { b: '^1' } },
        'node_modules/a': { resolved: 'packages/a', link: true },
        'node_modules/b': { version: '1.0.0', dependencies: { c: '*' } },
        'node_modules/c': { version: '2.0.0' },
        'node_modules/b/node_modules/c': { version: '1.5.0', dev: true },
        'node_modules/alias': { name: 'real', version: '3.0.0' },
      },
    };
    expect(summary(parsePackageLock(JSON.stringify(lock), { path: 'package-lock.json' }))).toEqual([
      { purl: 'pkg:npm/b@1.0.0', dev: false, dependsOn: ['pkg:npm/c@1.5.0'] },
      { purl: 'pkg:npm/c@1.5.0', dev: true, dependsOn: [] },
      { purl: 'pkg:npm/c@2.0.0', dev: false, dependsOn: [] },
      { purl: 'pkg:npm/real@3.0.0', dev: false, dependsOn: [] },
    ]);
  });

  it('v1: aliases, git/file versions skipped, requires resolved up the tree', () => {
    const lock = {
      lockfileVersion: 1,
      dependencies: {
        x: { version: 'npm:y@1.0.0' },
        g: { version: 'github:user/repo#abc' },
        p: {
          version: '1.0.0',
          requires: { q: '^1' },
          dependencies: { r: { version: '1.0.0', requires: { q: '^1' } } },
        },
        q: { version: '1.1.0', dev: true },
      },
    };
    expect(summary(parsePackageLock(JSON.stringify(lock), { path: 'package-lock.json' }))).toEqual([
      { purl: 'pkg:npm/p@1.0.0', dev: false, dependsOn: ['pkg:npm/q@1.1.0'] },
      { purl: 'pkg:npm/q@1.1.0', dev: true, dependsOn: [] },
      { purl: 'pkg:npm/r@1.0.0', dev: false, dependsOn: ['pkg:npm/q@1.1.0'] },
      { purl: 'pkg:npm/y@1.0.0', dev: false, dependsOn: [] },
    ]);
  });

  it.each([
    ['not JSON', '{', 'INVENTORY_PARSE'],
    ['not an object', '[1]', 'INVENTORY_PARSE'],
  ])('%s → %s', (_name, text, code) => {
    expect(() => parsePackageLock(text, { path: 'package-lock.json' })).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it('limits package entries and v1 nesting', () => {
    const many = {
      lockfileVersion: 3,
      packages: { 'node_modules/a': { version: '1' }, 'node_modules/b': { version: '1' } },
    };
    const limits = { ...DEFAULT_LANG_LIMITS, maxPackages: 1, maxDepth: 2 };
    expect(() => parsePackageLock(JSON.stringify(many), { path: 'p' }, limits)).toThrow(
      expect.objectContaining({ code: 'INVENTORY_LIMIT' }),
    );
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 5; i++) deep = { [`d${i}`]: { version: '1.0.0', dependencies: deep } };
    expect(() =>
      parsePackageLock(
        JSON.stringify({ lockfileVersion: 1, dependencies: deep }),
        { path: 'p' },
        { ...limits, maxPackages: 100 },
      ),
    ).toThrow(expect.objectContaining({ code: 'INVENTORY_LIMIT' }));
  });
});

describe('yarn.lock edge cases (inline)', () => {
  it('v1: aliases, several descriptors, quoted scoped names, file: entries skipped', () => {
    const text = [
      '# yarn lockfile v1',
      '',
      '"@s/a@^1.0.0", "@s/a@^1.1.0":',
      '  version "1.2.0"',
      '  dependencies:',
      '    b "npm:c@^2"',
      '',
      'b@npm:c@^2:',
      '  version "2.0.1"',
      '',
      'local@file:../local:',
      '  version "0.0.1"',
      '',
    ].join('\n');
    expect(summary(parseYarnLock(text, { path: 'yarn.lock' }), false)).toEqual([
      { purl: 'pkg:npm/%40s/a@1.2.0', dependsOn: ['pkg:npm/c@2.0.1'] },
      { purl: 'pkg:npm/c@2.0.1', dependsOn: [] },
    ]);
  });

  it('berry: workspaces skipped, patches kept', () => {
    const text = [
      '__metadata:',
      '  version: 6',
      '',
      '"root@workspace:.":',
      '  version: 0.0.0-use.local',
      '  resolution: "root@workspace:."',
      '',
      '"resolve@patch:resolve@^1.20.0#~builtin<compat/resolve>":',
      '  version: 1.22.1',
      '  resolution: "resolve@patch:resolve@npm%3A1.22.1#~builtin<compat/resolve>::version=1.22.1"',
      '',
    ].join('\n');
    expect(summary(parseYarnLock(text, { path: 'yarn.lock' }), false)).toEqual([
      { purl: 'pkg:npm/resolve@1.22.1', dependsOn: [] },
    ]);
  });

  it('a v1 field outside an entry is a parse error', () => {
    expect(() => parseYarnLock('  version "1"\n', { path: 'yarn.lock' })).toThrow(
      expect.objectContaining({ code: 'INVENTORY_PARSE' }),
    );
  });
});

describe('pnpm-lock.yaml edge cases (inline)', () => {
  it('v6 peer suffixes and aliases; v9 dev-only derived from importers', () => {
    const v6 = [
      "lockfileVersion: '6.0'",
      'packages:',
      '  /a@1.0.0(react@18.0.0):',
      '    dependencies:',
      '      react: 18.0.0',
      '      b: /c@2.0.0',
      '    dev: false',
      '  /react@18.0.0:',
      '    dev: false',
      '  /c@2.0.0:',
      '    dev: true',
    ].join('\n');
    expect(summary(parsePnpmLock(v6, { path: 'pnpm-lock.yaml' }))).toEqual([
      { purl: 'pkg:npm/a@1.0.0', dev: false, dependsOn: ['pkg:npm/c@2.0.0', 'pkg:npm/react@18.0.0'] },
      { purl: 'pkg:npm/c@2.0.0', dev: true, dependsOn: [] },
      { purl: 'pkg:npm/react@18.0.0', dev: false, dependsOn: [] },
    ]);
  });

  it('invalid YAML is a parse error', () => {
    expect(() => parsePnpmLock('a: [', { path: 'pnpm-lock.yaml' })).toThrow(
      expect.objectContaining({ code: 'INVENTORY_PARSE' }),
    );
  });
});

describe('npm analyzers', () => {
  it.each([
    ['npm-installed', 'usr/lib/node_modules/npm/package.json', true],
    ['npm-installed', 'app/node_modules/@babel/core/package.json', true],
    ['npm-installed', 'app/node_modules/a/node_modules/b/package.json', true],
    ['npm-installed', 'app/node_modules/a/lib/package.json', false],
    ['npm-installed', 'app/node_modules/.bin/package.json', false],
    ['npm-installed', 'app/package.json', false],
    ['npm-lock', 'app/package-lock.json', true],
    ['npm-lock', 'npm-shrinkwrap.json', true],
    ['npm-lock', 'app/node_modules/x/package-lock.json', false],
    ['npm-lock', 'app/node_modules/.package-lock.json', false],
    ['yarn-lock', 'app/yarn.lock', true],
    ['pnpm-lock', 'app/pnpm-lock.yaml', true],
  ])('%s wants %s: %s', (id, path, expected) => {
    const analyzer = [npmInstalledAnalyzer, npmLockAnalyzer, yarnLockAnalyzer, pnpmLockAnalyzer].find(
      (a) => a.id === id,
    );
    expect(analyzer?.wants(path, { size: 100, type: 'file' })).toEqual(expected);
  });

  it('analyze() reports the layer and the lockfile kind', async () => {
    const bytes = readFileSync(join(npmProject('npm-v3'), 'package-lock.json'));
    const result = await npmLockAnalyzer.analyze(
      {
        path: 'app/package-lock.json',
        size: bytes.length,
        read: () => Promise.resolve(bytes),
        layerDigest: 'sha256:ab',
      },
      {},
    );
    expect(result.kind).toEqual('lockfile');
    expect(result.packages[0]?.locations).toEqual([
      { path: 'app/package-lock.json', layerDigest: 'sha256:ab' },
    ]);
  });
});

describe('npm parsers: a value or a BosunError, within limits', () => {
  const limits = { ...DEFAULT_LANG_LIMITS, maxPackages: 500, maxDepth: 16 };
  const seeds = (file: string, tool: NpmTool): string => readFileSync(join(npmProject(tool), file), 'utf8');
  it.each([
    [
      'package-lock v1',
      (t: string) => parsePackageLock(t, { path: 'p' }, limits),
      () => seeds('package-lock.json', 'npm-v1'),
    ],
    [
      'package-lock v3',
      (t: string) => parsePackageLock(t, { path: 'p' }, limits),
      () => seeds('package-lock.json', 'npm-v3'),
    ],
    ['yarn v1', (t: string) => parseYarnLock(t, { path: 'p' }, limits), () => seeds('yarn.lock', 'yarn1')],
    ['yarn berry', (t: string) => parseYarnLock(t, { path: 'p' }, limits), () => seeds('yarn.lock', 'yarn4')],
    [
      'pnpm v5',
      (t: string) => parsePnpmLock(t, { path: 'p' }, limits),
      () => seeds('pnpm-lock.yaml', 'pnpm7'),
    ],
    [
      'pnpm v9',
      (t: string) => parsePnpmLock(t, { path: 'p' }, limits),
      () => seeds('pnpm-lock.yaml', 'pnpm9'),
    ],
    [
      'package.json',
      (t: string) => parseInstalledPackageJson(t, { path: 'p' }),
      () => '{"name":"a","version":"1","license":{"type":"MIT"}}',
    ],
  ])('%s', (_name, parse, seed) => {
    fc.assert(
      fc.property(mutatedText(seed()), (text) => {
        const packages = valueOrBosunError(() => parse(text), ['INVENTORY_PARSE', 'INVENTORY_LIMIT']);
        if (packages !== undefined) expect(packages.length).toBeLessThanOrEqual(limits.maxPackages);
      }),
      { numRuns: 300 },
    );
  });
});
