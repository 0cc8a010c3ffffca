import { stat } from 'node:fs/promises';
import { BosunError } from '../../util/errors.ts';
import { getMeta, openVulnDb } from './schema.ts';

export interface DbSourceStatus {
  /** The OSV ecosystem (URL sources) or the path of a directory/zip source. */
  readonly name: string;
  readonly source: string;
  readonly importedAt: string;
  readonly lastModified: string;
  readonly records: number;
}

export interface DbStatus {
  readonly path: string;
  readonly schemaVersion: number;
  readonly builtAt: string;
  readonly records: number;
  readonly withdrawn: number;
  /** Records (not withdrawn) per OSV ecosystem family, e.g. `{ Debian: 120, PyPI: 3000 }`. */
  readonly counts: Readonly<Record<string, number>>;
  readonly sources: readonly DbSourceStatus[];
  readonly sizeBytes: number;
}

/** What the DB at `path` holds; `VULNDB_MISSING` when there is none, `VULNDB_STALE` for another schema. */
export async function dbStatus(path: string): Promise<DbStatus> {
  let sizeBytes: number;
  try {
    sizeBytes = (await stat(path)).size;
  } catch (cause) {
    throw new BosunError('VULNDB_MISSING', `no vulnerability DB at ${path}; run \`bosun db update\``, {
      cause,
      details: { input: path },
    });
  }
  const db = openVulnDb(path);
  try {
    const sources = db
      .prepare('SELECT name, source, imported_at, last_modified, records FROM sources ORDER BY name')
      .all()
      .map((row) => ({
        name: String(row['name']),
        source: String(row['source']),
        importedAt: String(row['imported_at']),
        lastModified: String(row['last_modified']),
        records: Number(row['records']),
      }));
    return {
      path,
      schemaVersion: Number(getMeta(db, 'schema_version')),
      builtAt: getMeta(db, 'built_at') ?? '',
      records: Number(getMeta(db, 'records') ?? 0),
      withdrawn: Number(getMeta(db, 'withdrawn') ?? 0),
      counts: JSON.parse(getMeta(db, 'counts') ?? '{}') as Record<string, number>,
      sources,
      sizeBytes,
    };
  } finally {
    db.close();
  }
}
