/**
 * .NET: `*.deps.json` written next to a built app (libraries of type `package`, edges from
 * `targets`) and NuGet's `packages.lock.json` (per target framework; `Project` entries are local).
 */
import type { Analyzer } from '../../analyzer.ts';
import type { Package, PackageLocation } from '../../types.ts';
import { baseName, fileAnalyzer } from '../lang-common/file-analyzer.ts';
import { DEFAULT_LANG_LIMITS, checkLimit, parseError, type LangLimits } from '../lang-common/limits.ts';
import { dedupePackages, makePackage } from '../lang-common/make-package.ts';
import { decodeText, entriesOf, isRecord, parseJson, recordOf, stringOf } from '../lang-common/text.ts';

const nugetPurl = (name: string, version: string): string | undefined =>
  makePackage({ ecosystem: 'nuget', name, version, location: { path: '' } })?.purl;

function splitKey(key: string): { name: string; version: string } | undefined {
  const slash = key.lastIndexOf('/');
  return slash > 0 && slash < key.length - 1
    ? { name: key.slice(0, slash), version: key.slice(slash + 1) }
    : undefined;
}

export function parseDepsJson(
  text: string,
  location: PackageLocation,
  limits: LangLimits = DEFAULT_LANG_LIMITS,
): Package[] {
  const doc = parseJson(text, location.path);
  if (!isRecord(doc)) throw parseError(location.path, 'deps.json is not a JSON object');
  const libraries = entriesOf(doc.libraries);
  checkLimit(location.path, 'libraries', libraries.length, limits.maxPackages);
  const packageKeys = new Set(libraries.filter(([, v]) => recordOf(v).type === 'package').map(([k]) => k));
  // Edges: every target framework lists `name/version → {dependencies: {name: version}}`.
  const deps = new Map<string, Set<string>>();
  for (const [, target] of entriesOf(doc.targets)) {
    for (const [key, entry] of entriesOf(target)) {
      const set = deps.get(key) ?? new Set<string>();
      for (const [name, version] of entriesOf(recordOf(entry).dependencies)) {
        const v = stringOf(version);
        if (v !== undefined && packageKeys.has(`${name}/${v}`)) {
          const purl = nugetPurl(name, v);
          if (purl !== undefined) set.add(purl);
        }
      }
      deps.set(key, set);
    }
  }
  const out: Package[] = [];
  for (const key of packageKeys) {
    const nv = splitKey(key);
    if (nv === undefined) continue;
    const pkg = makePackage({ ecosystem: 'nuget', ...nv, location, dependsOn: [...(deps.get(key) ?? [])] });
    if (pkg !== undefined) out.push(pkg);
  }
  return dedupePackages(out);
}

export function parseNugetLock(
  text: string,
  location: PackageLocation,
  limits: LangLimits = DEFAULT_LANG_LIMITS,
): Package[] {
  const doc = parseJson(text, location.path);
  if (!isRecord(doc)) throw parseError(location.path, 'packages.lock.json is not a JSON object');
  const out: Package[] = [];
  for (const [, framework] of entriesOf(doc.dependencies)) {
    const entries = entriesOf(framework);
    checkLimit(location.path, 'package entries', out.length + entries.length, limits.maxPackages);
    const resolved = new Map<string, string>();
    for (const [name, e] of entries) {
      const version = stringOf(recordOf(e).resolved);
      if (version !== undefined && recordOf(e).type !== 'Project') resolved.set(name.toLowerCase(), version);
    }
    for (const [name, e] of entries) {
      const entry = recordOf(e);
      const version = stringOf(entry.resolved);
      if (version === undefined || entry.type === 'Project') continue;
      const dependsOn = entriesOf(entry.dependencies).flatMap(([dep]) => {
        const v = resolved.get(dep.toLowerCase());
        const purl = v === undefined ? undefined : nugetPurl(dep, v);
        return purl === undefined ? [] : [purl];
      });
      const pkg = makePackage({ ecosystem: 'nuget', name, version, location, dependsOn });
      if (pkg !== undefined) out.push(pkg);
    }
  }
  return dedupePackages(out);
}

export const dotnetDepsAnalyzer: Analyzer = fileAnalyzer({
  id: 'dotnet-deps',
  version: 1,
  kind: 'installed',
  wants: (path) => baseName(path).endsWith('.deps.json'),
  parse: (bytes, location, limits) => parseDepsJson(decodeText(bytes), location, limits),
});

export const nugetLockAnalyzer: Analyzer = fileAnalyzer({
  id: 'nuget-lock',
  version: 1,
  kind: 'lockfile',
  wants: (path) => baseName(path) === 'packages.lock.json',
  parse: (bytes, location, limits) => parseNugetLock(decodeText(bytes), location, limits),
});
