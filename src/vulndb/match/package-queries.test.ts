import { describe, expect, it } from 'vitest';
import type { OsInfo, Package } from '../../inventory/index.ts';
import { packageQueries } from './package-queries.ts';

function pkg(ecosystem: Package['ecosystem'], name: string, extra: Partial<Package> = {}): Package {
  return {
    ecosystem,
    name,
    version: '1.0',
    licenses: [],
    purl: `pkg:${ecosystem}/${name}`,
    locations: [],
    ...extra,
  };
}

/** Which of the candidate ecosystem strings the lookup accepts, and what it looks up. */
function lookups(p: Package, os: OsInfo | undefined, candidates: string[]) {
  const queries = packageQueries(p, os);
  if (!Array.isArray(queries)) return queries;
  return queries.map((q) => ({
    family: q.family,
    name: q.name,
    version: q.version,
    accepts: candidates.filter((c) => q.accepts(c)),
  }));
}

describe('packageQueries: OSV ecosystem strings built from the OS', () => {
  it.each([
    {
      os: { family: 'debian', version: '12' },
      p: pkg('deb', 'libssl3', { sourceName: 'openssl', sourceVersion: '3.0.11-1~deb12u2' }),
      candidates: ['Debian:12', 'Debian:11', 'Debian', 'Ubuntu:22.04:LTS'],
      expected: [{ family: 'Debian', name: 'openssl', version: '3.0.11-1~deb12u2', accepts: ['Debian:12'] }],
    },
    {
      os: { family: 'distroless', version: '12' },
      p: pkg('deb', 'base-files'),
      candidates: ['Debian:12', 'Debian:11'],
      expected: [{ family: 'Debian', name: 'base-files', version: '1.0', accepts: ['Debian:12'] }],
    },
    {
      os: { family: 'ubuntu', version: '22.04' },
      p: pkg('deb', 'bash'),
      candidates: ['Ubuntu:22.04:LTS', 'Ubuntu:22.04', 'Ubuntu:Pro:22.04:LTS', 'Ubuntu:20.04:LTS'],
      expected: [
        { family: 'Ubuntu', name: 'bash', version: '1.0', accepts: ['Ubuntu:22.04:LTS', 'Ubuntu:22.04'] },
      ],
    },
    {
      os: { family: 'alpine', version: '3.19.1' },
      p: pkg('apk', 'libcrypto3', { sourceName: 'openssl', sourceVersion: '3.1.4-r5' }),
      candidates: ['Alpine:v3.19', 'Alpine:v3.18', 'Alpine'],
      expected: [{ family: 'Alpine', name: 'openssl', version: '3.1.4-r5', accepts: ['Alpine:v3.19'] }],
    },
    {
      os: { family: 'rocky', version: '9.3' },
      p: pkg('rpm', 'openssl-libs', { sourceName: 'openssl', sourceVersion: '1:3.0.7-24.el9' }),
      candidates: ['Rocky Linux:9', 'Rocky Linux:8', 'Rocky Linux'],
      expected: [
        {
          family: 'Rocky Linux',
          name: 'openssl',
          version: '1:3.0.7-24.el9',
          accepts: ['Rocky Linux:9', 'Rocky Linux'],
        },
      ],
    },
    {
      os: { family: 'almalinux', version: '8.9' },
      p: pkg('rpm', 'bash'),
      candidates: ['AlmaLinux:8', 'AlmaLinux:9'],
      expected: [{ family: 'AlmaLinux', name: 'bash', version: '1.0', accepts: ['AlmaLinux:8'] }],
    },
    {
      os: { family: 'rhel', version: '9.2' },
      p: pkg('rpm', 'openssl-libs', {
        sourceName: 'openssl',
        sourceVersion: '1:3.0.7-24.el9',
        version: '1:3.0.7-24.el9',
      }),
      candidates: [
        'Red Hat:enterprise_linux:9::appstream',
        'Red Hat:rhel_eus:9.2::baseos',
        'Red Hat:enterprise_linux:8::baseos',
      ],
      expected: [
        {
          family: 'Red Hat',
          name: 'openssl',
          version: '1:3.0.7-24.el9',
          accepts: ['Red Hat:enterprise_linux:9::appstream', 'Red Hat:rhel_eus:9.2::baseos'],
        },
        {
          family: 'Red Hat',
          name: 'openssl-libs',
          version: '1:3.0.7-24.el9',
          accepts: ['Red Hat:enterprise_linux:9::appstream', 'Red Hat:rhel_eus:9.2::baseos'],
        },
      ],
    },
    {
      os: { family: 'sles', version: '15-SP5', prettyName: 'SUSE Linux Enterprise Server 15 SP5' },
      p: pkg('rpm', 'libopenssl3', { sourceName: 'openssl-3', sourceVersion: '3.0.8-150500.5.20.1' }),
      candidates: ['SUSE:SUSE Linux Enterprise Server 15 SP5', 'SUSE:SUSE Linux Enterprise Server 15 SP4'],
      expected: [
        {
          family: 'SUSE',
          name: 'openssl-3',
          version: '3.0.8-150500.5.20.1',
          accepts: ['SUSE:SUSE Linux Enterprise Server 15 SP5'],
        },
      ],
    },
    {
      os: { family: 'wolfi' },
      p: pkg('apk', 'glibc'),
      candidates: ['Wolfi', 'Chainguard'],
      expected: [{ family: 'Wolfi', name: 'glibc', version: '1.0', accepts: ['Wolfi'] }],
    },
    {
      os: undefined,
      p: pkg('pypi', 'Jinja2'),
      candidates: ['PyPI', 'npm'],
      expected: [{ family: 'PyPI', name: 'jinja2', version: '1.0', accepts: ['PyPI'] }],
    },
    {
      os: undefined,
      p: pkg('maven', 'org.apache.logging.log4j:log4j-core'),
      candidates: ['Maven', 'Maven:https://maven.google.com', 'npm'],
      expected: [
        {
          family: 'Maven',
          name: 'org.apache.logging.log4j:log4j-core',
          version: '1.0',
          accepts: ['Maven', 'Maven:https://maven.google.com'],
        },
      ],
    },
    {
      os: undefined,
      p: pkg('nuget', 'Newtonsoft.Json'),
      candidates: ['NuGet'],
      expected: [{ family: 'NuGet', name: 'newtonsoft.json', version: '1.0', accepts: ['NuGet'] }],
    },
  ])('$os.family $p.ecosystem $p.name', ({ os, p, candidates, expected }) => {
    expect(lookups(p, os, candidates)).toEqual(expected);
    // A query that names its ecosystems exactly (the DB filters rows by them) accepts exactly those.
    const queries = packageQueries(p, os);
    for (const q of Array.isArray(queries) ? queries : []) {
      if (q.ecosystems === undefined) continue;
      const known = [...candidates, ...q.ecosystems, `${q.family}:other`];
      expect(known.filter((c) => q.accepts(c))).toEqual(known.filter((c) => q.ecosystems?.includes(c)));
    }
  });

  it.each([
    [{ family: 'debian', version: '12' }, pkg('deb', 'bash'), ['Debian:12']],
    [{ family: 'ubuntu', version: '22.04' }, pkg('deb', 'bash'), ['Ubuntu:22.04', 'Ubuntu:22.04:LTS']],
    [{ family: 'rhel', version: '9' }, pkg('rpm', 'bash'), undefined],
    [undefined, pkg('npm', 'left-pad'), undefined],
  ])('on %j, %j names its ecosystems exactly as %j', (os, p, ecosystems) => {
    const queries = packageQueries(p, os);
    expect(Array.isArray(queries) ? queries.map((q) => q.ecosystems) : queries).toEqual([ecosystems]);
  });

  it.each([
    { os: undefined, p: pkg('deb', 'bash') },
    { os: { family: 'unknown' }, p: pkg('rpm', 'bash') },
    { os: { family: 'fedora', version: '39' }, p: pkg('rpm', 'bash') },
    { os: { family: 'debian' }, p: pkg('deb', 'bash') },
  ])('cannot match $p.ecosystem on $os.family', ({ os, p }) => {
    expect(packageQueries(p, os)).toEqual({ unsupported: expect.any(String) });
  });
});
