import { BosunError, limitError } from '../../util/errors.ts';
import { MAX_VERSION_LENGTH } from '../versions/index.ts';
import type {
  OsvAffected,
  OsvAffectedHints,
  OsvEvent,
  OsvEventKind,
  OsvRange,
  OsvRangeType,
  OsvRecord,
  OsvReference,
  OsvSeverity,
} from './osv-types.ts';

/** Bounds for one untrusted OSV record. Real records are far below every default. */
export interface OsvParseLimits {
  readonly maxRecordBytes: number;
  readonly maxDepth: number;
  readonly maxAffected: number;
  readonly maxRanges: number;
  readonly maxEvents: number;
  readonly maxVersions: number;
  readonly maxAliases: number;
}

export const DEFAULT_OSV_LIMITS: OsvParseLimits = {
  maxRecordBytes: 8 * 1024 * 1024,
  maxDepth: 64,
  maxAffected: 10_000,
  maxRanges: 1_000,
  maxEvents: 10_000,
  maxVersions: 200_000,
  maxAliases: 1_000,
};

const MAX_ID = 256;
const MAX_NAME = 1024;
const MAX_TITLE = 512;
const MAX_REFERENCES = 64;
const MAX_URL = 2048;
const MAX_SEVERITY = 16;
const EVENT_KINDS: readonly OsvEventKind[] = ['introduced', 'fixed', 'last_affected', 'limit'];
const RANGE_TYPES: readonly string[] = ['ECOSYSTEM', 'SEMVER', 'GIT'];
const decoder = new TextDecoder('utf-8', { fatal: true });

type Json = Record<string, unknown>;

/**
 * Parses one OSV record from untrusted bytes or text. Returns the typed record or throws
 * `VULNDB_INVALID` (not JSON, not UTF-8, a required field missing or of the wrong type) or
 * `LIMIT_EXCEEDED` (size, nesting or a list longer than `limits` allows). `name` is the file the
 * record came from and appears in errors.
 */
export function parseOsvRecord(
  input: string | Uint8Array,
  name: string,
  limits: OsvParseLimits = DEFAULT_OSV_LIMITS,
): OsvRecord {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > limits.maxRecordBytes)
    throw limitError('LIMIT_EXCEEDED', name, 'record bytes', size, limits.maxRecordBytes);
  let text: string;
  try {
    text = typeof input === 'string' ? input : decoder.decode(input);
  } catch (cause) {
    throw invalid(name, 'not UTF-8', cause);
  }
  const depth = jsonDepth(text);
  if (depth > limits.maxDepth)
    throw limitError('LIMIT_EXCEEDED', name, 'JSON nesting depth', depth, limits.maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw invalid(name, 'not JSON', cause);
  }
  return recordFrom(value, name, limits);
}

function recordFrom(value: unknown, name: string, limits: OsvParseLimits): OsvRecord {
  if (!isObject(value)) throw invalid(name, 'not a JSON object');
  const id = requiredString(value, 'id', name, MAX_ID);
  const modified = requiredString(value, 'modified', name, MAX_ID);
  const aliases = stringList(value['aliases'], name, 'aliases', limits.maxAliases, MAX_ID);
  const related = stringList(value['related'], name, 'related', limits.maxAliases, MAX_ID);
  const affectedRaw = list(value['affected'], name, 'affected', limits.maxAffected);
  const affected: OsvAffected[] = [];
  for (const item of affectedRaw) {
    const parsed = affectedFrom(item, name, limits);
    if (parsed !== undefined) affected.push(parsed);
  }
  const summary = optionalString(value, 'summary', name);
  const details = optionalString(value, 'details', name);
  const detailsTitle = details === undefined ? undefined : firstLine(details);
  const rating = isObject(value['database_specific'])
    ? shortString(value['database_specific']['severity'])
    : undefined;
  const published = optionalString(value, 'published', name);
  const withdrawn = optionalString(value, 'withdrawn', name);
  const severity = severityList(value['severity'], name);
  const references = referenceList(value['references'], name);
  // Optional fields are set only when present (plain assignments: one record per file of a dump).
  const record: Mutable<OsvRecord> = { id, modified, aliases, related, severity, affected, references };
  if (published !== undefined) record.published = published;
  if (withdrawn !== undefined) record.withdrawn = withdrawn;
  if (summary !== undefined) record.summary = cap(summary.trim(), MAX_TITLE);
  if (detailsTitle !== undefined) record.detailsTitle = detailsTitle;
  if (rating !== undefined) record.rating = rating;
  return record;
}

function affectedFrom(item: unknown, name: string, limits: OsvParseLimits): OsvAffected | undefined {
  if (!isObject(item)) throw invalid(name, 'affected entry is not an object');
  const pkg = item['package'];
  // Entries without a package (pure GIT ranges of upstream projects) cannot match an installed package.
  if (pkg === undefined) return undefined;
  if (!isObject(pkg)) throw invalid(name, 'affected[].package is not an object');
  const ecosystem = requiredString(pkg, 'ecosystem', name, MAX_NAME);
  const pkgName = requiredString(pkg, 'name', name, MAX_NAME);
  const purl = optionalString(pkg, 'purl', name);
  const ranges: OsvRange[] = [];
  for (const range of list(item['ranges'], name, 'ranges', limits.maxRanges)) {
    const parsed = rangeFrom(range, name, limits);
    if (parsed !== undefined) ranges.push(parsed);
  }
  const versions = stringList(item['versions'], name, 'versions', limits.maxVersions, MAX_VERSION_LENGTH);
  const entry: Mutable<OsvAffected> = {
    ecosystem,
    name: pkgName,
    ranges,
    versions,
    severity: severityList(item['severity'], name),
    hints: hintsFrom(item),
  };
  if (purl !== undefined) entry.purl = cap(purl, MAX_NAME);
  return entry;
}

function rangeFrom(range: unknown, name: string, limits: OsvParseLimits): OsvRange | undefined {
  if (!isObject(range)) throw invalid(name, 'range is not an object');
  const type = range['type'];
  if (typeof type !== 'string') throw invalid(name, 'range.type is not a string');
  // Unknown range types are skipped: the schema lets databases add their own.
  if (!RANGE_TYPES.includes(type)) return undefined;
  const events: OsvEvent[] = [];
  for (const event of list(range['events'], name, 'events', limits.maxEvents)) {
    if (!isObject(event)) throw invalid(name, 'range event is not an object');
    const kinds = EVENT_KINDS.filter((kind) => event[kind] !== undefined);
    if (kinds.length !== 1)
      throw invalid(name, 'a range event must have exactly one of introduced/fixed/last_affected/limit');
    const kind = kinds[0] as OsvEventKind;
    const version = event[kind];
    if (typeof version !== 'string' || version.length === 0)
      throw invalid(name, `event ${kind} is not a non-empty string`);
    if (version.length > MAX_VERSION_LENGTH) {
      throw limitError('LIMIT_EXCEEDED', name, 'version length', version.length, MAX_VERSION_LENGTH);
    }
    events.push({ kind, version });
  }
  return { type: type as OsvRangeType, events };
}

/** Ratings and fix states that distros and GHSA put in `database_specific`/`ecosystem_specific`. */
function hintsFrom(item: Json): OsvAffectedHints {
  let rating: string | undefined;
  let fixStatus: string | undefined;
  for (const key of ['ecosystem_specific', 'database_specific']) {
    const extra = item[key];
    if (!isObject(extra)) continue;
    rating ??=
      shortString(extra['severity']) ?? shortString(extra['urgency']) ?? shortString(extra['priority']);
    fixStatus ??=
      shortString(extra['fix_status']) ?? shortString(extra['status']) ?? shortString(extra['state']);
  }
  const hints: Mutable<OsvAffectedHints> = {};
  if (rating !== undefined) hints.rating = rating;
  if (fixStatus !== undefined) hints.fixStatus = fixStatus;
  return hints;
}

function severityList(value: unknown, name: string): OsvSeverity[] {
  const out: OsvSeverity[] = [];
  for (const item of list(value, name, 'severity', MAX_SEVERITY)) {
    if (!isObject(item)) throw invalid(name, 'severity entry is not an object');
    const type = item['type'];
    const score = item['score'];
    if (typeof type !== 'string' || typeof score !== 'string')
      throw invalid(name, 'severity type/score are not strings');
    out.push({ type: cap(type, 64), score: cap(score, 256) });
  }
  return out;
}

function referenceList(value: unknown, name: string): OsvReference[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(name, 'references is not an array');
  const out: OsvReference[] = [];
  // References are informative: keep the first few, drop malformed ones.
  for (const item of value) {
    if (out.length >= MAX_REFERENCES) break;
    if (!isObject(item) || typeof item['url'] !== 'string' || item['url'].length > MAX_URL) continue;
    out.push({ type: typeof item['type'] === 'string' ? cap(item['type'], 32) : 'WEB', url: item['url'] });
  }
  return out;
}

function list(value: unknown, name: string, field: string, max: number): readonly unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(name, `${field} is not an array`);
  if (value.length > max) throw limitError('LIMIT_EXCEEDED', name, `${field} entries`, value.length, max);
  return value;
}

function stringList(value: unknown, name: string, field: string, max: number, maxLength: number): string[] {
  const items = list(value, name, field, max);
  for (const item of items) {
    if (typeof item !== 'string') throw invalid(name, `${field} has a non-string entry`);
    if (item.length > maxLength)
      throw limitError('LIMIT_EXCEEDED', name, `${field} entry length`, item.length, maxLength);
  }
  return items as string[];
}

function requiredString(obj: Json, field: string, name: string, maxLength: number): string {
  const value = obj[field];
  if (typeof value !== 'string' || value.trim().length === 0)
    throw invalid(name, `${field} is missing or not a string`);
  if (value.length > maxLength)
    throw limitError('LIMIT_EXCEEDED', name, `${field} length`, value.length, maxLength);
  return value;
}

function optionalString(obj: Json, field: string, name: string): string | undefined {
  const value = obj[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(name, `${field} is not a string`);
  return value;
}

function shortString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 64 ? value : undefined;
}

function firstLine(text: string): string | undefined {
  const line = text.trim().split('\n', 1)[0]?.trim() ?? '';
  return line.length === 0 ? undefined : cap(line, MAX_TITLE);
}

function cap(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

/** A value under construction; the parser returns it as its readonly type. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(name: string, reason: string, cause?: unknown): BosunError {
  return new BosunError('VULNDB_INVALID', `${name}: invalid OSV record: ${reason}`, {
    cause,
    details: { input: name, reason },
  });
}

/** The deepest `{`/`[` nesting outside strings, found before JSON.parse so hostile nesting is refused cheaply. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // Jump over the string (records are mostly prose in `details`): its end is the next quote
      // that an even run of backslashes precedes.
      let end = text.indexOf('"', i + 1);
      while (end >= 0) {
        let backslash = end - 1;
        while (text.charCodeAt(backslash) === 92) backslash--;
        if ((end - 1 - backslash) % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end < 0) return max;
      i = end;
    } else if (c === 123 || c === 91) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}
