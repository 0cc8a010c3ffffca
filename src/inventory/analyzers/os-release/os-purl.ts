/**
 * Package URLs for OS packages. Analyzers see one file at a time and so do not know the OS: they
 * build purls with a default namespace (`debian`, `alpine`, none for rpm) and the merge step calls
 * `applyOs` once the OS is resolved, which sets the namespace from the OS family and adds the
 * `distro` qualifier (`pkg:deb/ubuntu/bash@5.1-6ubuntu1?arch=amd64&distro=ubuntu-22.04`).
 */
import { PackageURL } from 'packageurl-js';
import type { OsInfo, Package } from '../../types.ts';

export interface OsPurlParts {
  readonly type: 'deb' | 'apk' | 'rpm';
  readonly namespace?: string;
  readonly name: string;
  /** The purl version: deb keeps the epoch in it; rpm passes `version-release` and the epoch apart. */
  readonly version: string;
  readonly arch?: string;
  readonly epoch?: string;
  readonly distro?: string;
}

export function buildOsPurl(parts: OsPurlParts): string {
  const qualifiers: Record<string, string> = {};
  if (parts.arch !== undefined && parts.arch !== '') qualifiers['arch'] = parts.arch;
  if (parts.epoch !== undefined && parts.epoch !== '' && parts.epoch !== '0')
    qualifiers['epoch'] = parts.epoch;
  if (parts.distro !== undefined && parts.distro !== '') qualifiers['distro'] = parts.distro;
  return new PackageURL(
    parts.type,
    parts.namespace,
    parts.name,
    parts.version,
    qualifiers,
    undefined,
  ).toString();
}

/** purl namespace (vendor) for an OS family: the purl spec's examples use `redhat`, `opensuse`. */
const NAMESPACE_BY_FAMILY: Readonly<Record<string, string>> = {
  distroless: 'debian',
  rhel: 'redhat',
  'opensuse-leap': 'opensuse',
  'opensuse-tumbleweed': 'opensuse',
  sles: 'suse',
  amzn: 'amazon',
};

/** The purl namespace for packages of this OS, or undefined for `unknown`. */
export function osNamespace(os: OsInfo): string | undefined {
  if (os.family === 'unknown') return undefined;
  return NAMESPACE_BY_FAMILY[os.family] ?? os.family;
}

/** The `distro` qualifier: `<os-release ID>-<version>` (`debian-12`, `alpine-3.19.1`), or the codename. */
export function osDistroQualifier(os: OsInfo): string | undefined {
  const id = os.id ?? (os.family === 'distroless' ? 'debian' : os.family);
  if (os.family === 'unknown') return undefined;
  if (os.version !== undefined) return `${id}-${os.version}`;
  return os.codename === undefined ? undefined : `${id}-${os.codename}`;
}

/**
 * Re-stamp OS packages (deb, apk, rpm) with the resolved OS: namespace and `distro` qualifier.
 * Other ecosystems pass through untouched. Unknown OS keeps what the analyzer wrote.
 */
export function applyOs(packages: readonly Package[], os: OsInfo): Package[] {
  const namespace = osNamespace(os);
  const distro = osDistroQualifier(os);
  if (namespace === undefined) return [...packages];
  return packages.map((pkg) => {
    if (pkg.ecosystem !== 'deb' && pkg.ecosystem !== 'apk' && pkg.ecosystem !== 'rpm') return pkg;
    const parsed = PackageURL.fromString(pkg.purl);
    const qualifiers: Record<string, string> = { ...(parsed.qualifiers ?? {}) };
    if (distro !== undefined) qualifiers['distro'] = distro;
    const purl = new PackageURL(
      parsed.type,
      namespace,
      parsed.name,
      parsed.version,
      qualifiers,
      undefined,
    ).toString();
    return { ...pkg, namespace, purl };
  });
}
