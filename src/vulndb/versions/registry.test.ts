import { describe, expect, it } from 'vitest';
import { comparatorForEcosystem, ecosystemFamily, versionComparators } from './registry.ts';

describe('version comparator registry', () => {
  it.each([
    ['Debian:12', 'dpkg'],
    ['Ubuntu:22.04:LTS', 'dpkg'],
    ['Ubuntu:Pro:18.04:LTS', 'dpkg'],
    ['Alpine:v3.19', 'apk'],
    ['Wolfi', 'apk'],
    ['Chainguard', 'apk'],
    ['Red Hat:enterprise_linux:9::appstream', 'rpm'],
    ['Rocky Linux:9', 'rpm'],
    ['AlmaLinux:9', 'rpm'],
    ['SUSE:Linux Enterprise Server 15 SP5', 'rpm'],
    ['openSUSE:Tumbleweed', 'rpm'],
    ['Photon OS:3.0', 'rpm'],
    ['npm', 'semver'],
    ['crates.io', 'semver'],
    ['Hex', 'semver'],
    ['Go', 'go'],
    ['Pub', 'pub'],
    ['NuGet', 'nuget'],
    ['PyPI', 'pep440'],
    ['Maven', 'maven'],
    ['Maven:https://repo.maven.apache.org/maven2', 'maven'],
    ['RubyGems', 'rubygems'],
    ['Packagist', 'composer'],
    ['Packagist:https://packages.drupal.org/8', 'composer'],
    ['CRAN', 'cran'],
    ['Hackage', 'hackage'],
  ])('%s → %s', (ecosystem, scheme) => {
    expect(comparatorForEcosystem(ecosystem)?.id).toBe(scheme);
  });

  it.each(['GIT', 'OSS-Fuzz', 'debian:12', '', 'constructor', '__proto__'])(
    'has no comparator for %j',
    (ecosystem) => {
      expect(comparatorForEcosystem(ecosystem)).toBeUndefined();
    },
  );

  it('names the family before the first colon', () => {
    expect(ecosystemFamily('Ubuntu:22.04:LTS')).toBe('Ubuntu');
    expect(ecosystemFamily('npm')).toBe('npm');
  });

  it.each(Object.entries(versionComparators))(
    '%s orders a version equal to itself',
    (_family, comparator) => {
      expect(comparator.compare('1.0', '1.0')).toBe(0);
      expect(comparator.compare('1.0', '2.0')).toBe(-1);
    },
  );
});
