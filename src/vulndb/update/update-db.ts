import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { BosunError } from '../../util/errors.ts';
import { recordSource } from '../db/build-db.ts';
import { dbStatus, type DbStatus } from '../db/db-status.ts';
import { replaceDbAtomically } from '../db/temp-db.ts';
import { importOsv, type ImportIssue, type ImportResult } from '../import/import-osv.ts';
import type { OsvSource, SourceLimits } from '../import/osv-source.ts';
import type { OsvParseLimits } from '../osv/parse-osv.ts';
import { downloadTo, getBytes, type FetchLike, type HttpOptions } from './http-get.ts';
import { parseModifiedCsv } from './modified-csv.ts';

/** OSV's public export bucket: `<base>/<ecosystem>/all.zip`, `modified_id.csv` and `<id>.json`. */
export const DEFAULT_OSV_BASE_URL = 'https://osv-vulnerabilities.storage.googleapis.com';

/** The OSV ecosystems whose packages Bosun's analyzers find. */
export const DEFAULT_OSV_ECOSYSTEMS: readonly string[] = [
  'AlmaLinux',
  'Alpine',
  'Chainguard',
  'Debian',
  'Go',
  'Maven',
  'NuGet',
  'Packagist',
  'PyPI',
  'Red Hat',
  'Rocky Linux',
  'RubyGems',
  'SUSE',
  'Ubuntu',
  'Wolfi',
  'crates.io',
  'npm',
  'openSUSE',
];

export type UpdateProgress =
  | { readonly phase: 'download'; readonly ecosystem: string; readonly bytes: number }
  | { readonly phase: 'import'; readonly ecosystem: string; readonly records: number }
  | {
      readonly phase: 'changes';
      readonly ecosystem: string;
      readonly changed: number;
      readonly done: number;
    };

export interface UpdateOptions {
  /** Where the DB lives; replaced atomically. */
  readonly dbPath: string;
  /** `--db-source`: an HTTP(S) base URL laid out like OSV's bucket, a directory of OSV JSON, or a zip of it. */
  readonly source?: string;
  /** OSV ecosystems to fetch from a URL source (default: those already in the DB, else `DEFAULT_OSV_ECOSYSTEMS`). */
  readonly ecosystems?: readonly string[];
  /** Download every `all.zip` even when the DB could be refreshed record by record. */
  readonly full?: boolean;
  /** More changed records than this and the ecosystem's `all.zip` is fetched instead. */
  readonly maxIncrementalRecords?: number;
  readonly limits?: {
    readonly downloadBytes?: number;
    readonly csvBytes?: number;
    readonly record?: OsvParseLimits;
    readonly source?: SourceLimits;
  };
  readonly fetch?: FetchLike;
  readonly timeoutMs?: number;
  /** Folder for downloaded zips (removed afterwards). */
  readonly tempDir?: string;
  readonly now?: Date;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: UpdateProgress) => void;
}

export interface EcosystemUpdate {
  readonly ecosystem: string;
  readonly mode: 'full' | 'incremental';
  /** Records written (full: all of the ecosystem; incremental: changed ones). */
  readonly records: number;
  readonly removed: number;
  readonly invalid: number;
  readonly issues: readonly ImportIssue[];
}

export interface UpdateResult {
  readonly updates: readonly EcosystemUpdate[];
  readonly status: DbStatus;
}

const DEFAULT_DOWNLOAD_BYTES = 4 * 1024 * 1024 * 1024;
const DEFAULT_CSV_BYTES = 256 * 1024 * 1024;
const DEFAULT_RECORD_BYTES = 16 * 1024 * 1024;

/**
 * `bosun db update`: refreshes the DB at `dbPath` from `source`. A URL source is read per
 * ecosystem: an ecosystem already in the DB is refreshed from `modified_id.csv` (only records
 * changed since its last import are fetched), others download `all.zip`. A directory or zip
 * source rebuilds the DB from it. The DB file is replaced only when the update completed.
 */
export async function updateVulnDb(options: UpdateOptions): Promise<UpdateResult> {
  const source = options.source ?? DEFAULT_OSV_BASE_URL;
  const now = options.now ?? new Date();
  let updates: EcosystemUpdate[];
  if (/^https?:\/\//i.test(source)) {
    updates = await updateFromUrl(source.replace(/\/+$/, ''), options, now);
  } else {
    const local = await localSource(source);
    updates = await replaceDbAtomically(options.dbPath, { copyExisting: false, now }, async (db) => {
      const result = await importOsv(db, local, importOptions(options, source));
      recordSource(db, source, source, result, now);
      return [fromImport(source, 'full', result, 0)];
    });
  }
  return { updates, status: await dbStatus(options.dbPath) };
}

async function localSource(path: string): Promise<OsvSource> {
  let info;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new BosunError('VULNDB_INVALID', `DB source ${path} does not exist`, {
      cause,
      details: { input: path },
    });
  }
  return info.isDirectory() ? { kind: 'dir', path } : { kind: 'zip', path };
}

async function updateFromUrl(base: string, options: UpdateOptions, now: Date): Promise<EcosystemUpdate[]> {
  const http: HttpOptions = {
    fetch: options.fetch ?? ((url, init) => fetch(url, init)),
    timeoutMs: options.timeoutMs ?? 300_000,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const temp = await mkdtemp(join(options.tempDir ?? tmpdir(), 'bosun-osv-'));
  try {
    return await replaceDbAtomically(options.dbPath, { copyExisting: true, now }, async (db) => {
      const known = knownSources(db);
      const ecosystems = options.ecosystems ?? (known.size > 0 ? [...known.keys()] : DEFAULT_OSV_ECOSYSTEMS);
      const updates: EcosystemUpdate[] = [];
      for (const ecosystem of ecosystems) {
        const lastModified = known.get(ecosystem);
        const incremental =
          options.full !== true && lastModified !== undefined
            ? await updateIncrementally(db, base, ecosystem, lastModified, options, http, now)
            : undefined;
        updates.push(incremental ?? (await updateFully(db, base, ecosystem, temp, options, http, now)));
      }
      return updates;
    });
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

async function updateFully(
  db: DatabaseSync,
  base: string,
  ecosystem: string,
  temp: string,
  options: UpdateOptions,
  http: HttpOptions,
  now: Date,
): Promise<EcosystemUpdate> {
  const zipPath = join(temp, `${encodeURIComponent(ecosystem)}.zip`);
  await downloadTo(
    `${base}/${encodeURIComponent(ecosystem)}/all.zip`,
    zipPath,
    options.limits?.downloadBytes ?? DEFAULT_DOWNLOAD_BYTES,
    {
      ...http,
      onBytes: (bytes) => options.onProgress?.({ phase: 'download', ecosystem, bytes }),
    },
  );
  const removed = removeSource(db, ecosystem);
  const result = await importOsv(db, { kind: 'zip', path: zipPath }, importOptions(options, ecosystem));
  await rm(zipPath, { force: true });
  recordSource(db, ecosystem, `${base}/${encodeURIComponent(ecosystem)}/all.zip`, result, now);
  return fromImport(ecosystem, 'full', result, removed);
}

/** Fetches only the records `modified_id.csv` lists as changed since `lastModified`; `undefined` when too many changed. */
async function updateIncrementally(
  db: DatabaseSync,
  base: string,
  ecosystem: string,
  lastModified: string,
  options: UpdateOptions,
  http: HttpOptions,
  now: Date,
): Promise<EcosystemUpdate | undefined> {
  const csvUrl = `${base}/${encodeURIComponent(ecosystem)}/modified_id.csv`;
  const csv = await getBytes(csvUrl, options.limits?.csvBytes ?? DEFAULT_CSV_BYTES, http);
  if (csv === undefined) return undefined;
  const since = Date.parse(lastModified);
  const changed = parseModifiedCsv(csv.toString('utf8')).filter((entry) => !(entry.modifiedMs <= since));
  if (changed.length > (options.maxIncrementalRecords ?? 5_000)) return undefined;
  const files: { name: string; bytes: Uint8Array }[] = [];
  const removedIds: string[] = [];
  let newest = lastModified;
  for (const entry of changed) {
    const url = `${base}/${encodeURIComponent(ecosystem)}/${encodeURIComponent(entry.id)}.json`;
    const bytes = await getBytes(url, options.limits?.record?.maxRecordBytes ?? DEFAULT_RECORD_BYTES, http);
    // A listed record that is gone was deleted upstream.
    if (bytes === undefined) removedIds.push(entry.id);
    else files.push({ name: `${ecosystem}/${entry.id}.json`, bytes });
    if (!(Date.parse(newest) >= entry.modifiedMs)) newest = entry.modified;
    options.onProgress?.({
      phase: 'changes',
      ecosystem,
      changed: changed.length,
      done: files.length + removedIds.length,
    });
  }
  const result = await importOsv(
    db,
    { kind: 'files', label: csvUrl, files },
    importOptions(options, ecosystem),
  );
  let removed = 0;
  for (const id of removedIds) removed += removeRecord(db, id);
  const records = Number(
    db
      .prepare(
        'SELECT COUNT(*) AS n FROM vulns WHERE source = (SELECT id FROM record_sources WHERE name = ?)',
      )
      .get(ecosystem)?.['n'] ?? 0,
  );
  recordSource(
    db,
    ecosystem,
    `${base}/${encodeURIComponent(ecosystem)}/all.zip`,
    { ...result, imported: records, lastModified: newest },
    now,
  );
  return fromImport(ecosystem, 'incremental', result, removed);
}

function importOptions(options: UpdateOptions, ecosystem: string) {
  return {
    sourceName: ecosystem,
    ...(options.limits?.record === undefined && options.limits?.source === undefined
      ? {}
      : {
          limits: {
            ...(options.limits.record === undefined ? {} : { record: options.limits.record }),
            ...(options.limits.source === undefined ? {} : { source: options.limits.source }),
          },
        }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onProgress: (progress: { records: number }) =>
      options.onProgress?.({ phase: 'import', ecosystem, records: progress.records }),
  };
}

function fromImport(
  ecosystem: string,
  mode: 'full' | 'incremental',
  result: ImportResult,
  removed: number,
): EcosystemUpdate {
  return {
    ecosystem,
    mode,
    records: result.imported,
    removed,
    invalid: result.invalid,
    issues: result.issues,
  };
}

function knownSources(db: DatabaseSync): Map<string, string> {
  const out = new Map<string, string>();
  for (const row of db.prepare('SELECT name, last_modified FROM sources ORDER BY name').all()) {
    const name = String(row['name']);
    // Directory and zip sources are named by path; only OSV ecosystem names are refreshed from a URL.
    if (!name.includes('/')) out.set(name, String(row['last_modified']));
  }
  return out;
}

function removeSource(db: DatabaseSync, source: string): number {
  db.exec('BEGIN');
  try {
    db.prepare(
      'DELETE FROM affected WHERE vuln IN (SELECT id FROM vulns WHERE source = (SELECT id FROM record_sources WHERE name = ?))',
    ).run(source);
    const { changes } = db
      .prepare('DELETE FROM vulns WHERE source = (SELECT id FROM record_sources WHERE name = ?)')
      .run(source);
    db.exec('COMMIT');
    return Number(changes);
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

function removeRecord(db: DatabaseSync, id: string): number {
  const row = db.prepare('SELECT id FROM vulns WHERE vuln_id = ?').get(id);
  if (row === undefined) return 0;
  db.prepare('DELETE FROM affected WHERE vuln = ?').run(row['id'] as number);
  db.prepare('DELETE FROM vulns WHERE id = ?').run(row['id'] as number);
  return 1;
}
