import { BosunError } from '../../util/errors.ts';

/** A JSON value as `JSON.parse` returns it. */
export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * JSON text produced by Bosun itself, embedded verbatim (a predicate whose key order is a Go
 * struct's rather than sorted). Never built from untrusted input.
 */
export class RawJson {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/**
 * Serialises a JSON value the way Go's `encoding/json.Marshal` serialises the same value held in
 * `interface{}` / `map[string]interface{}`, which is what cosign and sigstore sign: object keys
 * sorted by their UTF-8 bytes, no whitespace, `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u00XX`,
 * and numbers in their shortest round-trip form (Go's `'f'` format below 1e21, `'e'` above,
 * which `Number#toString` matches for finite float64 values).
 */
export function marshalGoJson(value: JsonValue): string {
  return encode(value, 0);
}

const MAX_DEPTH = 1000;

function encode(value: JsonValue, depth: number): string {
  if (depth > MAX_DEPTH) {
    throw new BosunError('SIGN_PAYLOAD_INVALID', `JSON value: nesting limit exceeded (> ${MAX_DEPTH})`, {
      details: { limit: 'depth', max: MAX_DEPTH },
    });
  }
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return encodeNumber(value);
    case 'string':
      return encodeString(value);
    default:
      break;
  }
  if (Array.isArray(value)) {
    return `[${value.map((item: JsonValue) => encode(item, depth + 1)).join(',')}]`;
  }
  const object = value as { readonly [key: string]: JsonValue };
  const keys = Object.keys(object).sort(compareUtf8);
  const members: string[] = [];
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    members.push(`${encodeString(key)}:${encode(member, depth + 1)}`);
  }
  return `{${members.join(',')}}`;
}

function encodeNumber(value: number): string {
  if (!Number.isFinite(value)) {
    throw new BosunError('SIGN_PAYLOAD_INVALID', `JSON value: unsupported number ${String(value)}`);
  }
  // -0 marshals as "-0" in Go; JSON.stringify gives "0".
  if (Object.is(value, -0)) return '-0';
  // Number#toString uses exponent form at >= 1e21 and < 1e-6, exactly Go's switch points, and
  // both print the exponent without leading zeros ("1e+21", "1e-7").
  return String(value);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Go's string encoding: JSON.stringify plus HTML-safe escapes; lone surrogates become U+FFFD. */
export function encodeString(value: string): string {
  const wellFormed = value.replace(LONE_SURROGATE, '\uFFFD');
  return JSON.stringify(wellFormed).replace(/[<>&\u2028\u2029]/g, (ch) => {
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** Orders strings by their UTF-8 bytes, as Go sorts map keys (differs from UTF-16 order above U+FFFF). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
