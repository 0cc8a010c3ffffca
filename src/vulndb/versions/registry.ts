import { apkComparator } from './apk.ts';
import { composerComparator } from './composer.ts';
import { cranComparator, hackageComparator } from './cran.ts';
import { dpkgComparator } from './dpkg.ts';
import { mavenComparator } from './maven.ts';
import { pep440Comparator } from './pep440.ts';
import { rpmComparator } from './rpm.ts';
import { rubygemsComparator } from './rubygems.ts';
import { goComparator, nugetComparator, pubComparator, semverComparator } from './semver.ts';
import type { VersionComparator } from './types.ts';

/** OSV ecosystem names (the part before the first `:`) whose version order Bosun knows. */
export type OsvEcosystemFamily =
  | 'Debian'
  | 'Ubuntu'
  | 'Alpine'
  | 'Wolfi'
  | 'Chainguard'
  | 'Red Hat'
  | 'Rocky Linux'
  | 'AlmaLinux'
  | 'SUSE'
  | 'openSUSE'
  | 'Mageia'
  | 'openEuler'
  | 'Photon OS'
  | 'Azure Linux'
  | 'npm'
  | 'crates.io'
  | 'Hex'
  | 'Go'
  | 'Pub'
  | 'NuGet'
  | 'PyPI'
  | 'Maven'
  | 'RubyGems'
  | 'Packagist'
  | 'CRAN'
  | 'Hackage';

/** The explicit registry: every OSV ecosystem family and the comparator that orders its versions. */
export const versionComparators: Readonly<Record<OsvEcosystemFamily, VersionComparator>> = {
  Debian: dpkgComparator,
  Ubuntu: dpkgComparator,
  Alpine: apkComparator,
  Wolfi: apkComparator,
  Chainguard: apkComparator,
  'Red Hat': rpmComparator,
  'Rocky Linux': rpmComparator,
  AlmaLinux: rpmComparator,
  SUSE: rpmComparator,
  openSUSE: rpmComparator,
  Mageia: rpmComparator,
  openEuler: rpmComparator,
  'Photon OS': rpmComparator,
  'Azure Linux': rpmComparator,
  npm: semverComparator,
  'crates.io': semverComparator,
  Hex: semverComparator,
  Go: goComparator,
  Pub: pubComparator,
  NuGet: nugetComparator,
  PyPI: pep440Comparator,
  Maven: mavenComparator,
  RubyGems: rubygemsComparator,
  Packagist: composerComparator,
  CRAN: cranComparator,
  Hackage: hackageComparator,
};

/** The family of an OSV ecosystem string: `Debian:12` → `Debian`, `Ubuntu:22.04:LTS` → `Ubuntu`. */
export function ecosystemFamily(osvEcosystem: string): string {
  const colon = osvEcosystem.indexOf(':');
  return (colon < 0 ? osvEcosystem : osvEcosystem.slice(0, colon)).trim();
}

function isFamily(name: string): name is OsvEcosystemFamily {
  return Object.hasOwn(versionComparators, name);
}

/**
 * The comparator for an OSV `affected[].package.ecosystem` value such as `Debian:12`,
 * `Alpine:v3.19`, `Red Hat:enterprise_linux:9::appstream` or `npm`; `undefined` when Bosun does
 * not know the ecosystem's version order (the caller reports it, it is not an error).
 */
export function comparatorForEcosystem(osvEcosystem: string): VersionComparator | undefined {
  const family = ecosystemFamily(osvEcosystem);
  return isFamily(family) ? versionComparators[family] : undefined;
}
