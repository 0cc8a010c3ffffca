import { DatabaseSync } from 'node:sqlite';
import { BosunError } from '../../util/errors.ts';

/**
 * Bumped whenever the tables change; a DB with another version is rebuilt, never read.
 * 2: compact `affected.data` (db/stored-affected.ts), `refs` as a list of URLs, no `aliases` table.
 * 3: `vulns.source` is an id into `record_sources` (a dump's path was repeated on every record).
 */
export const SCHEMA_VERSION = 3;

const TABLES = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sources (
  name TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  records INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE record_sources (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE vulns (
  id INTEGER PRIMARY KEY,
  vuln_id TEXT NOT NULL UNIQUE,
  source INTEGER NOT NULL,
  modified TEXT NOT NULL,
  published TEXT,
  withdrawn TEXT,
  title TEXT,
  rating TEXT,
  severity TEXT,
  refs TEXT,
  aliases TEXT
);
`;

function affectedTable(name: string): string {
  return `CREATE TABLE ${name} (
  vuln INTEGER NOT NULL,
  family TEXT NOT NULL,
  name TEXT NOT NULL,
  ecosystem TEXT NOT NULL,
  data TEXT NOT NULL
);`;
}

/** Secondary indexes, created after a bulk import (building them once is faster than maintaining them row by row). */
const INDEXES = `
CREATE INDEX IF NOT EXISTS affected_package ON affected(family, name);
CREATE INDEX IF NOT EXISTS affected_vuln ON affected(vuln);
CREATE INDEX IF NOT EXISTS vulns_source ON vulns(source);
`;

/**
 * Creates the tables of a new DB. With `staging` (an attached schema), `affected` is made there:
 * a fresh import fills it unsorted, and `clusterAffected` then writes the final table into the
 * main file in order, so the main file never holds the unsorted copy (no free pages left behind).
 */
export function createTables(db: DatabaseSync, staging?: string): void {
  db.exec(TABLES);
  db.exec(affectedTable(`${staging ?? 'main'}.affected`));
  setMeta(db, 'schema_version', String(SCHEMA_VERSION));
}

/**
 * Writes the staged `affected` rows (see `createTables`) into the main file's `affected` table in
 * (family, name) order, so one package's rows share pages: matching then reads one or two pages
 * per package instead of one per record. Done once after a fresh import.
 */
export function clusterAffected(db: DatabaseSync, staging: string): void {
  db.exec('BEGIN');
  db.exec(affectedTable('main.affected'));
  // The (family, name) index exists before the rows arrive in its order: each entry is appended,
  // cheaper than sorting them again to build it afterwards.
  db.exec('CREATE INDEX main.affected_package ON affected(family, name)');
  db.exec(`INSERT INTO main.affected SELECT * FROM ${staging}.affected ORDER BY family, name`);
  db.exec(`DROP TABLE ${staging}.affected`);
  db.exec('COMMIT');
}

export function createIndexes(db: DatabaseSync): void {
  db.exec(INDEXES);
}

/** The id that `vulns.source` stores for a source name (an OSV ecosystem, or a dump's path or label), made on first use. */
export function recordSourceId(db: DatabaseSync, name: string): number {
  db.prepare('INSERT INTO record_sources(name) VALUES (?) ON CONFLICT(name) DO NOTHING').run(name);
  return Number(db.prepare('SELECT id FROM record_sources WHERE name = ?').get(name)?.['id']);
}

export function setMeta(db: DatabaseSync, key: string, value: string): void {
  db.prepare(
    'INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}

export function getMeta(db: DatabaseSync, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key);
  return row === undefined ? undefined : String(row['value']);
}

/**
 * Pragmas for building a DB nobody reads yet (`schema`: main, or the attached staging file): a
 * crash only loses temp files, so the rollback journal stays in memory and nothing is synced
 * (`journal_mode = OFF` would do no better: node:sqlite's defensive mode ignores it and keeps a
 * journal file).
 * 16 KiB pages (a new DB only; a copied one keeps its own): real affected rows with long
 * `versions` lists fit a page instead of spilling to overflow pages, and the bulk import does
 * fewer page splits (about 5% less CPU on the 300,000-record bench). Sorts that outgrow the
 * cache spill to temp files rather than memory: a full OSV export is far larger than the bench.
 */
export function useBuildPragmas(db: DatabaseSync, schema = 'main'): void {
  // The staging file is only appended to and then read once in order: a small cache does.
  const cacheKib = schema === 'main' ? 65_536 : 8_192;
  db.exec(
    `PRAGMA ${schema}.page_size = 16384; PRAGMA ${schema}.journal_mode = MEMORY; PRAGMA ${schema}.synchronous = OFF;
     PRAGMA temp_store = FILE; PRAGMA ${schema}.cache_size = -${cacheKib};`,
  );
}

/** Opens a finished DB for reading; `VULNDB_MISSING` if absent, `VULNDB_STALE` if its schema is another version. */
export function openVulnDb(path: string): DatabaseSync {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly: true });
  } catch (cause) {
    throw new BosunError(
      'VULNDB_MISSING',
      `vulnerability DB ${path} cannot be opened; run \`bosun db update\``,
      {
        cause,
        details: { input: path },
      },
    );
  }
  try {
    // Matching reads a few rows per package all over the file: map it rather than copy pages.
    db.exec('PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -65536;');
    const version = getMeta(db, 'schema_version');
    if (version !== String(SCHEMA_VERSION)) {
      throw new BosunError(
        'VULNDB_STALE',
        `vulnerability DB ${path} has schema ${version ?? 'none'}, expected ${SCHEMA_VERSION}`,
        {
          details: { input: path, schema: version ?? 'none', expected: SCHEMA_VERSION },
        },
      );
    }
  } catch (error) {
    db.close();
    if (error instanceof BosunError) throw error;
    throw new BosunError('VULNDB_STALE', `vulnerability DB ${path} is not a Bosun DB`, {
      cause: error,
      details: { input: path },
    });
  }
  return db;
}
