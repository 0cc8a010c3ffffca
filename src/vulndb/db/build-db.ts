import type { DatabaseSync } from 'node:sqlite';
import { importOsv, type ImportOptions, type ImportResult } from '../import/import-osv.ts';
import { sourceLabel, type OsvSource } from '../import/osv-source.ts';
import { replaceDbAtomically } from './temp-db.ts';

export interface BuildOptions extends Omit<ImportOptions, 'sourceName'> {
  /** Build time written to the DB (tests pass a fixed one). */
  readonly now?: Date;
}

/**
 * Builds a new vulnerability DB at `path` from OSV sources (directories, `all.zip` files or
 * in-memory records), replacing any DB there only once the new one is complete.
 */
export async function buildVulnDb(
  path: string,
  sources: readonly OsvSource[],
  options: BuildOptions = {},
): Promise<readonly ImportResult[]> {
  const now = options.now ?? new Date();
  return replaceDbAtomically(path, { copyExisting: false, now }, async (db) => {
    const results: ImportResult[] = [];
    for (const source of sources) {
      const result = await importOsv(db, source, options);
      recordSource(db, sourceLabel(source), sourceLabel(source), result, now);
      results.push(result);
    }
    return results;
  });
}

/** One row of the `sources` table: where records came from and how far they go. */
export function recordSource(
  db: DatabaseSync,
  name: string,
  source: string,
  result: ImportResult,
  now: Date,
): void {
  db.prepare(
    `INSERT INTO sources(name, source, imported_at, last_modified, records) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET source = excluded.source, imported_at = excluded.imported_at,
       last_modified = excluded.last_modified, records = excluded.records`,
  ).run(name, source, now.toISOString(), result.lastModified, result.imported);
}
