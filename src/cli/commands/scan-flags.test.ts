import { describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import { defaultCacheDir, parseDbPaths, parseScanFlags, type ScanFlags } from './scan-flags.ts';

const ENV = { HOME: '/home/u' };

function parse(flags: Partial<ScanFlags>, env: Record<string, string> = ENV) {
  return parseScanFlags({ format: 'table', ...flags }, env, '/work');
}

describe('parseScanFlags', () => {
  it('defaults', () => {
    expect(parse({})).toEqual({
      format: 'table',
      ignoreUnfixed: false,
      pkgTypes: ['os', 'library'],
      vexFiles: [],
      exitCode: 0,
      listAllPkgs: false,
      includeOsOwned: false,
      scanners: ['vuln'],
      cacheDir: '/home/u/.cache/bosun',
      dbPath: '/home/u/.cache/bosun/db/bosun.db',
      skipDbUpdate: false,
      offline: false,
      quiet: false,
    });
  });

  it('reads every flag, resolving paths against the working directory', () => {
    expect(
      parse({
        format: 'sarif',
        output: 'out/r.sarif',
        severity: 'critical, HIGH,HIGH',
        ignoreUnfixed: true,
        pkgTypes: 'library',
        ignorefile: '.ignore',
        vex: ['a.json', '/abs/b.json'],
        exitCode: '3',
        listAllPkgs: true,
        includeOsOwned: true,
        scanners: 'vuln,model',
        cacheDir: 'cache',
        skipDbUpdate: true,
        offline: true,
        dbSource: 'osv',
        quiet: true,
      }),
    ).toEqual({
      format: 'sarif',
      output: '/work/out/r.sarif',
      severities: ['CRITICAL', 'HIGH'],
      ignoreUnfixed: true,
      pkgTypes: ['library'],
      ignoreFile: '/work/.ignore',
      vexFiles: ['/work/a.json', '/abs/b.json'],
      exitCode: 3,
      listAllPkgs: true,
      includeOsOwned: true,
      scanners: ['vuln', 'model'],
      cacheDir: '/work/cache',
      dbPath: '/work/cache/db/bosun.db',
      dbSource: '/work/osv',
      skipDbUpdate: true,
      offline: true,
      quiet: true,
    });
  });

  it.each([
    [{ format: 'yaml' }],
    [{ severity: 'SEVERE' }],
    [{ pkgTypes: 'os,binary' }],
    [{ pkgTypes: ',' }],
    [{ scanners: 'vuln,secret' }],
    [{ scanners: '' }],
    [{ exitCode: '-1' }],
    [{ exitCode: '256' }],
    [{ exitCode: '1.5' }],
  ])('rejects %j with CLI_USAGE', (flags) => {
    let caught: unknown;
    try {
      parse(flags);
    } catch (error) {
      caught = error;
    }
    expect(isBosunError(caught, 'CLI_USAGE')).toBe(true);
  });

  it('limits formats to those a command supports', () => {
    expect(() => parseScanFlags({ format: 'spdx-json' }, ENV, '/w', ['table', 'json'])).toThrow();
  });
});

describe('cache and DB paths', () => {
  it.each([
    [{ XDG_CACHE_HOME: '/xdg', HOME: '/home/u' }, '/xdg/bosun'],
    [{ XDG_CACHE_HOME: '', HOME: '/home/u' }, '/home/u/.cache/bosun'],
    [{ HOME: '/root' }, '/root/.cache/bosun'],
  ])('cache dir from %j is %s', (env, dir) => {
    expect(defaultCacheDir(env)).toBe(dir);
  });

  it.each([
    [{}, { cacheDir: '/home/u/.cache/bosun', dbPath: '/home/u/.cache/bosun/db/bosun.db' }],
    [{ dbPath: 'x.db' }, { cacheDir: '/home/u/.cache/bosun', dbPath: '/work/x.db' }],
    [
      { dbSource: 'https://mirror.example/osv' },
      {
        cacheDir: '/home/u/.cache/bosun',
        dbPath: '/home/u/.cache/bosun/db/bosun.db',
        dbSource: 'https://mirror.example/osv',
      },
    ],
    [
      { dbSource: 'all.zip', cacheDir: '/c' },
      { cacheDir: '/c', dbPath: '/c/db/bosun.db', dbSource: '/work/all.zip' },
    ],
  ])('%j → %j', (flags, paths) => {
    expect(parseDbPaths(flags, ENV, '/work')).toEqual(paths);
  });
});
