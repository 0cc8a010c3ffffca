/**
 * `pnpm-lock.yaml`, lockfile formats 5.x (`/name/1.0.0_peer`), 6.x (`/name@1.0.0(peer)`) and 9.x
 * (`name@1.0.0` in `packages`, edges in `snapshots`). 5/6 mark dev-only packages with `dev: true`;
 * 9 does not, so dev-only status is derived from what each importer's `devDependencies` reach.
 */
import { parse as parseYaml } from 'yaml';
import type { Package, PackageLocation } from '../../types.ts';
import { DEFAULT_LANG_LIMITS, checkLimit, parseError, type LangLimits } from '../lang-common/limits.ts';
import { dedupePackages } from '../lang-common/make-package.ts';
import { entriesOf, isRecord, recordOf, stringOf, type JsonRecord } from '../lang-common/text.ts';
import { npmLicenses, npmPackage, npmPurl, splitNameAt } from './npm-package.ts';

interface NameVersion {
  readonly name: string;
  readonly version: string;
}

export function parsePnpmLock(
  text: string,
  location: PackageLocation,
  limits: LangLimits = DEFAULT_LANG_LIMITS,
): Package[] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100, uniqueKeys: false });
  } catch (error) {
    throw parseError(location.path, 'invalid YAML', error);
  }
  if (!isRecord(doc)) throw parseError(location.path, 'pnpm-lock is not a YAML mapping');
  const major = Number.parseInt(String(doc.lockfileVersion ?? '5'), 10);
  const v5 = Number.isNaN(major) || major < 6;
  const packages = entriesOf(doc.packages);
  const snapshots = recordOf(doc.snapshots);
  checkLimit(
    location.path,
    'package entries',
    packages.length + Object.keys(snapshots).length,
    limits.maxPackages,
  );

  /** Peer-suffix-free key → name/version. */
  const parseKey = (key: string): NameVersion | undefined => {
    let k = key.startsWith('/') ? key.slice(1) : key;
    if (v5) {
      const underscore = k.indexOf('_', k.lastIndexOf('/'));
      if (underscore >= 0) k = k.slice(0, underscore);
      const slash = k.lastIndexOf('/');
      return slash > 0 ? { name: k.slice(0, slash), version: k.slice(slash + 1) } : undefined;
    }
    const paren = k.indexOf('(');
    if (paren >= 0) k = k.slice(0, paren);
    const split = splitNameAt(k);
    return split === undefined ? undefined : { name: split.name, version: split.rest };
  };

  /** A dependency value: a version (maybe with peer suffix), an alias key, or `link:`. */
  const depTarget = (name: string, value: string): { key: string; nv: NameVersion } | undefined => {
    if (value.startsWith('link:') || value.startsWith('file:')) return undefined;
    const aliasKey = v5 ? value.startsWith('/') : /^@?[^@(]+@/.test(value);
    const key = aliasKey ? value : v5 ? `/${name}/${value}` : `${name}@${value}`;
    const nv = parseKey(key);
    return nv === undefined ? undefined : { key: normalKey(key, v5), nv };
  };

  const depsOf = (value: JsonRecord): [string, string][] => {
    const out: [string, string][] = [];
    for (const field of ['dependencies', 'optionalDependencies']) {
      for (const [dep, v] of entriesOf(value[field])) {
        const s = stringOf(v) ?? (typeof v === 'number' ? String(v) : undefined);
        if (s !== undefined) out.push([dep, s]);
      }
    }
    return out;
  };

  // Edges live in `snapshots` (v9) or in `packages` (v5/v6); keys carry peer suffixes.
  const graph = major >= 9 ? entriesOf(snapshots) : packages;
  const edges = new Map<string, { nv: NameVersion; deps: { key: string; nv: NameVersion }[] }>();
  for (const [key, value] of graph) {
    const nv = parseKey(key);
    if (nv === undefined || !isRecord(value)) continue;
    const deps = depsOf(value)
      .map(([dep, v]) => depTarget(dep, v))
      .filter((d) => d !== undefined);
    edges.set(normalKey(key, v5), { nv, deps });
  }

  const devOnly = major >= 9 ? devOnlyFromImporters(doc, edges, depTarget, v5) : undefined;
  const dependsOnOf = new Map<string, Set<string>>();
  for (const { nv, deps } of edges.values()) {
    const id = `${nv.name}@${nv.version}`;
    const set = dependsOnOf.get(id) ?? new Set<string>();
    for (const d of deps) {
      const purl = npmPurl(d.nv.name, d.nv.version);
      if (purl !== undefined) set.add(purl);
    }
    dependsOnOf.set(id, set);
  }

  const out: Package[] = [];
  for (const [key, value] of packages) {
    if (!isRecord(value)) continue;
    const fromKey = parseKey(key);
    const name = stringOf(value.name) ?? fromKey?.name;
    const version = stringOf(value.version) ?? fromKey?.version;
    if (name === undefined || version === undefined) continue;
    const id = `${name}@${version}`;
    const dev = devOnly === undefined ? value.dev === true : devOnly.has(id);
    const pkg = npmPackage(name, version, location, {
      licenses: npmLicenses(value.license),
      dev,
      dependsOn: [...(dependsOnOf.get(`${fromKey?.name}@${fromKey?.version}`) ?? [])],
    });
    if (pkg !== undefined) out.push(pkg);
  }
  return dedupePackages(out);
}

function normalKey(key: string, v5: boolean): string {
  return v5 || !key.startsWith('/') ? key : key.slice(1);
}

/** v9: ids (`name@version`) reached only from importers' `devDependencies`. */
function devOnlyFromImporters(
  doc: JsonRecord,
  edges: Map<string, { nv: NameVersion; deps: { key: string; nv: NameVersion }[] }>,
  depTarget: (name: string, value: string) => { key: string; nv: NameVersion } | undefined,
  v5: boolean,
): Set<string> {
  const reach = (roots: string[]): Set<string> => {
    const seen = new Set<string>();
    const stack = [...roots];
    while (stack.length > 0) {
      const key = stack.pop() as string;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const d of edges.get(key)?.deps ?? []) stack.push(normalKey(d.key, v5));
    }
    return new Set(
      [...seen].map((k) => edges.get(k)).flatMap((e) => (e ? [`${e.nv.name}@${e.nv.version}`] : [])),
    );
  };
  const roots = (fields: string[]): string[] => {
    const out: string[] = [];
    for (const [, importer] of entriesOf(doc.importers)) {
      for (const field of fields) {
        for (const [dep, spec] of entriesOf(recordOf(importer)[field])) {
          const version = stringOf(recordOf(spec).version) ?? stringOf(spec);
          const target = version === undefined ? undefined : depTarget(dep, version);
          if (target !== undefined) out.push(normalKey(target.key, v5));
        }
      }
    }
    return out;
  };
  const prod = reach(roots(['dependencies', 'optionalDependencies']));
  const dev = reach(roots(['devDependencies']));
  return new Set([...dev].filter((id) => !prod.has(id)));
}
