/** One line of OSV's `modified_id.csv`: when a record last changed, and its id. */
export interface ModifiedEntry {
  readonly modified: string;
  readonly modifiedMs: number;
  readonly id: string;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,255}$/;

/**
 * Parses OSV's `<ecosystem>/modified_id.csv` (`<RFC 3339 time>,<id>` per line, newest first; the
 * bucket-wide file writes `<ecosystem>/<id>`, whose prefix is dropped). Lines that are not a
 * time and an id (a header, blank lines) are skipped: the file only selects records to fetch,
 * and every fetched record is parsed and checked on its own.
 */
export function parseModifiedCsv(text: string): ModifiedEntry[] {
  const out: ModifiedEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const comma = line.indexOf(',');
    if (comma <= 0) continue;
    const modified = line.slice(0, comma).trim();
    let id = line.slice(comma + 1).trim();
    const slash = id.lastIndexOf('/');
    if (slash >= 0) id = id.slice(slash + 1);
    const modifiedMs = Date.parse(modified);
    if (!Number.isFinite(modifiedMs) || !ID.test(id)) continue;
    out.push({ modified, modifiedMs, id });
  }
  return out;
}
