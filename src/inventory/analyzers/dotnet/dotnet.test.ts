import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedText, valueOrBosunError } from '../../../../test/support/parser-property.ts';
import type { Package } from '../../types.ts';
import { DEFAULT_LANG_LIMITS } from '../lang-common/limits.ts';
import { dotnetDepsAnalyzer, nugetLockAnalyzer, parseDepsJson, parseNugetLock } from './dotnet.ts';

// Synthetic: the .NET SDK is not packaged in Debian, so these files follow the formats the SDK
// writes (Microsoft.Extensions.DependencyModel deps.json; NuGet packages.lock.json v1).
const loc = { path: 'app/app.deps.json' };
const edges = (packages: Package[]) => packages.map((p) => [p.purl, p.dependsOn ?? []]);

const DEPS_JSON = JSON.stringify({
  runtimeTarget: { name: '.NETCoreApp,Version=v6.0', signature: '' },
  compilationOptions: {},
  targets: {
    '.NETCoreApp,Version=v6.0': {
      'app/1.0.0': {
        dependencies: { 'Newtonsoft.Json': '13.0.1', Lib: '1.0.0' },
        runtime: { 'app.dll': {} },
      },
      'Newtonsoft.Json/13.0.1': { runtime: { 'lib/netstandard2.0/Newtonsoft.Json.dll': {} } },
      'Serilog.Sinks.File/5.0.0': { dependencies: { Serilog: '2.10.0' } },
      'Serilog/2.10.0': {},
      'Lib/1.0.0': { dependencies: { Serilog: '2.10.0' } },
    },
  },
  libraries: {
    'app/1.0.0': { type: 'project', serviceable: false, sha512: '' },
    'Newtonsoft.Json/13.0.1': {
      type: 'package',
      serviceable: true,
      sha512: 'sha512-x',
      path: 'newtonsoft.json/13.0.1',
    },
    'Serilog.Sinks.File/5.0.0': { type: 'package', serviceable: true },
    'Serilog/2.10.0': { type: 'package', serviceable: true },
    'Lib/1.0.0': { type: 'project' },
  },
});

const LOCK = JSON.stringify({
  version: 1,
  dependencies: {
    'net6.0': {
      'Serilog.Sinks.File': {
        type: 'Direct',
        requested: '[5.0.0, )',
        resolved: '5.0.0',
        contentHash: 'x',
        dependencies: { Serilog: '2.10.0' },
      },
      Serilog: { type: 'Transitive', resolved: '2.10.0', contentHash: 'y' },
      lib: { type: 'Project', dependencies: { Serilog: '[2.10.0, )' } },
    },
  },
});

describe('.NET (synthetic inline)', () => {
  it('deps.json: package libraries only, edges from targets', () => {
    expect(edges(parseDepsJson(DEPS_JSON, loc))).toEqual([
      ['pkg:nuget/Newtonsoft.Json@13.0.1', []],
      ['pkg:nuget/Serilog.Sinks.File@5.0.0', ['pkg:nuget/Serilog@2.10.0']],
      ['pkg:nuget/Serilog@2.10.0', []],
    ]);
  });

  it('packages.lock.json: Direct and Transitive; Project skipped', () => {
    expect(edges(parseNugetLock(LOCK, loc))).toEqual([
      ['pkg:nuget/Serilog.Sinks.File@5.0.0', ['pkg:nuget/Serilog@2.10.0']],
      ['pkg:nuget/Serilog@2.10.0', []],
    ]);
  });

  it.each([
    ['deps.json', (t: string) => parseDepsJson(t, loc)],
    ['packages.lock.json', (t: string) => parseNugetLock(t, loc)],
  ])('%s: not an object → INVENTORY_PARSE', (_n, parse) => {
    expect(() => parse('[]')).toThrow(expect.objectContaining({ code: 'INVENTORY_PARSE' }));
  });

  it.each([
    ['app/app.deps.json', true, false],
    ['app/packages.lock.json', false, true],
    ['app/deps.json.bak', false, false],
  ])('%s', (path, deps, lock) => {
    expect(dotnetDepsAnalyzer.wants(path, { size: 1, type: 'file' })).toEqual(deps);
    expect(nugetLockAnalyzer.wants(path, { size: 1, type: 'file' })).toEqual(lock);
  });
});

describe('.NET parsers: a value or a BosunError, within limits', () => {
  const limits = { ...DEFAULT_LANG_LIMITS, maxPackages: 50 };
  it.each([
    ['deps.json', (t: string) => parseDepsJson(t, loc, limits), DEPS_JSON],
    ['packages.lock.json', (t: string) => parseNugetLock(t, loc, limits), LOCK],
  ])('%s', (_n, parse, seed) => {
    fc.assert(
      fc.property(mutatedText(seed), (t) => {
        valueOrBosunError(() => parse(t), ['INVENTORY_PARSE', 'INVENTORY_LIMIT']);
      }),
      { numRuns: 400 },
    );
  });
});
