import type { Package, PackageLocation } from '../../types.ts';
import { makePackage } from '../lang-common/make-package.ts';
import { isRecord, stringOf } from '../lang-common/text.ts';

/** An npm package: `@scope/name` becomes purl namespace `@scope` (encoded `%40scope`) and `Package.namespace` `scope`. */
export function npmPackage(
  name: string,
  version: string,
  location: PackageLocation,
  extra: { licenses?: readonly string[]; dev?: boolean; dependsOn?: readonly string[] } = {},
): Package | undefined {
  const slash = name.indexOf('/');
  const scoped = name.startsWith('@') && slash > 1 && slash < name.length - 1;
  return makePackage({
    ecosystem: 'npm',
    name,
    version,
    ...(scoped
      ? {
          purlNamespace: name.slice(0, slash),
          purlName: name.slice(slash + 1),
          namespace: name.slice(1, slash),
        }
      : {}),
    location,
    ...extra,
  });
}

/** The purl for an npm name and version (for dependency edges), if valid. */
export function npmPurl(name: string, version: string): string | undefined {
  return npmPackage(name, version, { path: '' })?.purl;
}

/** Licenses as package.json and lockfiles write them: `"MIT"`, `{type}`, or a `licenses` array. */
export function npmLicenses(license: unknown, licenses?: unknown): string[] {
  const out: string[] = [];
  const one = (value: unknown): void => {
    const text = stringOf(value) ?? (isRecord(value) ? stringOf(value.type) : undefined);
    if (text !== undefined) out.push(text);
  };
  one(license);
  if (Array.isArray(licenses)) for (const item of licenses.slice(0, 32)) one(item);
  return out;
}

/** Split `name@range` (the name may be scoped) at the separating `@`. */
export function splitNameAt(descriptor: string): { name: string; rest: string } | undefined {
  const at = descriptor.indexOf('@', 1);
  if (at <= 0) return undefined;
  return { name: descriptor.slice(0, at), rest: descriptor.slice(at + 1) };
}
