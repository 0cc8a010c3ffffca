import type { OsInfo, Package } from '../../inventory/index.ts';
import { normalizePackageName } from '../db/package-name.ts';

/** One DB lookup for a package: the OSV family and name to find, the version to compare, which ecosystem strings apply. */
export interface PackageQuery {
  readonly family: string;
  readonly name: string;
  readonly version: string;
  /** Whether an `affected[].package.ecosystem` string (e.g. `Debian:12`) applies to this image. */
  readonly accepts: (ecosystem: string) => boolean;
  /**
   * When `accepts` takes exactly these ecosystem strings and no others: the DB then skips rows of
   * other releases (a Debian source package has rows for every release) before they are read.
   */
  readonly ecosystems?: readonly string[];
  /** A distro package: the distro's records decide, and its rating wins. */
  readonly distro: boolean;
}

/** Language purl types and the OSV ecosystem their advisories use. */
const LANGUAGE_FAMILIES: Readonly<Record<string, string>> = {
  npm: 'npm',
  pypi: 'PyPI',
  golang: 'Go',
  maven: 'Maven',
  cargo: 'crates.io',
  gem: 'RubyGems',
  composer: 'Packagist',
  nuget: 'NuGet',
};

/**
 * The lookups for one package, or a reason it cannot be matched. Distro packages are looked up
 * in their distro's release (the ecosystem string OSV builds from the OS: `Debian:12`,
 * `Ubuntu:22.04:LTS`, `Alpine:v3.19`, `Rocky Linux:9`...) by source package where the distro's
 * data is keyed by source (Debian, Ubuntu, Alpine origin, Rocky/Alma/SUSE source rpm).
 */
export function packageQueries(
  pkg: Package,
  os: OsInfo | undefined,
): PackageQuery[] | { readonly unsupported: string } {
  const language = LANGUAGE_FAMILIES[pkg.ecosystem];
  if (language !== undefined) {
    return [
      {
        family: language,
        name: normalizePackageName(language, pkg.name),
        version: pkg.version,
        // `Maven:<repo-url>` and `Packagist:<repo-url>` scope a record to another repository of the same ecosystem.
        accepts: (ecosystem) => ecosystem === language || ecosystem.startsWith(`${language}:`),
        distro: false,
      },
    ];
  }
  if (os === undefined || os.family === 'unknown')
    return { unsupported: `${pkg.ecosystem} package without a known OS` };
  const distro = distroOf(os);
  if (distro === undefined)
    return {
      unsupported: `no OSV data for OS ${os.family}${os.version === undefined ? '' : ` ${os.version}`}`,
    };
  const bySource = pkg.sourceName !== undefined && pkg.sourceName !== '';
  const source: PackageQuery = {
    family: distro.family,
    name: normalizePackageName(distro.family, bySource ? (pkg.sourceName as string) : pkg.name),
    version:
      bySource && pkg.sourceVersion !== undefined && pkg.sourceVersion !== ''
        ? pkg.sourceVersion
        : pkg.version,
    accepts: distro.accepts,
    ...(distro.ecosystems === undefined ? {} : { ecosystems: distro.ecosystems }),
    distro: true,
  };
  // Red Hat's records name binary or source rpms: look up both.
  if (distro.family === 'Red Hat' && bySource && pkg.sourceName !== pkg.name) {
    return [source, { ...source, name: pkg.name, version: pkg.version }];
  }
  return [source];
}

interface Distro {
  readonly family: string;
  readonly accepts: (ecosystem: string) => boolean;
  readonly ecosystems?: readonly string[];
}

function distroOf(os: OsInfo): Distro | undefined {
  const version = os.version ?? '';
  const major = /^\d+/.exec(version)?.[0];
  const majorMinor = /^\d+\.\d+/.exec(version)?.[0];
  switch (os.family) {
    case 'debian':
    case 'distroless':
      return major === undefined ? undefined : exact('Debian', [`Debian:${major}`]);
    case 'ubuntu':
      // OSV: `Ubuntu:<YY.MM>` with a mandatory `:LTS` suffix on LTS releases; Pro (ESM) streams are other packages.
      return majorMinor === undefined
        ? undefined
        : exact('Ubuntu', [`Ubuntu:${majorMinor}`, `Ubuntu:${majorMinor}:LTS`]);
    case 'alpine':
      return majorMinor === undefined ? undefined : exact('Alpine', [`Alpine:v${majorMinor}`]);
    case 'wolfi':
      return exact('Wolfi', ['Wolfi']);
    case 'chainguard':
      return exact('Chainguard', ['Chainguard']);
    case 'rocky':
      return major === undefined ? undefined : exact('Rocky Linux', ['Rocky Linux', `Rocky Linux:${major}`]);
    case 'almalinux':
      return major === undefined ? undefined : exact('AlmaLinux', ['AlmaLinux', `AlmaLinux:${major}`]);
    case 'rhel':
      return major === undefined
        ? undefined
        : { family: 'Red Hat', accepts: (ecosystem) => redHatStream(ecosystem, major) };
    case 'photon':
      return majorMinor === undefined ? undefined : exact('Photon OS', [`Photon OS:${majorMinor}`]);
    case 'sles':
      return os.prettyName === undefined ? undefined : exact('SUSE', [`SUSE:${os.prettyName}`]);
    case 'opensuse-leap':
      return os.prettyName === undefined ? undefined : exact('openSUSE', [`openSUSE:${os.prettyName}`]);
    default:
      return undefined;
  }
}

function exact(family: string, ecosystems: readonly string[]): Distro {
  return { family, accepts: (ecosystem) => ecosystems.includes(ecosystem), ecosystems };
}

/** `Red Hat:enterprise_linux:9::appstream`, `Red Hat:rhel_eus:9.2::baseos`: a RHEL stream of that major release. */
function redHatStream(ecosystem: string, major: string): boolean {
  const parts = ecosystem.split(':');
  const product = parts[1] ?? '';
  const release = parts[2] ?? '';
  return (
    (product === 'enterprise_linux' || product.startsWith('rhel_')) &&
    (release === major || release.startsWith(`${major}.`))
  );
}
