/**
 * Installed metadata versus lockfiles (docs/inventory.md): in an image, what is installed is what
 * runs, so installed metadata (node_modules, dist-info, gemspecs, jars, binaries) is reported and a
 * lockfile only fills a gap. A lockfile in directory D is "covered" for an ecosystem, and its
 * packages of that ecosystem dropped, when installed packages of that ecosystem exist:
 * - under D, for ecosystems that install into the project (npm `node_modules`, Composer
 *   `vendor`, .NET `*.deps.json` beside the app);
 * - anywhere in the image, for ecosystems that install into a shared place (Python
 *   site-packages, RubyGems, Go and Rust binaries, Maven jars).
 * Directory scans keep both: a source tree's lockfile is the only record there may be.
 */
import type { Package } from '../types.ts';

const PROJECT_LOCAL: ReadonlySet<Package['ecosystem']> = new Set(['npm', 'composer', 'nuget']);

export interface SourcedPackages {
  readonly path: string;
  readonly kind: 'installed' | 'lockfile' | undefined;
  readonly packages: readonly Package[];
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function under(path: string, dir: string): boolean {
  return dir === '' || path.startsWith(`${dir}/`);
}

/** Drops lockfile packages that installed metadata covers (image mode). */
export function applyLockfileRule(sources: readonly SourcedPackages[]): Package[] {
  const installedPaths = new Map<Package['ecosystem'], string[]>();
  for (const source of sources) {
    if (source.kind === 'lockfile') continue;
    for (const pkg of source.packages) {
      let paths = installedPaths.get(pkg.ecosystem);
      if (paths === undefined) installedPaths.set(pkg.ecosystem, (paths = []));
      paths.push(source.path);
    }
  }
  const covered = (ecosystem: Package['ecosystem'], lockfile: string): boolean => {
    const paths = installedPaths.get(ecosystem);
    if (paths === undefined) return false;
    if (!PROJECT_LOCAL.has(ecosystem)) return true;
    const dir = dirOf(lockfile);
    return paths.some((path) => under(path, dir));
  };
  return sources.flatMap((source) =>
    source.kind === 'lockfile'
      ? source.packages.filter((pkg) => !covered(pkg.ecosystem, source.path))
      : source.packages,
  );
}
