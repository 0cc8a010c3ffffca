import { PackageURL } from 'packageurl-js';
import type { Package, PackageEcosystem, PackageLocation } from '../../types.ts';

export interface PackageFields {
  readonly ecosystem: PackageEcosystem;
  /** The name as the ecosystem's advisories write it (`@scope/name`, `group:artifact`, module path). */
  readonly name: string;
  readonly version: string;
  /** The purl namespace and name, when they differ from the split made by `splitPurlName`. */
  readonly purlNamespace?: string;
  readonly purlName?: string;
  readonly namespace?: string;
  readonly licenses?: readonly string[];
  readonly location: PackageLocation;
  readonly dev?: boolean;
  readonly dependsOn?: readonly string[];
  readonly properties?: Readonly<Record<string, string>>;
}

/** PEP 503 name normalisation: lower case, runs of `-`, `_`, `.` become one `-`. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** A purl string; `undefined` when packageurl-js rejects the components. */
export function buildPurl(
  type: string,
  namespace: string | undefined,
  name: string,
  version: string | undefined,
): string | undefined {
  try {
    return new PackageURL(type, namespace ?? null, name, version ?? null, null, null).toString();
  } catch {
    return undefined;
  }
}

/**
 * A `Package` with its purl, or `undefined` when the name cannot form a valid purl (the file
 * then simply does not contribute that entry).
 */
export function makePackage(fields: PackageFields): Package | undefined {
  const name = fields.name.trim();
  const version = fields.version.trim();
  if (name.length === 0 || version.length === 0) return undefined;
  const purl = buildPurl(fields.ecosystem, fields.purlNamespace, fields.purlName ?? name, version);
  if (purl === undefined) return undefined;
  const licenses = [...new Set((fields.licenses ?? []).map((l) => l.trim()).filter((l) => l.length > 0))];
  return {
    ecosystem: fields.ecosystem,
    name,
    version,
    ...(fields.namespace === undefined ? {} : { namespace: fields.namespace }),
    licenses,
    purl,
    locations: [fields.location],
    ...(fields.dev === true ? { dev: true } : {}),
    ...(fields.dependsOn === undefined || fields.dependsOn.length === 0
      ? {}
      : { dependsOn: [...new Set(fields.dependsOn)].sort() }),
    ...(fields.properties === undefined || Object.keys(fields.properties).length === 0
      ? {}
      : { properties: fields.properties }),
  };
}

/**
 * Deduplicate by purl (the same package listed twice in one file), merging dev (dev only if every
 * occurrence is dev) and dependsOn; sort by purl for deterministic output.
 */
export function dedupePackages(packages: readonly Package[]): Package[] {
  const byPurl = new Map<string, Package>();
  for (const pkg of packages) {
    const seen = byPurl.get(pkg.purl);
    if (seen === undefined) {
      byPurl.set(pkg.purl, pkg);
      continue;
    }
    const dependsOn = [...new Set([...(seen.dependsOn ?? []), ...(pkg.dependsOn ?? [])])].sort();
    const { dev: _dev, dependsOn: _deps, ...rest } = seen;
    byPurl.set(pkg.purl, {
      ...rest,
      ...(seen.dev === true && pkg.dev === true ? { dev: true } : {}),
      ...(dependsOn.length > 0 ? { dependsOn } : {}),
    });
  }
  return [...byPurl.values()].sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0));
}
