import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedText, valueOrBosunError } from '../../../../test/support/parser-property.ts';
import { composerAvailable, composerProject } from '../../../../test/support/php-fixtures.ts';
import type { Package } from '../../types.ts';
import { DEFAULT_LANG_LIMITS } from '../lang-common/limits.ts';
import {
  composerInstalledAnalyzer,
  composerLockAnalyzer,
  parseComposerInstalled,
  parseComposerLock,
} from './composer.ts';

const loc = { path: 'app/composer.lock' };
const summary = (packages: Package[]) =>
  packages.map((p) => [p.purl, p.dev === true, p.dependsOn ?? [], p.licenses]);
const EXPECTED = [
  ['pkg:composer/monolog/monolog@1.25.1', false, ['pkg:composer/psr/log@1.1.0'], ['MIT']],
  ['pkg:composer/phpunit/phpunit@9.5.0', true, [], ['BSD-3-Clause']],
  ['pkg:composer/psr/log@1.1.0', false, [], ['MIT']],
];

describe.runIf(composerAvailable())(
  'composer.lock and installed.json written by Debian composer (offline, path repositories)',
  () => {
    it('composer.lock: packages and packages-dev', () => {
      expect(summary(parseComposerLock(readFileSync(composerProject().lock, 'utf8'), loc))).toEqual(EXPECTED);
    });
    it('vendor/composer/installed.json (Composer 2 form): dev-package-names', () => {
      expect(summary(parseComposerInstalled(readFileSync(composerProject().installed, 'utf8'), loc))).toEqual(
        EXPECTED,
      );
    });
  },
);

describe('composer (inline)', () => {
  it('installed.json Composer 1 form (a plain array; synthetic)', () => {
    const text = JSON.stringify([
      {
        name: 'symfony/yaml',
        version: 'v4.4.0',
        require: { php: '^7.1', 'symfony/polyfill-ctype': '~1.8' },
        license: ['MIT'],
      },
      { name: 'symfony/polyfill-ctype', version: 'v1.13.1' },
      { name: 'noslash', version: '1.0' },
    ]);
    expect(summary(parseComposerInstalled(text, loc))).toEqual([
      ['pkg:composer/symfony/polyfill-ctype@v1.13.1', false, [], []],
      ['pkg:composer/symfony/yaml@v4.4.0', false, ['pkg:composer/symfony/polyfill-ctype@v1.13.1'], ['MIT']],
    ]);
  });

  it.each([
    ['not JSON', '{'],
    ['a string', '"x"'],
  ])('%s → INVENTORY_PARSE', (_n, text) => {
    expect(() => parseComposerInstalled(text, loc)).toThrow(
      expect.objectContaining({ code: 'INVENTORY_PARSE' }),
    );
    expect(() => parseComposerLock(text, loc)).toThrow(expect.objectContaining({ code: 'INVENTORY_PARSE' }));
  });

  it.each([
    ['app/composer.lock', true, false],
    ['app/vendor/x/y/composer.lock', false, false],
    ['app/vendor/composer/installed.json', false, true],
  ])('%s', (path, lock, installed) => {
    expect(composerLockAnalyzer.wants(path, { size: 1, type: 'file' })).toEqual(lock);
    expect(composerInstalledAnalyzer.wants(path, { size: 1, type: 'file' })).toEqual(installed);
  });
});

describe('Composer parsers: a value or a BosunError, within limits', () => {
  const limits = { ...DEFAULT_LANG_LIMITS, maxPackages: 50 };
  it.each([
    [
      'composer.lock',
      (t: string) => parseComposerLock(t, loc, limits),
      '{"packages":[{"name":"a/b","version":"1","require":{"c/d":"*"}}],"packages-dev":[{"name":"c/d","version":"2"}]}',
    ],
    [
      'installed.json',
      (t: string) => parseComposerInstalled(t, loc, limits),
      '{"packages":[{"name":"a/b","version":"1"}],"dev":true,"dev-package-names":["a/b"]}',
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
