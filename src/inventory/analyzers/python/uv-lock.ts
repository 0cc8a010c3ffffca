/**
 * `uv.lock` (TOML): `[[package]]` with name, version, `source` and dependency lists. The project
 * itself has an `editable`/`virtual` source and is skipped; dev-only packages are those reached
 * from the project's `dev-dependencies` groups and not from its dependencies or extras.
 */
import type { Package, PackageLocation } from '../../types.ts';
import { DEFAULT_LANG_LIMITS, checkLimit, type LangLimits } from '../lang-common/limits.ts';
import { dedupePackages, normalizePypiName } from '../lang-common/make-package.ts';
import { entriesOf, recordOf, stringOf, type JsonRecord } from '../lang-common/text.ts';
import { parseTomlText } from '../lang-common/toml.ts';
import { pypiPackage, pypiPurl } from './pypi-package.ts';

const LOCAL_SOURCES = ['editable', 'virtual', 'directory'];

interface UvEntry {
  readonly id: string;
  readonly name: string;
  readonly version: string | undefined;
  readonly local: boolean;
  readonly raw: JsonRecord;
}

export function parseUvLock(
  text: string,
  location: PackageLocation,
  limits: LangLimits = DEFAULT_LANG_LIMITS,
): Package[] {
  const doc = parseTomlText(text, location.path);
  const list = Array.isArray(doc.package) ? (doc.package as unknown[]) : [];
  checkLimit(location.path, 'package entries', list.length, limits.maxPackages);
  const entries: UvEntry[] = list.map(recordOf).flatMap((raw, index) => {
    const name = stringOf(raw.name);
    if (name === undefined) return [];
    const source = Object.keys(recordOf(raw.source));
    const local = source.some((s) => LOCAL_SOURCES.includes(s));
    return [{ id: String(index), name, version: stringOf(raw.version), local, raw }];
  });

  // A dependency names a package, plus its version when several versions share the name.
  const byName = new Map<string, UvEntry[]>();
  for (const e of entries) {
    const key = normalizePypiName(e.name);
    const list = byName.get(key);
    if (list === undefined) byName.set(key, [e]);
    else list.push(e);
  }
  const target = (dep: unknown): UvEntry | undefined => {
    const d = recordOf(dep);
    const name = stringOf(d.name);
    if (name === undefined) return undefined;
    const candidates = byName.get(normalizePypiName(name)) ?? [];
    const version = stringOf(d.version);
    return version === undefined ? candidates[0] : candidates.find((c) => c.version === version);
  };
  const depsIn = (value: unknown): UvEntry[] =>
    (Array.isArray(value) ? value : []).map(target).filter((e) => e !== undefined);
  const groupDeps = (value: unknown): UvEntry[] => entriesOf(value).flatMap(([, deps]) => depsIn(deps));
  const runtimeDeps = (e: UvEntry): UvEntry[] => [
    ...depsIn(e.raw.dependencies),
    ...groupDeps(e.raw['optional-dependencies']),
  ];

  const reach = (roots: UvEntry[]): Set<string> => {
    const seen = new Set<string>();
    const stack = [...roots];
    while (stack.length > 0) {
      const e = stack.pop() as UvEntry;
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      stack.push(...runtimeDeps(e));
    }
    return seen;
  };
  const roots = entries.filter((e) => e.local);
  const prod = reach(roots.flatMap(runtimeDeps));
  const devReach = reach(roots.flatMap((r) => groupDeps(r.raw['dev-dependencies'])));

  const out: Package[] = [];
  for (const e of entries) {
    if (e.local || e.version === undefined) continue;
    const dependsOn = runtimeDeps(e).flatMap((d) => {
      const purl = d.version === undefined || d.local ? undefined : pypiPurl(d.name, d.version);
      return purl === undefined ? [] : [purl];
    });
    const dev = devReach.has(e.id) && !prod.has(e.id);
    const pkg = pypiPackage(e.name, e.version, location, { dev, dependsOn });
    if (pkg !== undefined) out.push(pkg);
  }
  return dedupePackages(out);
}
