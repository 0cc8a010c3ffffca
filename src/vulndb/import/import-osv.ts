import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { BosunError, isBosunError } from '../../util/errors.ts';
import { comparatorForEcosystem, ecosystemFamily } from '../versions/index.ts';
import { normalizePackageName } from '../db/package-name.ts';
import { recordSourceId } from '../db/schema.ts';
import { serializeStoredAffected, storedAffected } from '../db/stored-affected.ts';
import { DEFAULT_OSV_LIMITS, parseOsvRecord, type OsvParseLimits } from '../osv/parse-osv.ts';
import type { OsvRecord } from '../osv/osv-types.ts';
import {
  DEFAULT_SOURCE_LIMITS,
  readOsvSource,
  sourceLabel,
  type OsvSource,
  type SourceLimits,
} from './osv-source.ts';

/** A record file that was not imported, and why (one bad file neither stops an import nor vanishes). */
export interface ImportIssue {
  readonly file: string;
  readonly code: string;
  readonly message: string;
}

export interface ImportProgress {
  readonly source: string;
  readonly records: number;
}

export interface ImportOptions {
  /** Stored as each record's `source` (the OSV export ecosystem, e.g. `PyPI`); defaults to the source's path or label. */
  readonly sourceName?: string;
  readonly limits?: { readonly record?: OsvParseLimits; readonly source?: SourceLimits };
  /** Records per transaction. */
  readonly batchSize?: number;
  /** Throw on the first invalid record instead of reporting it. */
  readonly strict?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ImportProgress) => void;
}

export interface ImportResult {
  readonly source: string;
  readonly imported: number;
  readonly withdrawn: number;
  readonly invalid: number;
  /** The first invalid files (capped at 100). */
  readonly issues: readonly ImportIssue[];
  /** Latest `modified` among imported records ('' when none). */
  readonly lastModified: string;
}

const MAX_ISSUES = 100;

/**
 * Imports OSV records from `source` into an open DB (tables from `createTables`), replacing any
 * record with the same id. Work is committed in batches; the caller owns atomicity (build into a
 * temp file and rename it, see `buildVulnDb`/`updateVulnDb`).
 */
export async function importOsv(
  db: DatabaseSync,
  source: OsvSource,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const label = sourceLabel(source);
  const sourceName = options.sourceName ?? label;
  const recordLimits = options.limits?.record ?? DEFAULT_OSV_LIMITS;
  const batchSize = options.batchSize ?? 5_000;
  const writer = new RecordWriter(db, recordSourceId(db, sourceName));
  const issues: ImportIssue[] = [];
  let imported = 0;
  let withdrawn = 0;
  let invalid = 0;
  let lastModified = '';
  let inBatch = 0;
  db.exec('BEGIN');
  try {
    for await (const item of readOsvSource(source, options.limits?.source ?? DEFAULT_SOURCE_LIMITS)) {
      options.signal?.throwIfAborted();
      let record: OsvRecord;
      try {
        if ('error' in item) throw item.error;
        record = parseOsvRecord(item.bytes, item.name, recordLimits);
      } catch (error) {
        if (options.strict === true || !isBosunError(error)) throw error;
        invalid++;
        if (issues.length < MAX_ISSUES)
          issues.push({ file: item.name, code: error.code, message: error.message });
        continue;
      }
      writer.write(record);
      imported++;
      if (record.withdrawn !== undefined) withdrawn++;
      if (record.modified > lastModified) lastModified = record.modified;
      if (++inBatch >= batchSize) {
        db.exec('COMMIT');
        options.onProgress?.({ source: label, records: imported });
        db.exec('BEGIN');
        inBatch = 0;
      }
    }
    db.exec('COMMIT');
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    if (error instanceof Error && error.name === 'AbortError') {
      throw new BosunError('ABORTED', `import of ${label} aborted`, {
        cause: error,
        details: { input: label },
      });
    }
    throw error;
  }
  options.onProgress?.({ source: label, records: imported });
  return { source: label, imported, withdrawn, invalid, issues, lastModified };
}

/** Prepared statements for writing one record and its rows. */
class RecordWriter {
  private readonly find: StatementSync;
  private readonly insertVuln: StatementSync;
  private readonly removeVuln: StatementSync;
  private readonly removeAffected: StatementSync;
  private readonly insertAffected: StatementSync;

  private readonly source: number;

  constructor(db: DatabaseSync, source: number) {
    this.source = source;
    this.find = db.prepare('SELECT id FROM vulns WHERE vuln_id = ?');
    this.insertVuln = db.prepare(
      'INSERT INTO vulns(vuln_id, source, modified, published, withdrawn, title, rating, severity, refs, aliases) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(vuln_id) DO NOTHING',
    );
    this.removeVuln = db.prepare('DELETE FROM vulns WHERE id = ?');
    this.removeAffected = db.prepare('DELETE FROM affected WHERE vuln = ?');
    this.insertAffected = db.prepare(
      'INSERT INTO affected(vuln, family, name, ecosystem, data) VALUES (?, ?, ?, ?, ?)',
    );
  }

  write(record: OsvRecord): void {
    const aliases = [...new Set(record.aliases)].filter((alias) => alias !== record.id).sort();
    const values = [
      record.id,
      this.source,
      record.modified,
      record.published ?? null,
      record.withdrawn ?? null,
      record.summary ?? record.detailsTitle ?? null,
      record.rating ?? null,
      record.severity.length > 0 ? JSON.stringify(record.severity) : null,
      // Findings carry reference URLs only.
      record.references.length > 0 ? JSON.stringify(record.references.map((ref) => ref.url)) : null,
      aliases.length > 0 ? JSON.stringify(aliases) : null,
    ];
    // Most ids are new: try the insert first and only look the old record up when the id is taken.
    let result = this.insertVuln.run(...values);
    if (Number(result.changes) === 0) {
      const existing = this.find.get(record.id);
      if (existing !== undefined) {
        const id = existing['id'] as number;
        this.removeAffected.run(id);
        this.removeVuln.run(id);
      }
      result = this.insertVuln.run(...values);
    }
    const vuln = Number(result.lastInsertRowid);
    for (const affected of record.affected) {
      const family = ecosystemFamily(affected.ecosystem);
      this.insertAffected.run(
        vuln,
        family,
        normalizePackageName(family, affected.name),
        affected.ecosystem,
        serializeStoredAffected(storedAffected(affected, comparatorForEcosystem(family))),
      );
    }
  }
}
