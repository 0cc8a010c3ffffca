/**
 * OSV records for tests and benchmarks: `osvRecord` fills the required fields around the facts a
 * test states; `syntheticOsvRecords` makes a deterministic dump shaped like OSV's exports
 * (npm/PyPI/Go/Maven ranges, Debian/Alpine distro records, aliases, CVSS vectors).
 */
export interface OsvFixtureAffected {
  readonly ecosystem: string;
  readonly name: string;
  readonly ranges?: readonly { readonly type: string; readonly events: readonly Record<string, string>[] }[];
  readonly versions?: readonly string[];
  readonly ecosystem_specific?: Record<string, unknown>;
  readonly database_specific?: Record<string, unknown>;
  readonly severity?: readonly { readonly type: string; readonly score: string }[];
}

export interface OsvFixture {
  readonly id: string;
  readonly modified?: string;
  readonly withdrawn?: string;
  readonly aliases?: readonly string[];
  readonly summary?: string;
  readonly severity?: readonly { readonly type: string; readonly score: string }[];
  readonly affected: readonly OsvFixtureAffected[];
  readonly database_specific?: Record<string, unknown>;
}

export function osvRecord(fixture: OsvFixture): Record<string, unknown> {
  return {
    schema_version: '1.6.0',
    modified: '2024-01-01T00:00:00Z',
    published: '2024-01-01T00:00:00Z',
    ...fixture,
    affected: fixture.affected.map(({ ecosystem, name, ...rest }) => ({
      package: { ecosystem, name },
      ...rest,
    })),
  };
}

/** `introduced`/`fixed` range events in order. */
export function range(type: 'ECOSYSTEM' | 'SEMVER', ...events: [kind: string, version: string][]) {
  return { type, events: events.map(([kind, version]) => ({ [kind]: version })) };
}

/** A small deterministic PRNG (mulberry32) so synthetic dumps are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ECOSYSTEMS = ['npm', 'PyPI', 'Go', 'Maven', 'Debian:12', 'Alpine:v3.19'] as const;

/** Package names used by the synthetic dump for one ecosystem (so benchmarks can pick matching inventories). */
export function syntheticName(ecosystem: string, index: number): string {
  switch (ecosystem) {
    case 'Go':
      return `github.com/org${index % 97}/mod${index}`;
    case 'Maven':
      return `org.example${index % 89}:artifact-${index}`;
    case 'PyPI':
      return `py-package-${index}`;
    default:
      return `pkg-${index}`;
  }
}

export function syntheticVersion(ecosystem: string, major: number, minor: number, patch: number): string {
  if (ecosystem.startsWith('Debian'))
    return `${major}.${minor}.${patch}-${1 + (patch % 3)}+deb12u${patch % 4}`;
  if (ecosystem.startsWith('Alpine')) return `${major}.${minor}.${patch}-r${patch % 7}`;
  return `${major}.${minor}.${patch}`;
}

/** `count` records spread over `packagesPerEcosystem` names in each ecosystem. */
export function* syntheticOsvRecords(
  count: number,
  packagesPerEcosystem: number,
  seed = 1,
): Generator<Record<string, unknown>> {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  for (let i = 0; i < count; i++) {
    const ecosystem = ECOSYSTEMS[i % ECOSYSTEMS.length] as string;
    const name = syntheticName(ecosystem, int(packagesPerEcosystem));
    const major = int(5);
    const minor = int(20);
    const fixed = syntheticVersion(ecosystem, major, minor, 1 + int(20));
    const introduced = int(3) === 0 ? '0' : syntheticVersion(ecosystem, major, 0, 0);
    const cve = `CVE-${2000 + (i % 25)}-${100000 + i}`;
    const distro = ecosystem.includes(':');
    yield osvRecord({
      id: distro
        ? `${ecosystem.startsWith('Debian') ? 'DEBIAN' : 'ALPINE'}-${cve}`
        : `GHSA-${i.toString(36).padStart(4, '0')}-syn-${i % 997}`,
      modified: `2024-${String(1 + (i % 12)).padStart(2, '0')}-01T00:00:00Z`,
      aliases: [cve],
      summary: `Synthetic vulnerability ${i} in ${name}`,
      ...(i % 3 === 0
        ? { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] }
        : {}),
      affected: [
        {
          ecosystem,
          name,
          ranges: [
            range(
              ecosystem === 'npm' || ecosystem === 'Go' ? 'SEMVER' : 'ECOSYSTEM',
              ['introduced', introduced],
              ['fixed', fixed],
            ),
          ],
          ...(distro
            ? { ecosystem_specific: { urgency: ['low', 'medium', 'high', 'unimportant'][i % 4] } }
            : {}),
        },
      ],
      ...(distro ? {} : { database_specific: { severity: ['LOW', 'MODERATE', 'HIGH', 'CRITICAL'][i % 4] } }),
    });
  }
}
