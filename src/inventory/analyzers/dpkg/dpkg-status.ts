/**
 * dpkg's package database: `var/lib/dpkg/status` (one paragraph per package, any state) and
 * distroless `var/lib/dpkg/status.d/<pkg>` (the package's control fields, no `Status`).
 */
import type { Package, PackageLocation } from '../../types.ts';
import { buildOsPurl } from '../os-release/os-purl.ts';
import { controlField, parseControlFile, type ControlLimits, type ControlParagraph } from './control-file.ts';

export interface DpkgStatusOptions {
  /** Where the file is, for locations and errors. */
  readonly location: PackageLocation;
  /** `status.d/` files have no `Status:` field: their packages count as installed. */
  readonly statusOptional?: boolean;
  readonly limits?: ControlLimits;
}

/**
 * Installed packages of a dpkg database file. "Installed" is the third word of `Status:` being
 * `installed` (`install ok installed`, and `hold ok installed` for held packages); half-installed,
 * config-files (removed, conffiles left) and not-installed paragraphs are skipped, as
 * `dpkg-query -W` does for its default `${db:Status-Abbrev}` `ii`/`hi` rows.
 */
export function parseDpkgStatus(text: string, options: DpkgStatusOptions): Package[] {
  const packages: Package[] = [];
  for (const paragraph of parseControlFile(text, options.location.path, options.limits)) {
    const pkg = packageFromParagraph(paragraph, options);
    if (pkg !== undefined) packages.push(pkg);
  }
  return packages;
}

function packageFromParagraph(paragraph: ControlParagraph, options: DpkgStatusOptions): Package | undefined {
  const name = controlField(paragraph, 'Package');
  const version = controlField(paragraph, 'Version');
  if (name === undefined || name === '' || version === undefined || version === '') return undefined;
  const status = controlField(paragraph, 'Status');
  if (status === undefined ? options.statusOptional !== true : status.split(/\s+/)[2] !== 'installed')
    return undefined;

  const arch = controlField(paragraph, 'Architecture') || undefined;
  const source = parseSource(controlField(paragraph, 'Source'));
  const multiArch = controlField(paragraph, 'Multi-Arch');
  const properties: Record<string, string> = {};
  if (multiArch !== undefined && multiArch !== '') properties['multiArch'] = multiArch;
  return {
    ecosystem: 'deb',
    name,
    version,
    sourceName: source?.name ?? name,
    sourceVersion: source?.version ?? version,
    ...(arch === undefined ? {} : { arch }),
    namespace: 'debian',
    licenses: [],
    purl: buildOsPurl({
      type: 'deb',
      namespace: 'debian',
      name,
      version,
      ...(arch === undefined ? {} : { arch }),
    }),
    locations: [options.location],
    osOwned: true,
    ...(Object.keys(properties).length === 0 ? {} : { properties }),
  };
}

/** `Source: glibc` or `Source: glibc (2.36-9+deb12u4)` (binNMUs and rebuilt binaries carry the source version). */
export function parseSource(field: string | undefined): { name: string; version?: string } | undefined {
  if (field === undefined) return undefined;
  const match = /^(\S+)(?:\s+\(\s*([^)\s]+)\s*\))?\s*$/.exec(field.trim());
  if (match === null || match[1] === undefined) return undefined;
  return match[2] === undefined ? { name: match[1] } : { name: match[1], version: match[2] };
}
