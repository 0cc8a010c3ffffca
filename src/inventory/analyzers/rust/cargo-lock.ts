/**
 * `Cargo.lock` (TOML): `[[package]]` with name, version, source and `dependencies` written as
 * `name`, `name version` or `name version (source)`. Packages without a source are the workspace's
 * own crates and path dependencies, not registry crates.
 */
import type { Package, PackageLocation } from '../../types.ts';
import { DEFAULT_LANG_LIMITS, checkLimit, type LangLimits } from '../lang-common/limits.ts';
import { dedupePackages, makePackage } from '../lang-common/make-package.ts';
import { recordOf, stringOf } from '../lang-common/text.ts';
import { parseTomlText } from '../lang-common/toml.ts';

export function cargoPackage(
  name: string,
  version: string,
  location: PackageLocation,
  extra: { dependsOn?: readonly string[]; properties?: Record<string, string> } = {},
): Package | undefined {
  return makePackage({ ecosystem: 'cargo', name, version, location, ...extra });
}

export function parseCargoLock(
  text: string,
  location: PackageLocation,
  limits: LangLimits = DEFAULT_LANG_LIMITS,
): Package[] {
  const doc = parseTomlText(text, location.path);
  const list = Array.isArray(doc.package) ? (doc.package as unknown[]) : [];
  checkLimit(location.path, 'package entries', list.length, limits.maxPackages);
  const crates = list.map(recordOf).flatMap((p) => {
    const name = stringOf(p.name);
    const version = stringOf(p.version);
    return name === undefined || version === undefined
      ? []
      : [{ name, version, source: stringOf(p.source), raw: p }];
  });
  const byName = new Map<string, (typeof crates)[number][]>();
  for (const c of crates) {
    const list = byName.get(c.name);
    if (list === undefined) byName.set(c.name, [c]);
    else list.push(c);
  }
  const purlOf = (spec: string): string | undefined => {
    const [name = '', version] = spec.split(' ');
    const matches = (byName.get(name) ?? []).filter((c) => version === undefined || c.version === version);
    const target = matches.length === 1 ? matches[0] : undefined;
    return target?.source === undefined
      ? undefined
      : cargoPackage(target.name, target.version, { path: '' })?.purl;
  };
  const out: Package[] = [];
  for (const crate of crates) {
    if (crate.source === undefined) continue;
    const deps = Array.isArray(crate.raw.dependencies)
      ? crate.raw.dependencies.filter((d) => typeof d === 'string')
      : [];
    const dependsOn = deps.map(purlOf).filter((p) => p !== undefined);
    const pkg = cargoPackage(crate.name, crate.version, location, { dependsOn });
    if (pkg !== undefined) out.push(pkg);
  }
  return dedupePackages(out);
}
