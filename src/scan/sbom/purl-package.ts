/**
 * A `Package` from a purl read out of an SBOM: the purl type names the ecosystem, and the name is
 * rebuilt the way that ecosystem's advisories write it (`@scope/name`, `group:artifact`, module
 * path, `vendor/name`). OS package versions keep their epoch as the analyzers write them.
 */
import { PackageURL } from 'packageurl-js';
import type { Package, PackageEcosystem, PackageLocation } from '../../inventory/index.ts';

const ECOSYSTEMS: ReadonlySet<string> = new Set<PackageEcosystem>([
  'deb',
  'apk',
  'rpm',
  'npm',
  'pypi',
  'golang',
  'maven',
  'cargo',
  'gem',
  'composer',
  'nuget',
]);

export interface PurlFacts {
  readonly sourceName?: string;
  readonly sourceVersion?: string;
  readonly licenses?: readonly string[];
  readonly locations: readonly PackageLocation[];
}

export type PurlPackage =
  | { readonly kind: 'package'; readonly package: Package }
  | { readonly kind: 'skipped'; readonly reason: string };

function isEcosystem(type: string): type is PackageEcosystem {
  return ECOSYSTEMS.has(type);
}

function advisoryName(type: PackageEcosystem, namespace: string | undefined, name: string): string {
  if (namespace === undefined || namespace === '') return name;
  switch (type) {
    case 'npm':
    case 'golang':
    case 'composer':
      return `${namespace}/${name}`;
    case 'maven':
      return `${namespace}:${name}`;
    default:
      return name;
  }
}

export function packageFromPurl(purl: string, facts: PurlFacts): PurlPackage {
  let parsed: PackageURL;
  try {
    parsed = PackageURL.fromString(purl);
  } catch {
    return { kind: 'skipped', reason: 'not a valid purl' };
  }
  const type = parsed.type.toLowerCase();
  if (!isEcosystem(type)) return { kind: 'skipped', reason: `purl type ${type} is not matched` };
  const version = parsed.version ?? '';
  if (version === '') return { kind: 'skipped', reason: 'purl without a version' };
  const qualifiers = parsed.qualifiers ?? {};
  const namespace = parsed.namespace ?? undefined;
  const epoch = qualifiers['epoch'];
  const fullVersion =
    type === 'rpm' && epoch !== undefined && epoch !== '' && epoch !== '0' ? `${epoch}:${version}` : version;
  const arch = qualifiers['arch'];
  const name = advisoryName(type, namespace, parsed.name);
  const pkg: Package = {
    ecosystem: type,
    name,
    version: fullVersion,
    ...(facts.sourceName === undefined ? {} : { sourceName: facts.sourceName }),
    ...(facts.sourceVersion === undefined ? {} : { sourceVersion: facts.sourceVersion }),
    ...(arch === undefined ? {} : { arch }),
    ...(namespace === undefined
      ? {}
      : { namespace: type === 'npm' ? namespace.replace(/^@/, '') : namespace }),
    licenses: facts.licenses ?? [],
    purl: parsed.toString(),
    locations: facts.locations,
  };
  return { kind: 'package', package: pkg };
}

/** The OS a purl's `distro` qualifier names (`debian-12`, `alpine-3.19.1`), for SBOMs without an OS component. */
export function osFromDistro(purl: string): { family: string; version: string } | undefined {
  let parsed: PackageURL;
  try {
    parsed = PackageURL.fromString(purl);
  } catch {
    return undefined;
  }
  const distro = parsed.qualifiers?.['distro'];
  if (distro === undefined) return undefined;
  const match = /^([a-z][a-z0-9_.-]*?)-(\d[\w.]*)$/i.exec(distro);
  if (match === null) return undefined;
  return { family: (match[1] as string).toLowerCase(), version: match[2] as string };
}
