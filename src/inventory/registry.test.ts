import { describe, expect, it } from 'vitest';
import { analyzers, findAnalyzer } from './registry.ts';

// Paths an image commonly holds: every analyzer must answer the same way twice for each.
const SAMPLE_PATHS = [
  'etc/os-release',
  'usr/lib/os-release',
  'etc/alpine-release',
  'var/lib/dpkg/status',
  'var/lib/dpkg/status.d/base',
  'var/lib/dpkg/info/libc6:amd64.list',
  'lib/apk/db/installed',
  'var/lib/rpm/rpmdb.sqlite',
  'var/lib/rpm/Packages',
  'usr/lib/sysimage/rpm/Packages.db',
  'usr/lib/node_modules/npm/package.json',
  'app/package-lock.json',
  'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA',
  'app/go.sum',
  'usr/local/bin/app',
  'README',
  '',
];

describe('analyzer registry', () => {
  it('has unique kebab-case ids', () => {
    const ids = analyzers.map((analyzer) => analyzer.id);
    expect(new Set(ids).size).toEqual(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('finds each analyzer by id', () => {
    for (const analyzer of analyzers) expect(findAnalyzer(analyzer.id)).toBe(analyzer);
    expect(findAnalyzer('no-such-analyzer')).toBeUndefined();
  });

  it.each(analyzers.map((analyzer) => [analyzer.id, analyzer] as const))(
    '%s has an integer version >= 1',
    (_id, analyzer) => {
      expect(Number.isInteger(analyzer.version)).toBe(true);
      expect(analyzer.version).toBeGreaterThanOrEqual(1);
    },
  );

  it.each(analyzers.map((analyzer) => [analyzer.id, analyzer] as const))(
    '%s wants() is pure',
    (_id, analyzer) => {
      for (const path of SAMPLE_PATHS) {
        for (const size of [0, 1, 4096, 10_000_000]) {
          const first = analyzer.wants(path, { size, type: 'file' });
          expect(typeof first).toEqual('boolean');
          expect(analyzer.wants(path, { size, type: 'file' })).toEqual(first);
        }
      }
    },
  );
});
