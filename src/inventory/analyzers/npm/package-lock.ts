/**
 * npm `package-lock.json` / `npm-shrinkwrap.json`, lockfile versions 1, 2 and 3
 * (https://docs.npmjs.com/cli/configuring-npm/package-lock-json).
 * v2/v3: the flat `packages` map keyed by install path; v1: the nested `dependencies` tree.
 */
import type { Package, PackageLocation } from '../../types.ts';
import { DEFAULT_LANG_LIMITS, checkLimit, parseError, type LangLimits } from '../lang-common/limits.ts';
import { dedupePackages } from '../lang-common/make-package.ts';
import { entriesOf, isRecord, parseJson, stringOf, type JsonRecord } from '../lang-common/text.ts';
import { npmLicenses, npmPackage, npmPurl, splitNameAt } from './npm-package.ts';

const NM = 'node_modules/';

export function parsePackageLock(
  text: string,
  location: PackageLocation,
  limits: LangLimits = DEFAULT_LANG_LIMITS,
): Package[] {
  const doc = parseJson(text, location.path);
  if (!isRecord(doc)) throw parseError(location.path, 'package-lock is not a JSON object');
  const version = typeof doc.lockfileVersion === 'number' ? doc.lockfileVersion : 1;
  if (version >= 2 && isRecord(doc.packages)) return parsePackagesMap(doc.packages, location, limits);
  return parseDependencyTree(doc.dependencies, location, limits);
}

interface FlatEntry {
  readonly key: string;
  readonly name: string;
  readonly value: JsonRecord;
}

function parsePackagesMap(packages: JsonRecord, location: PackageLocation, limits: LangLimits): Package[] {
  const all = entriesOf(packages);
  checkLimit(location.path, 'package entries', all.length, limits.maxPackages);
  const byKey = new Map<string, JsonRecord>();
  for (const [key, value] of all) if (isRecord(value)) byKey.set(key, value);

  // Follow a `link: true` entry to its target; a workspace folder target has no purl.
  const purlAt = (key: string): string | undefined => {
    let value = byKey.get(key);
    let target = key;
    if (value?.link === true) {
      target = stringOf(value.resolved) ?? '';
      value = byKey.get(target);
    }
    if (value === undefined || !target.includes(NM)) return undefined;
    const entry = flatEntry(target, value);
    const version = stringOf(value.version);
    return entry === undefined || version === undefined ? undefined : npmPurl(entry.name, version);
  };

  const resolve = (from: string, dep: string): string | undefined => {
    let base = from;
    for (;;) {
      const candidate = base === '' ? `${NM}${dep}` : `${base}/${NM}${dep}`;
      if (byKey.has(candidate)) return purlAt(candidate);
      if (base === '') return undefined;
      const cut = base.lastIndexOf(`/${NM}`);
      base = cut < 0 ? '' : base.slice(0, cut);
    }
  };

  const out: Package[] = [];
  for (const [key, value] of byKey) {
    if (value.link === true) continue;
    const entry = flatEntry(key, value);
    const version = stringOf(value.version);
    if (entry === undefined || version === undefined) continue;
    const dependsOn: string[] = [];
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
      for (const [dep] of entriesOf(value[field])) {
        const purl = resolve(key, dep);
        if (purl !== undefined) dependsOn.push(purl);
      }
    }
    const pkg = npmPackage(entry.name, version, location, {
      licenses: npmLicenses(value.license, value.licenses),
      dev: value.dev === true,
      dependsOn,
    });
    if (pkg !== undefined) out.push(pkg);
  }
  return dedupePackages(out);
}

/** Entries under `node_modules/`; the root (`""`) and workspace folders are the project itself. */
function flatEntry(key: string, value: JsonRecord): FlatEntry | undefined {
  const cut = key.lastIndexOf(NM);
  if (cut < 0 || (cut > 0 && key[cut - 1] !== '/')) return undefined;
  const name = stringOf(value.name) ?? key.slice(cut + NM.length);
  return name.length === 0 ? undefined : { key, name, value };
}

interface TreeNode {
  readonly name: string;
  readonly version: string;
  readonly value: JsonRecord;
  readonly children: Map<string, TreeNode>;
  readonly purl: string | undefined;
}

/** v1: `dependencies` nest; a `requires` name resolves to the nearest enclosing scope that has it. */
function parseDependencyTree(
  dependencies: unknown,
  location: PackageLocation,
  limits: LangLimits,
): Package[] {
  let count = 0;
  const build = (deps: unknown, depth: number): Map<string, TreeNode> => {
    checkLimit(location.path, 'dependency nesting', depth, limits.maxDepth);
    const level = new Map<string, TreeNode>();
    for (const [key, raw] of entriesOf(deps)) {
      if (!isRecord(raw)) continue;
      checkLimit(location.path, 'package entries', ++count, limits.maxPackages);
      const resolved = v1NameVersion(key, stringOf(raw.version));
      const children = build(raw.dependencies, depth + 1);
      if (resolved === undefined) continue;
      const purl = npmPurl(resolved.name, resolved.version);
      level.set(key, { ...resolved, value: raw, children, purl });
    }
    return level;
  };
  const root = build(dependencies, 0);

  const out: Package[] = [];
  const walk = (level: Map<string, TreeNode>, scopes: readonly Map<string, TreeNode>[]): void => {
    for (const node of level.values()) {
      const chain = [node.children, ...scopes];
      const dependsOn: string[] = [];
      for (const [dep] of entriesOf(node.value.requires)) {
        const target = chain.find((scope) => scope.has(dep))?.get(dep);
        if (target?.purl !== undefined) dependsOn.push(target.purl);
      }
      const pkg = npmPackage(node.name, node.version, location, {
        dev: node.value.dev === true,
        dependsOn,
      });
      if (pkg !== undefined) out.push(pkg);
      walk(node.children, chain);
    }
  };
  walk(root, [root]);
  return dedupePackages(out);
}

/** v1 versions are semver, `npm:real@version` for aliases, or a URL/path (not a registry package). */
function v1NameVersion(
  key: string,
  version: string | undefined,
): { name: string; version: string } | undefined {
  if (version === undefined) return undefined;
  if (version.startsWith('npm:')) {
    const split = splitNameAt(version.slice(4));
    return split === undefined ? undefined : { name: split.name, version: split.rest };
  }
  if (version.includes(':') || version.includes('/')) return undefined;
  return { name: key, version };
}
