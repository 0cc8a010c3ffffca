import type { Package, PackageLocation } from '../../types.ts';
import { makePackage } from '../lang-common/make-package.ts';

/** A Go module: name is the module path; purl namespace is the path up to the last `/`. */
export function goPackage(
  path: string,
  version: string,
  location: PackageLocation,
  properties?: Readonly<Record<string, string>>,
): Package | undefined {
  const slash = path.lastIndexOf('/');
  return makePackage({
    ecosystem: 'golang',
    name: path,
    version,
    ...(slash > 0 ? { purlNamespace: path.slice(0, slash), purlName: path.slice(slash + 1) } : {}),
    location,
    ...(properties === undefined ? {} : { properties }),
  });
}

/**
 * A Go toolchain version (`go1.21.5`, `go1.19`, `go1.22rc1`, `go1.21.0 X:boringcrypto`) as the
 * semver Go itself maps it to (`v1.21.5`, `v1.19.0`, `v1.22.0-rc.1`); `undefined` for devel builds.
 */
export function goToolchainSemver(goVersion: string): string | undefined {
  const match = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?(?:\s|$)/.exec(goVersion);
  if (match === null) return undefined;
  const [, major, minor, patch, pre, preNum] = match;
  return `v${major}.${minor}.${patch ?? '0'}${pre === undefined ? '' : `-${pre}.${preNum}`}`;
}
