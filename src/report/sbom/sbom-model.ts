/**
 * The inventory reduced to what both SBOM formats write: packages merged by purl (the same
 * package found at two paths is one component with two locations), sorted, with the dependency
 * edges that point at packages present in the inventory.
 */
import type { ModelFile, OsInfo, Package, PackageEcosystem, PackageLocation } from '../../inventory/index.ts';
import { compareText } from '../severity.ts';
import { isOsPackage } from '../targets.ts';
import { knownOs } from '../artifact.ts';
import type { ReportArtifact, ReportInventory } from '../types.ts';
import { sbomSubject, type SbomSubject } from './subject.ts';

export interface SbomProperty {
  readonly name: string;
  readonly value: string;
}

export interface SbomPackage {
  readonly purl: string;
  readonly ecosystem: PackageEcosystem;
  readonly name: string;
  readonly version: string;
  readonly group?: string;
  readonly os: boolean;
  readonly licenses: readonly string[];
  readonly locations: readonly PackageLocation[];
  readonly dependsOn: readonly string[];
  readonly properties: readonly SbomProperty[];
}

export interface SbomModel {
  readonly subject: SbomSubject;
  readonly os?: OsInfo;
  readonly packages: readonly SbomPackage[];
  readonly models: readonly ModelFile[];
  /** Non-OS packages that no other package depends on: what the subject directly contains. */
  readonly roots: readonly string[];
}

export const PROP = {
  location: 'bosun:package:location',
  layerDigest: 'bosun:layer:digest',
  layerDiffId: 'bosun:layer:diffID',
} as const;

function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.entries()].sort(([a], [b]) => compareText(a, b)).map(([, v]) => v);
}

const locationKey = (l: PackageLocation) => `${l.path}\u0000${l.layerDigest ?? ''}\u0000${l.diffId ?? ''}`;

function groupFor(pkg: Package): string | undefined {
  if (pkg.namespace === undefined || pkg.namespace === '') return undefined;
  if (pkg.ecosystem === 'maven') return pkg.namespace;
  if (pkg.ecosystem === 'npm') return pkg.namespace.startsWith('@') ? pkg.namespace : `@${pkg.namespace}`;
  return undefined;
}

export function locationProperties(locations: readonly PackageLocation[]): SbomProperty[] {
  const props: SbomProperty[] = [];
  for (const l of locations) {
    props.push({ name: PROP.location, value: l.path });
    if (l.layerDigest !== undefined) props.push({ name: PROP.layerDigest, value: l.layerDigest });
    if (l.diffId !== undefined) props.push({ name: PROP.layerDiffId, value: l.diffId });
  }
  return props;
}

function packageProperties(pkgs: readonly Package[], locations: readonly PackageLocation[]): SbomProperty[] {
  const props = locationProperties(locations);
  for (const p of pkgs) {
    if (p.sourceName !== undefined) props.push({ name: 'bosun:package:sourceName', value: p.sourceName });
    if (p.sourceVersion !== undefined)
      props.push({ name: 'bosun:package:sourceVersion', value: p.sourceVersion });
    if (p.arch !== undefined) props.push({ name: 'bosun:package:arch', value: p.arch });
    if (p.dev === true) props.push({ name: 'bosun:package:dev', value: 'true' });
    for (const [key, value] of Object.entries(p.properties ?? {})) {
      props.push({ name: `bosun:package:${key}`, value });
    }
  }
  return unique(props, (p) => `${p.name}\u0000${p.value}`);
}

export function buildSbomModel(inventory: ReportInventory, artifact: ReportArtifact | undefined): SbomModel {
  const byPurl = new Map<string, Package[]>();
  for (const pkg of inventory.packages) {
    const list = byPurl.get(pkg.purl);
    if (list === undefined) byPurl.set(pkg.purl, [pkg]);
    else list.push(pkg);
  }
  const packages: SbomPackage[] = [...byPurl.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([purl, pkgs]) => {
      const first = pkgs[0] as Package;
      const locations = unique(
        pkgs.flatMap((p) => p.locations),
        locationKey,
      );
      return {
        purl,
        ecosystem: first.ecosystem,
        name: first.name,
        version: first.version,
        group: groupFor(first),
        os: isOsPackage(first),
        licenses: unique(
          pkgs.flatMap((p) => p.licenses).filter((l) => l.trim() !== ''),
          (l) => l,
        ),
        locations,
        dependsOn: unique(
          pkgs.flatMap((p) => p.dependsOn ?? []).filter((d) => d !== purl && byPurl.has(d)),
          (d) => d,
        ),
        properties: packageProperties(pkgs, locations),
      };
    });
  const os = knownOs(inventory.os);
  const dependedOn = new Set(packages.flatMap((p) => p.dependsOn));
  const roots = packages.filter((p) => (!p.os || os === undefined) && !dependedOn.has(p.purl));
  return {
    subject: sbomSubject(artifact),
    os,
    packages,
    models: unique(inventory.modelFiles ?? [], (m) => m.path),
    roots: roots.map((p) => p.purl),
  };
}
