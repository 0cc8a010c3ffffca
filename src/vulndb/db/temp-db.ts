import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  clusterAffected,
  createIndexes,
  createTables,
  getMeta,
  SCHEMA_VERSION,
  setMeta,
  useBuildPragmas,
} from './schema.ts';

/**
 * Runs `work` on a copy of the DB at `path` (or a new, empty DB) in a temp file beside it, then
 * renames the temp file over `path`. A crash or error at any point leaves the old DB untouched
 * and readable; rename(2) within one directory is atomic on POSIX file systems.
 */
export async function replaceDbAtomically<T>(
  path: string,
  options: { readonly copyExisting: boolean; readonly now: Date },
  work: (db: DatabaseSync) => Promise<T>,
): Promise<T> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  await removeStaleTemps(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const reuse = options.copyExisting && (await isCurrentDb(path));
  if (reuse) await copyFile(path, temp);
  // A fresh import stages its affected rows in a second temp file (see `createTables`).
  const staging = `${temp}-staging`;
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(temp);
    useBuildPragmas(db);
    if (!reuse) {
      db.prepare('ATTACH DATABASE ? AS staging').run(staging);
      useBuildPragmas(db, 'staging');
      createTables(db, 'staging');
    }
    // Indexes are built after a fresh bulk import, but an incremental update needs them for lookups.
    if (reuse) createIndexes(db);
    const result = await work(db);
    if (!reuse) {
      clusterAffected(db, 'staging');
      db.exec('DETACH DATABASE staging');
      await rm(staging, { force: true });
    }
    createIndexes(db);
    writeSummary(db, options.now);
    db.exec('PRAGMA journal_mode = DELETE');
    db.close();
    db = undefined;
    await syncFile(temp);
    await rename(temp, path);
    await syncFile(dir).catch(() => undefined);
    return result;
  } catch (error) {
    try {
      db?.close();
    } catch {
      // The DB may already be closed; the temp file is removed either way.
    }
    await rm(temp, { force: true });
    await rm(`${temp}-journal`, { force: true });
    await rm(staging, { force: true });
    await rm(`${staging}-journal`, { force: true });
    throw error;
  }
}

/** Recomputes the per-ecosystem counts kept in `meta` (withdrawn records do not count). */
export function writeSummary(db: DatabaseSync, now: Date): void {
  const counts: Record<string, number> = {};
  for (const row of db
    .prepare(
      // A table scan grouped in a temp b-tree: much faster than walking the (family, name) index.
      `SELECT family, COUNT(DISTINCT vuln) AS n FROM affected NOT INDEXED
       WHERE vuln NOT IN (SELECT id FROM vulns WHERE withdrawn IS NOT NULL) GROUP BY family ORDER BY family`,
    )
    .all()) {
    counts[String(row['family'])] = Number(row['n']);
  }
  const totals = db.prepare('SELECT COUNT(*) AS n, COUNT(withdrawn) AS w FROM vulns').get();
  setMeta(db, 'counts', JSON.stringify(counts));
  setMeta(db, 'records', String(totals?.['n'] ?? 0));
  setMeta(db, 'withdrawn', String(totals?.['w'] ?? 0));
  setMeta(db, 'built_at', now.toISOString());
}

async function isCurrentDb(path: string): Promise<boolean> {
  try {
    await stat(path);
  } catch {
    return false;
  }
  try {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      return getMeta(db, 'schema_version') === String(SCHEMA_VERSION);
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const TEMP_SUFFIXES = ['.tmp', '.tmp-journal', '.tmp-staging', '.tmp-staging-journal'];

/** Temp files left by a process that died mid-build (its pid no longer runs). */
async function removeStaleTemps(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !TEMP_SUFFIXES.some((suffix) => name.endsWith(suffix))) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (!Number.isInteger(pid) || pid === process.pid || isRunning(pid)) continue;
    await rm(join(dirname(path), name), { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
