import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import { MAX_VERSION_LENGTH } from './compare-util.ts';
import { conformanceVersions } from './conformance-fixtures.ts';
import { versionComparators, type OsvEcosystemFamily } from './registry.ts';
import { semverComparator } from './semver.ts';
import type { VersionComparator } from './types.ts';

/** Per scheme: the ecosystem to take the comparator from, version-like tokens, and real versions as seeds. */
const SCHEMES: readonly (readonly [OsvEcosystemFamily, readonly string[], readonly string[]])[] = [
  [
    'Debian',
    ['0', '1', '9', '10', '00', '.', '+', '~', '-', ':', 'a', 'z', 'A', 'dfsg'],
    ['debian-versions-generated.txt'],
  ],
  [
    'Red Hat',
    ['0', '1', '9', '10', '.', '~', '^', '_', '+', '-', ':', 'a', 'el', 'Z', 'α'],
    ['redhat-versions.txt'],
  ],
  [
    'Alpine',
    [
      '0',
      '1',
      '9',
      '10',
      '01',
      '.',
      '_alpha',
      '_beta',
      '_pre',
      '_rc',
      '_cvs',
      '_git',
      '_p',
      'a',
      'z',
      '-r',
      '-',
      '~ab',
      'r',
      'x',
    ],
    ['alpine-versions.txt', 'alpine-versions-generated.txt'],
  ],
  [
    'npm',
    ['0', '1', '2', '10', '00', '.', '-', '+', 'alpha', 'beta', 'rc', 'A', 'x-y', 'v'],
    ['semver-versions.txt'],
  ],
  [
    'Go',
    ['0', '1', '2', '10', '.', '-', '+', 'incompatible', '20191109021931', 'daa7c04131f5', 'v'],
    ['semver-versions.txt'],
  ],
  ['Pub', ['0', '1', '2', '10', '.', '-', '+', 'pre', 'build', 'a', 'Z', 'v'], ['pub-versions.txt']],
  ['NuGet', ['0', '1', '2', '10', '01', '.', '-', '+', 'beta', 'BETA', 'rc', 'x'], ['nuget-versions.txt']],
  [
    'PyPI',
    [
      '0',
      '1',
      '10',
      '.',
      'a',
      'b',
      'rc',
      'c',
      'pre',
      'post',
      'dev',
      '-',
      '_',
      '+',
      'local',
      '!',
      'r',
      'v',
      ' ',
      'x',
    ],
    ['pypi-versions.txt', 'pypi-versions-generated.txt'],
  ],
  [
    'Maven',
    [
      '0',
      '1',
      '10',
      '.',
      '-',
      'alpha',
      'a',
      'b',
      'm',
      'beta',
      'milestone',
      'rc',
      'cr',
      'snapshot',
      'ga',
      'final',
      'release',
      'sp',
      'x',
      'foo',
    ],
    ['maven-versions.txt', 'maven-versions-generated.txt'],
  ],
  [
    'RubyGems',
    ['0', '1', '10', '.', '-', 'a', 'b', 'pre', 'rc', 'Z'],
    ['rubygems-versions.txt', 'rubygems-versions-generated.txt'],
  ],
  [
    'Packagist',
    [
      '0',
      '1',
      '10',
      '.',
      '-',
      '_',
      '+',
      'dev',
      'alpha',
      'a',
      'beta',
      'b',
      'RC',
      'rc',
      '#',
      'pl',
      'p',
      'patch',
      'foo',
      'v',
    ],
    ['packagist-versions.txt', 'packagist-versions-generated.txt'],
  ],
  ['CRAN', ['0', '1', '10', '.', '-'], ['cran-versions.txt', 'cran-versions-generated.txt']],
  ['Hackage', ['0', '1', '10', '.'], ['hackage-versions.txt']],
];

function accepts(comparator: VersionComparator, version: string): boolean {
  try {
    comparator.parse(version);
    return true;
  } catch (error) {
    if (isBosunError(error, 'VULNDB_VERSION_INVALID')) return false;
    throw error;
  }
}

function versionArbitrary(tokens: readonly string[], seeds: readonly string[]): fc.Arbitrary<string> {
  const fromTokens = fc.array(fc.constantFrom(...tokens), { maxLength: 10 }).map((t) => t.join(''));
  const seed = fc.constantFrom(...seeds);
  return fc.oneof(
    seed,
    fromTokens,
    fc.tuple(seed, fromTokens).map(([s, t]) => s + t),
    fc
      .tuple(seed, fc.nat(), fc.constantFrom(...tokens))
      .map(([s, i, t]) => s.slice(0, i % (s.length + 1)) + t),
  );
}

describe.each(SCHEMES)('%s comparator properties', (ecosystem, tokens, files) => {
  const comparator = versionComparators[ecosystem];
  const seeds = files.flatMap((f) => conformanceVersions(f));
  const valid = versionArbitrary(tokens, seeds).filter((v) => accepts(comparator, v));

  it('is reflexive and antisymmetric', () => {
    fc.assert(
      fc.property(valid, valid, (a, b) => {
        expect(comparator.compare(a, a)).toBe(0);
        expect(comparator.compare(a, b)).toBe(-comparator.compare(b, a) || 0);
      }),
      { numRuns: 500 },
    );
  });

  it('is transitive: a sorted list is ordered pairwise', () => {
    fc.assert(
      fc.property(fc.array(valid, { minLength: 3, maxLength: 25 }), (versions) => {
        const sorted = [...versions].sort(comparator.compare);
        for (let i = 0; i < sorted.length; i++) {
          for (let j = i + 1; j < sorted.length; j++) {
            expect(comparator.compare(sorted[i] ?? '', sorted[j] ?? '')).toBeLessThanOrEqual(0);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('parses any string to a value or a VULNDB_VERSION_INVALID BosunError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.string({ unit: 'grapheme', maxLength: 20 }),
          versionArbitrary(tokens, seeds),
        ),
        (s) => {
          accepts(comparator, s);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('rejects a version longer than the limit', () => {
    expect(() => comparator.parse('1'.repeat(MAX_VERSION_LENGTH + 1))).toThrow(
      expect.objectContaining({ code: 'VULNDB_VERSION_INVALID' }),
    );
  });
});

describe('semver comparator against npm semver', () => {
  const identifier = fc.oneof(
    fc.constantFrom('alpha', 'beta', 'rc', 'A', 'x-y', '0', '1', '2', '11'),
    fc.nat(30).map(String),
  );
  const valid = fc
    .tuple(
      fc.nat(12),
      fc.nat(12),
      fc.nat(12),
      fc.array(identifier, { maxLength: 3 }),
      fc.array(identifier, { maxLength: 2 }),
    )
    .map(
      ([a, b, c, pre, build]) =>
        `${a}.${b}.${c}${pre.length ? `-${pre.join('.')}` : ''}${build.length ? `+${build.join('.')}` : ''}`,
    )
    .filter((v) => semver.valid(v) !== null);

  it('agrees with semver.compare on valid SemVer', () => {
    fc.assert(
      fc.property(valid, valid, (a, b) => {
        expect(semverComparator.compare(a, b)).toBe(semver.compare(a, b));
      }),
      { numRuns: 3000 },
    );
  });
});
