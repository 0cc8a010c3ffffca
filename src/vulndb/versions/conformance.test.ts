import { describe, expect, it } from 'vitest';
import { listConformanceFiles, readConformanceFile } from './conformance-fixtures.ts';
import { versionComparators, type OsvEcosystemFamily } from './registry.ts';
import type { Ordering } from './types.ts';

/**
 * Every line of every shared conformance file must hold for the comparator of its ecosystem,
 * in both directions. A line Bosun cannot hold is listed here by its exact text with a reason.
 */
const SUITES: readonly (readonly [file: string, ecosystem: OsvEcosystemFamily])[] = [
  ['alpine-versions.txt', 'Alpine'],
  ['alpine-versions-generated.txt', 'Alpine'],
  ['cran-versions.txt', 'CRAN'],
  ['cran-versions-generated.txt', 'CRAN'],
  ['debian-versions.txt', 'Debian'],
  ['debian-versions-generated.txt', 'Debian'],
  ['hackage-versions.txt', 'Hackage'],
  ['maven-versions.txt', 'Maven'],
  ['maven-versions-generated.txt', 'Maven'],
  ['nuget-versions.txt', 'NuGet'],
  ['packagist-versions.txt', 'Packagist'],
  ['packagist-versions-generated.txt', 'Packagist'],
  ['pub-versions.txt', 'Pub'],
  ['pypi-versions.txt', 'PyPI'],
  ['pypi-versions-generated.txt', 'PyPI'],
  ['redhat-versions.txt', 'Red Hat'],
  ['rubygems-versions.txt', 'RubyGems'],
  ['rubygems-versions-generated.txt', 'RubyGems'],
  ['semver-versions.txt', 'npm'],
  ['semver-versions.txt', 'crates.io'],
  ['semver-versions.txt', 'Hex'],
  ['semver-versions.txt', 'Go'],
];

function MAVEN_CYCLE(chain: string): string {
  return (
    `Maven's own answer here closes a cycle (Maven also says ${chain}), because ComparableVersion ` +
    'ranks a number above any sub-list regardless of what follows the number; no total order can hold ' +
    'all three, and Bosun keeps the two that compare with the release.'
  );
}

/** file → exact line → why Bosun orders it differently. Keep this short; each entry is checked to still fail. */
const EXCEPTIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'alpine-versions.txt': {
    '1-ruff2 = 1--ruff1':
      'apk-tools disagrees with itself here (the file notes 2.x and 3.x give opposite answers); ' +
      'equality would make the order intransitive, so Bosun sorts a version whose tail apk cannot parse ' +
      'after one whose tail follows a valid -rN, and unparseable tails among themselves by string.',
  },
  'maven-versions.txt': {
    '1-1 = 1-ga-1':
      'Bosun follows the classic maven-artifact ComparableVersion (which holds all 14,752 generated Maven ' +
      'pairs): "ga" inside a sub-list is an empty qualifier item, so 1-ga-1 sorts after 1-1. Newer Maven ' +
      'releases changed the parsing of qualifiers followed by -digits to make these equal.',
  },
  'maven-versions-generated.txt': {
    '1.0.0-gradle-rework-beta3 < 1.0.0.RC7-3': MAVEN_CYCLE('1.0.0.RC7-3 < 1.0.0 < 1.0.0-gradle-rework-beta3'),
    '2.9.0-1 < 2.9.0.RC1': MAVEN_CYCLE('2.9.0.RC1 < 2.9.0 < 2.9.0-1'),
    '1.1.0-01-glassfish < 1.1.0.Beta1': MAVEN_CYCLE('1.1.0.Beta1 < 1.1.0 < 1.1.0-01-glassfish'),
  },
  'packagist-versions.txt': {
    '1.2.3.# = 1.2.3.1':
      'PHP version_compare treats "#" as equal to every number, which is not transitive: the same file also ' +
      'asks 1.2.3.# = 1.2.3, and 1.2.3 < 1.2.3.1. Bosun reads "#" as a separator (as PHP canonicalises ' +
      'punctuation), so 1.2.3.# = 1.2.3 < 1.2.3.1.',
  },
};

function describeOrdering(o: Ordering | string): string {
  return o === -1 ? '<' : o === 0 ? '=' : o === 1 ? '>' : String(o);
}

function evaluate(compare: (a: string, b: string) => Ordering, a: string, b: string): Ordering | string {
  try {
    return compare(a, b);
  } catch (error) {
    return `threw ${(error as { code?: string }).code ?? String(error)}`;
  }
}

describe('version conformance vectors (shared/conformance/versions)', () => {
  it('covers every conformance file', () => {
    expect([...new Set(SUITES.map(([file]) => file))].sort()).toEqual(listConformanceFiles());
  });

  it.each(SUITES)('%s holds for %s', (file, ecosystem) => {
    const comparator = versionComparators[ecosystem];
    const exceptions = EXCEPTIONS[file] ?? {};
    const failures: string[] = [];
    const excused: string[] = [];
    const lines = readConformanceFile(file);
    for (const line of lines) {
      const forward = evaluate(comparator.compare, line.a, line.b);
      const backward = evaluate(comparator.compare, line.b, line.a);
      const reverse = line.expected === 0 ? 0 : line.expected === 1 ? -1 : 1;
      const holds = forward === line.expected && backward === reverse;
      if (line.text in exceptions) {
        if (!holds) excused.push(line.text);
        continue;
      }
      if (!holds) {
        failures.push(
          `${file}:${line.lineNumber} ${line.text}: got ${describeOrdering(forward)} / reverse ${describeOrdering(backward)}`,
        );
      }
    }
    expect(failures).toEqual([]);
    // An exception that now holds must be removed from the list.
    expect(excused.sort()).toEqual(Object.keys(exceptions).sort());
    expect(lines.length).toBeGreaterThan(0);
  });
});
