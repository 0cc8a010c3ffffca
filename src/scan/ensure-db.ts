/** Opens the vulnerability DB for a scan, refreshing it first when `decideDbRefresh` says so. */
import type { DatabaseSync } from 'node:sqlite';
import { BosunError, isBosunError } from '../util/errors.ts';
import { dbStatus, openVulnDb, updateVulnDb, type DbStatus, type UpdateProgress } from '../vulndb/index.ts';
import { decideDbRefresh } from './db-refresh.ts';
import type { ScanDbInfo, VulnDbOptions } from './types.ts';

export interface OpenedDb {
  readonly db: DatabaseSync;
  readonly info: ScanDbInfo;
  readonly warnings: readonly string[];
  /** Closes the DB unless the caller passed its own handle. */
  close(): void;
}

export interface EnsureDbOptions {
  readonly now: Date;
  readonly signal?: AbortSignal;
  readonly onUpdate?: (event: UpdateProgress) => void;
}

async function currentStatus(path: string): Promise<DbStatus | 'missing' | 'schema'> {
  try {
    return await dbStatus(path);
  } catch (error) {
    if (isBosunError(error, 'VULNDB_MISSING')) return 'missing';
    if (isBosunError(error, 'VULNDB_STALE')) return 'schema';
    throw error;
  }
}

function infoOf(status: DbStatus, updated: boolean): ScanDbInfo {
  return {
    path: status.path,
    builtAt: status.builtAt,
    records: status.records,
    updated,
    sources: status.sources.map((s) => s.source),
  };
}

/**
 * The DB ready to match against. Errors: VULNDB_MISSING / VULNDB_STALE when it is absent or of
 * another schema and may not be downloaded; the update's transport and input errors.
 */
export async function ensureVulnDb(options: VulnDbOptions, ensure: EnsureDbOptions): Promise<OpenedDb> {
  if (options.handle !== undefined) {
    const db = options.handle;
    const row = db.prepare("SELECT value FROM meta WHERE key = 'built_at'").get();
    return {
      db,
      info: {
        path: options.path,
        builtAt: String(row?.['value'] ?? ''),
        records: 0,
        updated: false,
        sources: [],
      },
      warnings: [],
      close: () => undefined,
    };
  }
  let status = await currentStatus(options.path);
  const decision = decideDbRefresh({
    path: options.path,
    status,
    now: ensure.now,
    ...(options.maxAgeMs === undefined ? {} : { maxAgeMs: options.maxAgeMs }),
    ...(options.offline === undefined ? {} : { offline: options.offline }),
    ...(options.skipUpdate === undefined ? {} : { skipUpdate: options.skipUpdate }),
    ...(options.source === undefined ? {} : { source: options.source }),
  });
  const warnings: string[] = [];
  let updated = false;
  switch (decision.kind) {
    case 'error':
      throw new BosunError(decision.code, decision.message, { details: { input: options.path } });
    case 'use':
      if (decision.warning !== undefined) warnings.push(decision.warning);
      break;
    case 'update': {
      const result = await updateVulnDb({
        dbPath: options.path,
        ...(decision.source === undefined ? {} : { source: decision.source }),
        ...(options.ecosystems === undefined ? {} : { ecosystems: options.ecosystems }),
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        // A schema change needs every record again.
        ...(decision.reason === 'schema' ? { full: true } : {}),
        now: ensure.now,
        ...(ensure.signal === undefined ? {} : { signal: ensure.signal }),
        ...(ensure.onUpdate === undefined ? {} : { onProgress: ensure.onUpdate }),
      });
      status = result.status;
      updated = true;
      break;
    }
  }
  if (typeof status === 'string') {
    throw new BosunError('VULNDB_MISSING', `no usable vulnerability DB at ${options.path}`, {
      details: { input: options.path },
    });
  }
  const db = openVulnDb(options.path);
  return { db, info: infoOf(status, updated), warnings, close: () => db.close() };
}
