/**
 * Language packages whose files the OS package manager installed (Debian's python3-* dist-info,
 * node modules shipped as .debs, Go binaries in rpms) are marked `osOwned`: the distro's own
 * advisories decide for them. Paths are compared after resolving symlinks in the final
 * filesystem, so `/lib/...` in a dpkg list matches `usr/lib/...` in a merged-/usr image.
 */
import type { MergedFilesystem } from '../../image/index.ts';
import type { Package } from '../types.ts';

const OS_ECOSYSTEMS: ReadonlySet<Package['ecosystem']> = new Set(['deb', 'apk', 'rpm']);

export function isOsEcosystem(ecosystem: Package['ecosystem']): boolean {
  return OS_ECOSYSTEMS.has(ecosystem);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Marks language packages found at OS-owned paths. `owned` holds lists of paths, with or without a leading `/`. */
export function markOsOwned(
  packages: readonly Package[],
  owned: readonly (readonly string[])[],
  fs: MergedFilesystem | undefined,
): Package[] {
  const language = packages.filter((pkg) => !isOsEcosystem(pkg.ecosystem) && pkg.osOwned !== true);
  if (language.length === 0 || owned.length === 0) return [...packages];
  // An OS owns hundreds of thousands of paths; only those named like a package's file can match,
  // so only those are resolved through symlinks.
  const names = new Set(language.flatMap((pkg) => pkg.locations.map((l) => baseName(l.path))));
  const set = new Set<string>();
  for (const list of owned) {
    for (const path of list) {
      if (!names.has(baseName(path))) continue;
      const clean = path.replace(/^\/+/, '');
      set.add(clean);
      const resolved = fs?.resolvePath(clean, { followFinal: false });
      if (resolved !== undefined) set.add(resolved.path);
    }
  }
  return packages.map((pkg) =>
    isOsEcosystem(pkg.ecosystem) || pkg.osOwned === true || !pkg.locations.some((l) => set.has(l.path))
      ? pkg
      : { ...pkg, osOwned: true },
  );
}
