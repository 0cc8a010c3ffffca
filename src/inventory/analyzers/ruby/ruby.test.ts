import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedText, valueOrBosunError } from '../../../../test/support/parser-property.ts';
import { bundlerCommand, gemfileLockFixture } from '../../../../test/support/ruby-fixtures.ts';
import { DEFAULT_LANG_LIMITS } from '../lang-common/limits.ts';
import { parseGemfileLock } from './gemfile-lock.ts';
import { parseGemspec } from './gemspec.ts';
import { gemfileLockAnalyzer, gemspecAnalyzer, isInstalledGemspec } from './ruby.ts';

const loc = { path: 'Gemfile.lock' };

function rubyAvailable(): boolean {
  try {
    execFileSync('ruby', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe.runIf(rubyAvailable())('installed gemspecs (Debian ruby) compared with RubyGems itself', () => {
  it('name, version and licenses of every installed specification', () => {
    const script =
      'require "json"; puts JSON.generate(Gem::Specification.map { |s| [s.loaded_from, s.name, s.version.to_s, s.licenses] })';
    const specs = JSON.parse(execFileSync('ruby', ['-e', script], { encoding: 'utf8' })) as [
      string,
      string,
      string,
      string[],
    ][];
    const files = specs.filter(([file]) => isInstalledGemspec(file.slice(1)));
    expect(files.length).toBeGreaterThan(30);
    for (const [file, name, version, licenses] of files) {
      const [pkg] = parseGemspec(readFileSync(file, 'utf8'), { path: file.slice(1) });
      expect([file, pkg?.name, pkg?.version, pkg?.licenses]).toEqual([
        file,
        name,
        version,
        [...new Set(licenses)],
      ]);
      expect(pkg?.purl).toEqual(`pkg:gem/${name}@${version}`);
    }
  });
});

describe.runIf(bundlerCommand() !== undefined)('Gemfile.lock from bundle lock --local', () => {
  it('specs and edges', () => {
    const packages = parseGemfileLock(readFileSync(gemfileLockFixture(), 'utf8'), loc);
    expect(packages.map((p) => [p.purl, p.dependsOn ?? []])).toEqual([
      ['pkg:gem/minitest@5.15.0', []],
      ['pkg:gem/power_assert@2.0.1', []],
      ['pkg:gem/rake@13.0.6', []],
      ['pkg:gem/test-unit@3.5.3', ['pkg:gem/power_assert@2.0.1']],
    ]);
  });
});

describe('gemspec and Gemfile.lock (inline)', () => {
  it.each([
    [
      'generated form',
      '# stub: rack 2.2.4 ruby lib\nGem::Specification.new do |s|\n  s.name = "rack".freeze\n  s.version = "2.2.4"\n  s.licenses = ["MIT".freeze]\nend\n',
      ['rack', '2.2.4', ['MIT']],
    ],
    [
      'old %q form, single license',
      'Gem::Specification.new do |s|\n  s.name = %q{json}\n  s.version = "1.8.6"\n  s.license = \'Ruby\'\nend\n',
      ['json', '1.8.6', ['Ruby']],
    ],
    ['stub line only', '# stub: foo 1.0.0 ruby lib\n', ['foo', '1.0.0', []]],
    [
      'Gem::Version.new',
      'Gem::Specification.new do |spec|\n  spec.name = "bar"\n  spec.version = Gem::Version.new("3.1")\nend\n',
      ['bar', '3.1', []],
    ],
  ])('%s', (_n, text, [name, version, licenses]) => {
    const [pkg] = parseGemspec(text, { path: 'x.gemspec' });
    expect([pkg?.name, pkg?.version, pkg?.licenses]).toEqual([name, version, licenses]);
  });

  it('never evaluates: code in the spec is just text', () => {
    expect(parseGemspec('system("rm -rf /")\n', { path: 'x.gemspec' })).toEqual([]);
  });

  it('Gemfile.lock: platforms split off, GIT kept, PATH skipped', () => {
    const text = [
      'GIT',
      '  remote: https://github.com/x/y.git',
      '  revision: abc',
      '  specs:',
      '    y (0.1.0)',
      '',
      'PATH',
      '  remote: .',
      '  specs:',
      '    myapp (1.0.0)',
      '',
      'GEM',
      '  remote: https://rubygems.org/',
      '  specs:',
      '    nokogiri (1.13.10-x86_64-linux)',
      '      racc (~> 1.4)',
      '    racc (1.6.2)',
      '    rails (7.0.4.pre)',
      '',
      'PLATFORMS',
      '  x86_64-linux',
    ].join('\n');
    expect(parseGemfileLock(text, loc).map((p) => [p.purl, p.dependsOn ?? [], p.properties ?? {}])).toEqual([
      ['pkg:gem/nokogiri@1.13.10', ['pkg:gem/racc@1.6.2'], { gemPlatform: 'x86_64-linux' }],
      ['pkg:gem/racc@1.6.2', [], {}],
      ['pkg:gem/rails@7.0.4.pre', [], {}],
      ['pkg:gem/y@0.1.0', [], {}],
    ]);
  });

  it.each([
    ['usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec', true, false],
    ['usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec', true, false],
    ['app/foo.gemspec', false, false],
    ['app/Gemfile.lock', false, true],
  ])('%s', (path, spec, lock) => {
    expect(gemspecAnalyzer.wants(path, { size: 1, type: 'file' })).toEqual(spec);
    expect(gemfileLockAnalyzer.wants(path, { size: 1, type: 'file' })).toEqual(lock);
  });
});

describe('Ruby parsers: a value or a BosunError, within limits', () => {
  it.each([
    [
      'gemspec',
      (t: string) => parseGemspec(t, loc),
      '# stub: a 1 ruby lib\nGem::Specification.new do |s|\n  s.name = "a".freeze\n  s.licenses = ["MIT".freeze]\nend\n',
    ],
    [
      'Gemfile.lock',
      (t: string) => parseGemfileLock(t, loc, { ...DEFAULT_LANG_LIMITS, maxPackages: 100 }),
      'GEM\n  specs:\n    a (1.0-java)\n      b\n    b (2)\n',
    ],
  ])('%s', (_n, parse, seed) => {
    fc.assert(
      fc.property(mutatedText(seed), (t) => {
        valueOrBosunError(() => parse(t), ['INVENTORY_PARSE', 'INVENTORY_LIMIT']);
      }),
      { numRuns: 400 },
    );
  });
});

describe('Ruby parsers stay linear on hostile sizes', () => {
  it('megabytes of blank lines and one huge spec line', () => {
    expect(parseGemspec('\n'.repeat(2_000_000), loc)).toEqual([]);
    const huge = `GEM\n  specs:\n    a (${'1-x86'.repeat(400_000)})\n`;
    expect(parseGemfileLock(huge, loc)).toEqual([]);
  });
});
