// `{{ expression }}` substitution in Kyverno policies. A string that is exactly one variable
// takes the variable's JSON value; variables inside a longer string are rendered as text.
import { queryJmesPath } from './jmespath.ts';
import { isObject, type JsonObject, type JsonValue } from '../common/json.ts';

// Kyverno's RegexVariables: `{{ ... }}` not preceded by a backslash, one level of nested braces.
const VARIABLE_RE = /(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/gu;
const ESCAPED_RE = /\\(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/gu;
const MAX_DEPTH = 10;

export class SubstitutionError extends Error {
  readonly path: string;
  constructor(message: string, path: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.path = path;
  }
}

export function hasVariables(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{');
  if (Array.isArray(value)) return value.some(hasVariables);
  if (isObject(value)) return Object.entries(value).some(([k, v]) => k.includes('{{') || hasVariables(v));
  return false;
}

function render(value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (value === null) return 'null';
  return JSON.stringify(value);
}

export interface SubstituteOptions {
  /** Resolves `{{@}}` relative references (the value at the same path in the resource). */
  readonly at?: (path: string) => JsonValue | undefined;
}

/** Substitutes variables in one string. */
export function substituteString(text: string, data: JsonObject, path = '/', depth = 0): JsonValue {
  if (!text.includes('{{')) return text;
  let value: JsonValue = text;
  for (let round = 0; round < MAX_DEPTH && typeof value === 'string' && value.includes('{{'); round++) {
    const current: string = value;
    const matches = [...current.matchAll(VARIABLE_RE)];
    if (matches.length === 0) break;
    let out = '';
    let last = 0;
    let whole: JsonValue | undefined;
    for (const m of matches) {
      const full = m[2]!;
      const start = m.index + m[1]!.length;
      const inner = full.slice(2, -2).trim();
      let resolved: JsonValue;
      try {
        resolved = queryJmesPath(data, inner);
      } catch (e) {
        throw new SubstitutionError(
          `failed to substitute variables in ${path}: ${(e as Error).message}`,
          path,
          e,
        );
      }
      if (matches.length === 1 && start === 0 && full.length === current.length) {
        whole = resolved;
        break;
      }
      out += current.slice(last, start) + render(resolved);
      last = start + full.length;
    }
    if (whole !== undefined) {
      value = whole;
      break;
    }
    value = out + current.slice(last);
    if (depth > MAX_DEPTH) break;
  }
  if (typeof value === 'string') value = value.replace(ESCAPED_RE, '$1');
  return value;
}

const noVariables = new WeakSet<object>();

/** Substitutes variables everywhere in a JSON tree (keys and values). */
export function substituteAll(value: JsonValue, data: JsonObject, path = '/'): JsonValue {
  if (typeof value === 'object' && value !== null) {
    if (noVariables.has(value)) return value;
    if (!hasVariables(value)) {
      noVariables.add(value);
      return value;
    }
  }
  return substituteTree(value, data, path);
}

function substituteTree(value: JsonValue, data: JsonObject, path: string): JsonValue {
  if (typeof value === 'string') return substituteString(value, data, path);
  if (Array.isArray(value)) return value.map((v, i) => substituteTree(v, data, `${path}${i}/`));
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const key = k.includes('{{') ? render(substituteString(k, data, path)) : k;
      out[key] = substituteTree(v, data, `${path}${k}/`);
    }
    return out;
  }
  return value;
}
