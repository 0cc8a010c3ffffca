import { BosunError } from '../util/errors.ts';
import { goField } from './json/go-fields.ts';
import { isJsonObject } from './json/bounded-json.ts';
import { encodeString, marshalGoJson, RawJson, type JsonValue } from './json/go-json.ts';

/**
 * Reshapes a `--type vuln` predicate as cosign does: it unmarshals into its `CosignVulnPredicate`
 * struct and marshals that back, so unknown fields drop, missing strings become "", times are
 * re-printed as RFC 3339 with nanoseconds trimmed, and keys follow the struct order
 * `invocation{parameters,uri,event_id,builder.id}`, `scanner{uri,version,db{uri,version},result}`,
 * `metadata{scanStartedOn,scanFinishedOn}`.
 */
export function buildVulnPredicate(value: JsonValue): RawJson {
  const root = objectOrEmpty(value, 'predicate');
  const invocation = objectOrEmpty(goField(root, 'invocation'), 'invocation');
  const scanner = objectOrEmpty(goField(root, 'scanner'), 'scanner');
  const db = objectOrEmpty(goField(scanner, 'db'), 'scanner.db');
  const metadata = objectOrEmpty(goField(root, 'metadata'), 'metadata');
  const text =
    `{"invocation":{"parameters":${any(goField(invocation, 'parameters'))},"uri":${str(invocation, 'uri')},` +
    `"event_id":${str(invocation, 'event_id')},"builder.id":${str(invocation, 'builder.id')}},` +
    `"scanner":{"uri":${str(scanner, 'uri')},"version":${str(scanner, 'version')},` +
    `"db":{"uri":${str(db, 'uri')},"version":${str(db, 'version')}},"result":${any(goField(scanner, 'result'))}},` +
    `"metadata":{"scanStartedOn":${time(metadata, 'scanStartedOn')},"scanFinishedOn":${time(metadata, 'scanFinishedOn')}}}`;
  return new RawJson(text);
}

function invalid(what: string): BosunError {
  return new BosunError('SIGN_STATEMENT_INVALID', `vuln predicate: ${what}`, {
    details: { input: 'predicate' },
  });
}

function objectOrEmpty(value: JsonValue | undefined, field: string): { readonly [key: string]: JsonValue } {
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value)) throw invalid(`${field} is not an object`);
  return value;
}

function any(value: JsonValue | undefined): string {
  return value === undefined ? 'null' : marshalGoJson(value);
}

function str(object: { readonly [key: string]: JsonValue }, field: string): string {
  const value = goField(object, field);
  if (value === undefined || value === null) return '""';
  if (typeof value !== 'string') throw invalid(`${field} is not a string`);
  return encodeString(value);
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/** Go's time.Time JSON round trip: parse RFC 3339, print RFC3339Nano (trailing zeros trimmed, +00:00 as Z). */
function time(object: { readonly [key: string]: JsonValue }, field: string): string {
  const value = goField(object, field);
  if (value === undefined || value === null) return '"0001-01-01T00:00:00Z"';
  const match = typeof value === 'string' ? RFC3339.exec(value) : null;
  if (match === null || Number.isNaN(Date.parse(value as string)))
    throw invalid(`${field} is not an RFC 3339 time`);
  const fraction = (match[2] ?? '').slice(0, 9).replace(/0+$/, '');
  const zone = match[3] === '+00:00' ? 'Z' : (match[3] ?? 'Z');
  return `"${match[1] ?? ''}${fraction === '' ? '' : `.${fraction}`}${zone}"`;
}
