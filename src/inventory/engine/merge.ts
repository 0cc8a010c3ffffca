/**
 * From per-layer records to one inventory of the FINAL filesystem: results of files deleted or
 * replaced by a later layer are dropped, each package names the layer that introduced it, the OS
 * is resolved from the surviving release files, OS purls get the distro qualifier, language
 * packages at OS-owned paths are marked, lockfiles yield to installed metadata (image mode), and
 * everything is sorted so the same input always gives the same output.
 */
import type { AnalyzerFact } from '../analyzer.ts';
import { applyOs } from '../analyzers/os-release/os-purl.ts';
import { resolveOs, type OsCandidate } from '../analyzers/os-release/os-release.ts';
import type { InventoryIssue, ModelFile, OsInfo, Package, PackageLocation } from '../types.ts';
import { LAYER_ISSUE_SOURCE } from './collect-layer.ts';
import { buildFileHistory, compare, packageKey, type HistoryLayer } from './file-history.ts';
import { ownedPathsOf, type OwnedPaths } from './layer-record.ts';
import { applyLockfileRule, type SourcedPackages } from './lockfile-rule.ts';
import { isOsEcosystem, markOsOwned } from './os-owned.ts';

export interface MergeOptions {
  /** `image`: lockfiles yield to installed metadata; `directory`: both are reported. */
  readonly mode: 'image' | 'directory';
}

export interface MergedInventory {
  readonly os: OsInfo;
  readonly packages: Package[];
  readonly modelFiles: ModelFile[];
  readonly issues: InventoryIssue[];
}

function stamp<T extends { readonly layerDigest?: string; readonly diffId?: string }>(
  value: T,
  layer: HistoryLayer | undefined,
): T {
  const { layerDigest: _digest, diffId: _diffId, ...rest } = value;
  return {
    ...rest,
    ...(layer?.digest === undefined ? {} : { layerDigest: layer.digest }),
    ...(layer?.diffId === undefined ? {} : { diffId: layer.diffId }),
  } as T;
}

function stampIssue(issue: InventoryIssue, layer: HistoryLayer | undefined): InventoryIssue {
  const { layerDigest: _digest, ...rest } = issue;
  return layer?.digest === undefined ? rest : { ...rest, layerDigest: layer.digest };
}

/** Merges ordered layer records (index 0 = base) into the final filesystem's inventory. */
export function mergeLayers(layers: readonly HistoryLayer[], options: MergeOptions): MergedInventory {
  const history = buildFileHistory(layers);
  const issues: InventoryIssue[] = [];
  layers.forEach((layer) => issues.push(...layer.record.issues.map((i) => stampIssue(i, layer))));
  for (const issue of history.mergeIssues) {
    issues.push(
      stampIssue(
        { analyzer: LAYER_ISSUE_SOURCE, path: issue.path, code: issue.code, message: issue.message },
        layers[issue.layerIndex],
      ),
    );
  }

  const candidates: OsCandidate[] = [];
  const facts: AnalyzerFact[] = [];
  const owned: OwnedPaths[] = [];
  const sources: SourcedPackages[] = [];
  const modelFiles = new Map<string, ModelFile>();
  for (const { layer, file } of history.surviving) {
    const { result, path, analyzer } = file;
    const here = layers[layer];
    issues.push(...result.issues.map((issue) => stampIssue(issue, here)));
    if (result.os !== undefined) candidates.push({ path, os: result.os });
    facts.push(...(result.facts ?? []));
    const ownedPaths = ownedPathsOf(file);
    if (ownedPaths !== undefined) owned.push(ownedPaths);
    for (const model of result.modelFiles ?? [])
      modelFiles.set(model.path, { ...model, location: stamp(model.location, here) });
    const packages = result.packages.map((pkg) => {
      const introduced = layers[history.introducedIn(path, analyzer, layer, packageKey(pkg))];
      return { ...pkg, locations: pkg.locations.map((l: PackageLocation) => stamp(l, introduced)) };
    });
    sources.push({ path, kind: result.kind, packages });
  }

  const os = detectOs(candidates, facts);
  const kept = options.mode === 'image' ? applyLockfileRule(sources) : sources.flatMap((s) => s.packages);
  const licensed = applyLicenseFacts(kept, facts);
  const marked = markOsOwned(licensed, owned, history.fs);
  return {
    os,
    packages: sortPackages(dedupe(applyOs(marked, os))),
    modelFiles: [...modelFiles.values()].sort((a, b) => compare(a.path, b.path)),
    issues: sortIssues(issues),
  };
}

/** `resolveOs`, plus distroless recognised by its `status.d/` database when no release file names the OS. */
export function detectOs(candidates: readonly OsCandidate[], facts: readonly AnalyzerFact[]): OsInfo {
  const os = resolveOs(candidates, facts);
  if (os.family === 'unknown' && facts.some((fact) => fact.kind === 'dpkg-status-d'))
    return { family: 'distroless' };
  return os;
}

/** Licenses that OS package databases do not carry (Debian copyright files), for packages without any. */
function applyLicenseFacts(packages: readonly Package[], facts: readonly AnalyzerFact[]): Package[] {
  const byName = new Map<string, readonly string[]>();
  for (const fact of facts)
    if (fact.kind === 'package-licenses') byName.set(`${fact.ecosystem}\u0000${fact.name}`, fact.licenses);
  if (byName.size === 0) return [...packages];
  return packages.map((pkg) => {
    const licenses = isOsEcosystem(pkg.ecosystem)
      ? byName.get(`${pkg.ecosystem}\u0000${pkg.name}`)
      : undefined;
    return licenses === undefined || pkg.licenses.length > 0 ? pkg : { ...pkg, licenses: [...licenses] };
  });
}

function firstPath(pkg: Package): string {
  return pkg.locations[0]?.path ?? '';
}

/** One package per purl and file: the same file may not list a package twice. */
function dedupe(packages: readonly Package[]): Package[] {
  const seen = new Set<string>();
  return packages.filter((pkg) => {
    const key = `${pkg.purl}\u0000${firstPath(pkg)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function sortPackages(packages: Package[]): Package[] {
  return packages.sort(
    (a, b) =>
      compare(a.ecosystem, b.ecosystem) ||
      compare(a.name, b.name) ||
      compare(a.version, b.version) ||
      compare(a.purl, b.purl) ||
      compare(firstPath(a), firstPath(b)),
  );
}

function sortIssues(issues: InventoryIssue[]): InventoryIssue[] {
  return issues.sort(
    (a, b) =>
      compare(a.path, b.path) ||
      compare(a.analyzer, b.analyzer) ||
      compare(a.code, b.code) ||
      compare(a.layerDigest ?? '', b.layerDigest ?? '') ||
      compare(a.message, b.message),
  );
}
