import type { Package, PackageLocation } from '../../types.ts';
import { makePackage, normalizePypiName } from '../lang-common/make-package.ts';

/** A PyPI package: `name` as written, purl name normalised per PEP 503. */
export function pypiPackage(
  name: string,
  version: string,
  location: PackageLocation,
  extra: { licenses?: readonly string[]; dev?: boolean; dependsOn?: readonly string[] } = {},
): Package | undefined {
  return makePackage({
    ecosystem: 'pypi',
    name,
    version,
    purlName: normalizePypiName(name.trim()),
    location,
    ...extra,
  });
}

export function pypiPurl(name: string, version: string): string | undefined {
  return pypiPackage(name, version, { path: '' })?.purl;
}
