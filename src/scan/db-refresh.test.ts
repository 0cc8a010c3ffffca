import { describe, expect, it } from 'vitest';
import type { DbStatus } from '../vulndb/index.ts';
import { decideDbRefresh, downloadBase, formatAge } from './db-refresh.ts';

const NOW = new Date('2026-03-10T12:00:00Z');
const HOUR = 3_600_000;

function status(builtAt: string, sources: { name: string; source: string }[] = []): DbStatus {
  return {
    path: '/c/db/bosun.db',
    schemaVersion: 1,
    builtAt,
    records: 10,
    withdrawn: 0,
    counts: {},
    sources: sources.map((s) => ({ ...s, importedAt: builtAt, lastModified: builtAt, records: 5 })),
    sizeBytes: 1,
  };
}

const fresh = status(new Date(NOW.getTime() - 2 * HOUR).toISOString());
const osvUrl = [{ name: 'PyPI', source: 'https://mirror.example/osv/PyPI/all.zip' }];
const old = status(new Date(NOW.getTime() - 25 * HOUR).toISOString(), osvUrl);
const oldLocal = status(new Date(NOW.getTime() - 25 * HOUR).toISOString(), [
  { name: '/data/osv', source: '/data/osv' },
]);

describe('decideDbRefresh', () => {
  it.each([
    [
      'missing, online: download',
      { status: 'missing' as const },
      { kind: 'update', reason: 'missing', source: undefined },
    ],
    [
      'missing, online, --db-source: build from it',
      { status: 'missing' as const, source: '/osv' },
      { kind: 'update', reason: 'missing', source: '/osv' },
    ],
    ['missing, offline: error', { status: 'missing' as const, offline: true }, 'VULNDB_MISSING'],
    ['missing, --skip-db-update: error', { status: 'missing' as const, skipUpdate: true }, 'VULNDB_MISSING'],
    ['other schema, offline: error', { status: 'schema' as const, offline: true }, 'VULNDB_STALE'],
    [
      'other schema, online: rebuild',
      { status: 'schema' as const },
      { kind: 'update', reason: 'schema', source: undefined },
    ],
    ['2 h old: use', { status: fresh }, { kind: 'use' }],
    [
      '25 h old from a URL: refresh from that URL',
      { status: old },
      { kind: 'update', reason: 'stale', source: 'https://mirror.example/osv' },
    ],
    [
      '25 h old, --db-source given: refresh from it',
      { status: old, source: '/other' },
      { kind: 'update', reason: 'stale', source: '/other' },
    ],
    [
      'exactly 24 h old: use',
      { status: status(new Date(NOW.getTime() - 24 * HOUR).toISOString()) },
      { kind: 'use' },
    ],
    [
      '2 h old with a 1 h limit: refresh',
      { status: status(fresh.builtAt, osvUrl), maxAgeMs: HOUR },
      { kind: 'update', reason: 'stale', source: 'https://mirror.example/osv' },
    ],
  ])('%s', (_name, input, expected) => {
    const run = () => decideDbRefresh({ path: '/c/db/bosun.db', now: NOW, ...input });
    if (typeof expected === 'string') {
      const decision = run();
      expect(decision.kind).toBe('error');
      expect(decision.kind === 'error' ? decision.code : undefined).toBe(expected);
    } else {
      expect(run()).toEqual(expected);
    }
  });

  it.each([
    ['offline', { offline: true }, 'not refreshed: --offline'],
    ['--skip-db-update', { skipUpdate: true }, 'not refreshed: --skip-db-update'],
  ])('an old DB is used with a warning when %s', (_name, flags, text) => {
    const decision = decideDbRefresh({ path: '/db', status: old, now: NOW, ...flags });
    expect(decision.kind).toBe('use');
    expect(decision.kind === 'use' ? decision.warning : '').toContain(text);
    expect(decision.kind === 'use' ? decision.warning : '').toContain('25 h');
  });

  it('an old DB imported from local files is used with a warning, never refreshed from the internet', () => {
    const decision = decideDbRefresh({ path: '/db', status: oldLocal, now: NOW });
    expect(decision.kind).toBe('use');
    expect(decision.kind === 'use' ? decision.warning : '').toContain('bosun db import');
  });

  it('a DB with an unreadable build time counts as old', () => {
    expect(decideDbRefresh({ path: '/db', status: status('', osvUrl), now: NOW }).kind).toBe('update');
  });
});

describe('downloadBase', () => {
  it.each([
    [
      [{ name: 'npm', source: 'https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip' }],
      'https://osv-vulnerabilities.storage.googleapis.com',
    ],
    [[{ name: 'Red Hat', source: 'http://127.0.0.1:9/x/Red%20Hat/all.zip' }], 'http://127.0.0.1:9/x'],
    [[{ name: '/osv', source: '/osv' }], undefined],
    [[{ name: 'npm', source: '/local/npm/all.zip' }], undefined],
  ])('%j → %s', (sources, base) => {
    expect(downloadBase(status(NOW.toISOString(), sources))).toBe(base);
  });
});

describe('formatAge', () => {
  it.each([
    [30 * 60_000, '30 min'],
    [25 * HOUR, '25 h'],
    [72 * HOUR, '3 d'],
  ])('%i ms → %s', (ms, text) => expect(formatAge(ms)).toBe(text));
});
