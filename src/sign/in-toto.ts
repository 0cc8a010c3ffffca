import { parseDigest } from '../util/digest.ts';
import { BosunError } from '../util/errors.ts';
import { isJsonObject, parseBoundedJson } from './json/bounded-json.ts';
import { encodeString, marshalGoJson, RawJson, type JsonValue } from './json/go-json.ts';
import { buildVulnPredicate } from './vuln-predicate.ts';

export const STATEMENT_TYPE_V01 = 'https://in-toto.io/Statement/v0.1';
export const STATEMENT_TYPE_V1 = 'https://in-toto.io/Statement/v1';

/**
 * Predicate type URIs behind cosign's `--type` names (cosign `options.PredicateTypeMap` and
 * `attestation.GenerateStatement`), plus the predicate cosign v3 signs images with.
 */
export const PREDICATE_TYPES = {
  custom: 'https://cosign.sigstore.dev/attestation/v1',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  cyclonedx: 'https://cyclonedx.org/bom',
  spdx: 'https://spdx.dev/Document',
  spdxjson: 'https://spdx.dev/Document',
  slsaprovenance: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance02: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
  link: 'https://in-toto.io/Link/v1',
  sign: 'https://sigstore.dev/cosign/sign/v1',
} as const;
export type PredicateTypeName = keyof typeof PREDICATE_TYPES;

export interface Subject {
  /** Required by v0.1; optional in v1 (cosign v3 image signatures leave it out). */
  readonly name?: string;
  readonly digest: { readonly [algorithm: string]: string };
  /** v1 only. */
  readonly annotations?: { readonly [key: string]: JsonValue };
}

export interface Statement {
  readonly version: 'v0.1' | 'v1';
  readonly subjects: readonly Subject[];
  readonly predicateType: string;
  /** Absent (`undefined`) serialises as `null` in v0.1 and is omitted in v1. */
  readonly predicate?: JsonValue | RawJson;
}

/** Resolves a cosign `--type` name to its URI; any other value must be an absolute URI, as cosign checks. */
export function predicateTypeUri(type: string): string {
  if (Object.hasOwn(PREDICATE_TYPES, type)) return PREDICATE_TYPES[type as PredicateTypeName];
  if (URL.canParse(type) && /^[a-z][a-z0-9+.-]*:/i.test(type)) return type;
  throw new BosunError(
    'SIGN_STATEMENT_INVALID',
    `predicate type "${type.slice(0, 200)}" is neither a known name nor a URI`,
    {
      details: { input: 'predicate type' },
    },
  );
}

/**
 * Serialises a statement with the field order the Go producers use: v0.1 as in-toto-golang's
 * struct (`_type, predicateType, subject, predicate`), v1 as protojson of the in-toto v1 proto
 * (`_type, subject, predicateType, predicate`, empty fields omitted). Maps are key-sorted.
 */
export function buildStatement(statement: Statement): Buffer {
  if (statement.subjects.length === 0) {
    throw new BosunError('SIGN_STATEMENT_INVALID', 'statement: at least one subject is required');
  }
  const type = encodeString(statement.version === 'v1' ? STATEMENT_TYPE_V1 : STATEMENT_TYPE_V01);
  const predicateType = encodeString(statement.predicateType);
  const predicate = serializePredicate(statement.predicate);
  if (statement.version === 'v0.1') {
    const subjects = statement.subjects.map(
      (s) => `{"name":${encodeString(s.name ?? '')},"digest":${marshalGoJson(s.digest)}}`,
    );
    return Buffer.from(
      `{"_type":${type},"predicateType":${predicateType},"subject":[${subjects.join(',')}],"predicate":${predicate ?? 'null'}}`,
      'utf8',
    );
  }
  const subjects = statement.subjects.map((s) => {
    const fields: string[] = [];
    if (s.name !== undefined && s.name !== '') fields.push(`"name":${encodeString(s.name)}`);
    fields.push(`"digest":${marshalGoJson(s.digest)}`);
    if (s.annotations !== undefined) fields.push(`"annotations":${marshalGoJson(s.annotations)}`);
    return `{${fields.join(',')}}`;
  });
  const tail = predicate === undefined ? '' : `,"predicate":${predicate}`;
  return Buffer.from(
    `{"_type":${type},"subject":[${subjects.join(',')}],"predicateType":${predicateType}${tail}}`,
    'utf8',
  );
}

function serializePredicate(predicate: JsonValue | RawJson | undefined): string | undefined {
  if (predicate === undefined) return undefined;
  if (isRawJson(predicate)) return predicate.text;
  return marshalGoJson(predicate);
}

function isRawJson(value: JsonValue | RawJson): value is RawJson {
  // A class instance: JSON.parse can never produce one, so a predicate cannot pose as raw text.
  return value instanceof RawJson;
}

export interface CosignAttestationOptions {
  /** cosign `--type`: a name of {@link PREDICATE_TYPES} or a URI. */
  readonly type: string;
  /** The `--predicate` file's bytes. */
  readonly predicate: Uint8Array;
  /** Subject name: the repository, as go-containerregistry names it. */
  readonly repository: string;
  /** The image manifest digest, `sha256:<hex>`. */
  readonly manifestDigest: string;
  /** Time stamped into `custom` predicates; the caller passes the clock. */
  readonly timestamp: Date;
}

/**
 * Builds the in-toto v0.1 statement `cosign attest` signs (cosign `attestation.GenerateStatement`):
 * `custom` wraps the predicate text as `{Data, Timestamp}`, `spdx` embeds it as a string, `vuln`
 * reshapes it into cosign's vulnerability predicate, and JSON types embed the parsed JSON
 * (key-sorted as Go re-marshals a map). SLSA and link predicates are embedded as parsed JSON
 * (sorted), not re-shaped into the Go structs cosign uses: same content, different key order.
 */
export function buildCosignAttestation(options: CosignAttestationOptions): Statement {
  const hex = digestHex(options.manifestDigest);
  const subjects = [{ name: options.repository, digest: { sha256: hex } }];
  const text = Buffer.from(options.predicate).toString('utf8');
  const statement = (predicateType: string, predicate: JsonValue | RawJson): Statement => ({
    version: 'v0.1',
    subjects,
    predicateType,
    predicate,
  });
  switch (options.type) {
    case 'custom':
      return statement(PREDICATE_TYPES.custom, { Data: text, Timestamp: rfc3339Seconds(options.timestamp) });
    case 'spdx':
      return statement(PREDICATE_TYPES.spdx, text);
    case 'vuln':
      return statement(PREDICATE_TYPES.vuln, buildVulnPredicate(parsePredicateJson(options.predicate)));
    case 'spdxjson':
    case 'cyclonedx':
    case 'slsaprovenance':
    case 'slsaprovenance02':
    case 'slsaprovenance1':
    case 'link':
      return statement(PREDICATE_TYPES[options.type], parsePredicateJson(options.predicate));
    default: {
      const uri = predicateTypeUri(options.type);
      const parsed = parsePredicateJson(options.predicate);
      if (parsed !== null && !isJsonObject(parsed)) {
        throw new BosunError('SIGN_STATEMENT_INVALID', `predicate for ${uri} must be a JSON object`);
      }
      return statement(uri, parsed);
    }
  }
}

/**
 * The in-toto v1 statement cosign v3 signs for `cosign sign` with the bundle format: subject is
 * the manifest digest only (with the `-a` annotations), predicate type `sign/v1`, predicate `{}`.
 */
export function buildCosignSignStatement(
  manifestDigest: string,
  annotations: { readonly [key: string]: JsonValue } = {},
): Statement {
  const digest = parseDigest(manifestDigest, 'manifest digest');
  return {
    version: 'v1',
    subjects: [{ digest: { [digest.algorithm]: digest.hex }, annotations }],
    predicateType: PREDICATE_TYPES.sign,
    predicate: {},
  };
}

export interface ParseStatementOptions {
  readonly input?: string;
  readonly maxBytes?: number;
  readonly maxSubjects?: number;
}

/**
 * Parses an in-toto statement (v0.1 or v1). Errors: SIGN_STATEMENT_INVALID, LIMIT_EXCEEDED.
 * Parsing proves nothing: verify the envelope carrying these bytes first.
 */
export function parseStatement(bytes: Uint8Array | string, options: ParseStatementOptions = {}): Statement {
  const input = options.input ?? 'in-toto statement';
  const maxSubjects = options.maxSubjects ?? 1024;
  const root = parseBoundedJson(
    bytes,
    input,
    { maxBytes: options.maxBytes ?? 16 * 1024 * 1024, maxDepth: 256 },
    'SIGN_STATEMENT_INVALID',
  );
  const invalid = (what: string): BosunError =>
    new BosunError('SIGN_STATEMENT_INVALID', `${input}: ${what}`, { details: { input } });
  if (!isJsonObject(root)) throw invalid('not a JSON object');
  const type = root['_type'];
  const version = type === STATEMENT_TYPE_V1 ? 'v1' : type === STATEMENT_TYPE_V01 ? 'v0.1' : undefined;
  if (version === undefined) throw invalid(`unknown _type ${JSON.stringify(type ?? null).slice(0, 200)}`);
  const predicateType = root['predicateType'];
  if (typeof predicateType !== 'string' || predicateType.length === 0) throw invalid('missing predicateType');
  const subject = root['subject'];
  if (!Array.isArray(subject) || subject.length === 0) throw invalid('no subject');
  if (subject.length > maxSubjects) {
    throw new BosunError(
      'LIMIT_EXCEEDED',
      `${input}: subject count limit exceeded (${subject.length} > ${maxSubjects})`,
      {
        details: { input, limit: 'subjects', value: subject.length, max: maxSubjects },
      },
    );
  }
  const subjects: Subject[] = [];
  for (const entry of subject) {
    if (!isJsonObject(entry)) throw invalid('subject is not an object');
    const name = entry['name'];
    const digest = entry['digest'];
    if (name !== undefined && typeof name !== 'string') throw invalid('subject name is not a string');
    if (!isJsonObject(digest) || Object.keys(digest).length === 0) throw invalid('subject without digest');
    const digests: Record<string, string> = {};
    for (const [algorithm, value] of Object.entries(digest)) {
      if (typeof value !== 'string' || !/^[0-9a-fA-F]{1,1024}$/.test(value))
        throw invalid('subject digest is not hex');
      digests[algorithm] = value.toLowerCase();
    }
    const annotations = entry['annotations'];
    subjects.push({
      ...(name === undefined ? {} : { name }),
      digest: digests,
      ...(isJsonObject(annotations) ? { annotations } : {}),
    });
  }
  const predicate = root['predicate'];
  return {
    version,
    subjects,
    predicateType,
    ...(predicate === undefined ? {} : { predicate }),
  };
}

/** True when some subject carries `manifestDigest` (`algorithm:hex`). */
export function statementHasSubject(statement: Statement, manifestDigest: string): boolean {
  const colon = manifestDigest.indexOf(':');
  const algorithm = manifestDigest.slice(0, colon);
  const hex = manifestDigest.slice(colon + 1).toLowerCase();
  return statement.subjects.some((s) => s.digest[algorithm] === hex);
}

function parsePredicateJson(bytes: Uint8Array): JsonValue {
  return parseBoundedJson(
    bytes,
    'predicate',
    { maxBytes: 64 * 1024 * 1024, maxDepth: 256 },
    'SIGN_STATEMENT_INVALID',
  );
}

/** cosign attests sha256 manifests only: the subject digest is always keyed `sha256`. */
function digestHex(manifestDigest: string): string {
  const match = /^sha256:([0-9a-f]{64})$/.exec(manifestDigest);
  if (match === null) {
    throw new BosunError(
      'SIGN_STATEMENT_INVALID',
      `manifest digest "${manifestDigest.slice(0, 140)}" is malformed`,
      {
        details: { input: 'manifest digest' },
      },
    );
  }
  return match[1] ?? '';
}

/** Go's `time.RFC3339` of a UTC time: whole seconds, `Z`. */
function rfc3339Seconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
