/**
 * The name under which an affected package is stored and looked up, per OSV ecosystem family.
 * Only ecosystems whose registries treat names case-insensitively are folded: PyPI (PEP 503
 * normalisation), NuGet, Packagist and crates.io. Everything else (rpm, Go module paths, Maven
 * coordinates, npm) is case-sensitive and kept as written.
 */
export function normalizePackageName(family: string, name: string): string {
  switch (family) {
    case 'PyPI':
      return name
        .trim()
        .toLowerCase()
        .replace(/[-_.]+/g, '-');
    case 'NuGet':
    case 'Packagist':
    case 'crates.io':
      return name.trim().toLowerCase();
    default:
      return name.trim();
  }
}
