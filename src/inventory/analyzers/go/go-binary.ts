import type { Package, PackageLocation } from '../../types.ts';
import { dedupePackages } from '../lang-common/make-package.ts';
import { readGoBuildInfo, type GoBuildInfo, type GoModule } from './buildinfo.ts';
import { goPackage, goToolchainSemver } from './go-package.ts';

/**
 * Packages of a Go executable: every dependency module (replacements applied), the main module
 * when it has a real version, and the toolchain as `stdlib` (the standard library is compiled in).
 */
export function goBinaryPackages(info: GoBuildInfo, location: PackageLocation): Package[] {
  const out: (Package | undefined)[] = [];
  const add = (mod: GoModule, extra: Record<string, string>): void => {
    const replace = mod.replace;
    // `go version -m` writes `(devel)` (older toolchains: nothing) for a directory replacement.
    const local = replace !== undefined && (replace.version === '' || replace.version === '(devel)');
    if (replace !== undefined && !local) {
      // A module replacement: the replacement's code is what was built.
      out.push(
        goPackage(replace.path, replace.version, location, {
          ...extra,
          replaces: `${mod.path}@${mod.version}`,
        }),
      );
    } else if (replace !== undefined) {
      // A directory replacement: local code; keep the name and note where it came from.
      if (mod.version !== '(devel)')
        out.push(goPackage(mod.path, mod.version, location, { ...extra, replacedBy: replace.path }));
    } else if (mod.version !== '(devel)') {
      out.push(goPackage(mod.path, mod.version, location, extra));
    }
  };
  if (info.main !== undefined) add(info.main, { goMainModule: 'true' });
  for (const dep of info.deps) add(dep, {});
  const std = goToolchainSemver(info.goVersion);
  if (std !== undefined) out.push(goPackage('stdlib', std, location, { goToolchain: info.goVersion }));
  return dedupePackages(out.filter((p) => p !== undefined));
}

/** Parse a file that may be a Go executable: `[]` when it is not one. */
export function parseGoBinary(bytes: Uint8Array, location: PackageLocation): Package[] {
  const info = readGoBuildInfo(bytes, location.path);
  return info === undefined ? [] : goBinaryPackages(info, location);
}
