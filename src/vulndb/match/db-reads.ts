import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { parseStoredAffected, type StoredAffected } from '../db/stored-affected.ts';
import type { OsvSeverity } from '../osv/osv-types.ts';

/**
 * One affected row; its `data` stays text until a package of the row's ecosystem needs it, and
 * is parsed once however many packages share the name (one library at several paths).
 */
export class AffectedRow {
  readonly vuln: number;
  readonly ecosystem: string;
  readonly data: string;
  #entry: StoredAffected | undefined;

  constructor(vuln: number, ecosystem: string, data: string) {
    this.vuln = vuln;
    this.ecosystem = ecosystem;
    this.data = data;
  }

  get entry(): StoredAffected {
    return (this.#entry ??= parseStoredAffected(this.data));
  }
}

/** The record columns a finding needs, read only for records that matched, JSON parsed once per record. */
export interface VulnRow {
  readonly vulnId: string;
  readonly withdrawn: boolean;
  readonly title: string | undefined;
  readonly rating: string | undefined;
  readonly severity: readonly OsvSeverity[];
  readonly aliases: readonly string[];
  /** Reference URLs in record order. */
  readonly references: readonly string[];
}

/** Keys per query: few round trips, and a bound on the JSON text bound to one statement. */
const BATCH = 512;

interface Statements {
  readonly affected: StatementSync;
  readonly affectedIn: StatementSync;
  readonly vulns: StatementSync;
}

const prepared = new WeakMap<DatabaseSync, Statements>();

/** Statements are prepared once per DB handle and reused by every match on it. */
function statementsFor(db: DatabaseSync): Statements {
  let found = prepared.get(db);
  if (found === undefined) {
    // json_each drives the loop and each name is one search of the (family, name) index; rows of
    // one name come together, in rowid order (the order the import wrote them). A row names its
    // package by its index in the bound list (j.key): no name string per row.
    const affected = db.prepare(
      `SELECT j.key, a.vuln, a.ecosystem, a.data FROM json_each(?) AS j
       CROSS JOIN affected AS a ON a.family = ? AND a.name = j.value`,
    );
    const affectedIn = db.prepare(
      `SELECT j.key, a.vuln, a.ecosystem, a.data FROM json_each(?) AS j
       CROSS JOIN affected AS a ON a.family = ? AND a.name = j.value
       WHERE a.ecosystem IN (SELECT value FROM json_each(?))`,
    );
    const vulns = db.prepare(
      `SELECT v.id, v.vuln_id, v.withdrawn, v.title, v.rating, v.severity, v.refs, v.aliases
       FROM json_each(?) AS j CROSS JOIN vulns AS v ON v.id = j.value`,
    );
    // Rows as arrays: no per-row object with named keys.
    affected.setReturnArrays(true);
    affectedIn.setReturnArrays(true);
    vulns.setReturnArrays(true);
    found = { affected, affectedIn, vulns };
    prepared.set(db, found);
  }
  return found;
}

/**
 * The affected rows of each of `names` (distinct, stored spelling) in one ecosystem family, in
 * `into` under `keyOf(name)`; only rows of `ecosystems` when given.
 */
export function readAffectedRows(
  db: DatabaseSync,
  family: string,
  ecosystems: readonly string[] | undefined,
  names: readonly string[],
  into: Map<string, AffectedRow[]>,
  keyOf: (name: string) => string,
): void {
  const statements = statementsFor(db);
  const only = ecosystems === undefined ? undefined : JSON.stringify(ecosystems);
  for (let start = 0; start < names.length; start += BATCH) {
    const chunk = names.slice(start, start + BATCH);
    const lists = chunk.map((name) => {
      const list: AffectedRow[] = [];
      into.set(keyOf(name), list);
      return list;
    });
    const rows =
      only === undefined
        ? statements.affected.all(JSON.stringify(chunk), family)
        : statements.affectedIn.all(JSON.stringify(chunk), family, only);
    for (const row of rows as unknown as unknown[][]) {
      lists[Number(row[0])]?.push(new AffectedRow(Number(row[1]), String(row[2]), String(row[3])));
    }
  }
}

/** The record columns of `ids` (distinct); ids with no record are absent from the result. */
export function readVulnRows(db: DatabaseSync, ids: readonly number[]): Map<number, VulnRow> {
  const { vulns } = statementsFor(db);
  const out = new Map<number, VulnRow>();
  for (let start = 0; start < ids.length; start += BATCH) {
    const chunk = ids.slice(start, start + BATCH);
    for (const row of vulns.all(JSON.stringify(chunk)) as unknown as unknown[][]) {
      out.set(Number(row[0]), {
        vulnId: String(row[1]),
        withdrawn: row[2] !== null,
        title: nullable(row[3]),
        rating: nullable(row[4]),
        severity: parseJson<OsvSeverity[]>(row[5]) ?? [],
        references: parseJson<string[]>(row[6]) ?? [],
        aliases: parseJson<string[]>(row[7]) ?? [],
      });
    }
  }
  return out;
}

function nullable(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

function parseJson<T>(value: unknown): T | undefined {
  return typeof value === 'string' ? (JSON.parse(value) as T) : undefined;
}
