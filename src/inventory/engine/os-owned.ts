/**
 * Language packages whose files the OS package manager installed (Debian's python3-* dist-info,
 * node modules shipped as .debs, Go binaries in rpms) are marked `osOwned`: the distro's own
 * advisories decide for them. Paths are compared after resolving symlinks in the final
 * filesystem, so `/lib/...` in a dpkg list matches `usr/lib/...` in a merged-/usr image.
 */
import type { MergedFilesystem } from '../../image/index.ts';
import type { Package } from '../types.ts';
import { unpackPaths, type OwnedPaths } from './layer-record.ts';

const OS_ECOSYSTEMS: ReadonlySet<Package['ecosystem']> = new Set(['deb', 'apk', 'rpm']);

export function isOsEcosystem(ecosystem: Package['ecosystem']): boolean {
  return OS_ECOSYSTEMS.has(ecosystem);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Above this many distinct file names, a substring pre-check of packed lists is not worth it. */
const MAX_PREFILTER_NAMES = 64;

/** The paths of `owned` whose file name is in `names` (packed lists are unpacked only if they may hold one). */
function candidates(owned: OwnedPaths, names: ReadonlySet<string>): readonly string[] {
  let paths: readonly string[];
  if (owned.kind === 'list') paths = owned.paths;
  else {
    if (names.size <= MAX_PREFILTER_NAMES && ![...names].some((name) => owned.packed.includes(name)))
      return [];
    paths = unpackPaths(owned.packed) ?? [];
  }
  return paths.filter((path) => names.has(baseName(path)));
}

/** Marks language packages found at OS-owned paths (with or without a leading `/`). */
export function markOsOwned(
  packages: readonly Package[],
  owned: readonly OwnedPaths[],
  fs: MergedFilesystem | undefined,
): Package[] {
  const language = packages.filter((pkg) => !isOsEcosystem(pkg.ecosystem) && pkg.osOwned !== true);
  if (language.length === 0 || owned.length === 0) return [...packages];
  // An OS owns hundreds of thousands of paths; only those named like a package's file can match,
  // so only those are resolved through symlinks.
  const names = new Set(language.flatMap((pkg) => pkg.locations.map((l) => baseName(l.path))));
  const set = new Set<string>();
  for (const list of owned) {
    for (const path of candidates(list, names)) {
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
