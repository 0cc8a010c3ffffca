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

/** A string split at its variables: literal text between `{{ expression }}` references. */
interface Template {
  /** The text is exactly one variable: it takes the variable's JSON value. */
  readonly whole: boolean;
  readonly literals: readonly string[];
  readonly expressions: readonly string[];
}

const MAX_TEMPLATES = 10_000;
const templates = new Map<string, Template | null>();

/** Parses (once per distinct text) the variables of a string; null when it has none. */
function parseTemplate(text: string): Template | null {
  const hit = templates.get(text);
  if (hit !== undefined) return hit;
  const matches = [...text.matchAll(VARIABLE_RE)];
  let template: Template | null = null;
  if (matches.length > 0) {
    const literals: string[] = [];
    const expressions: string[] = [];
    let last = 0;
    for (const m of matches) {
      const full = m[2]!;
      const start = m.index + m[1]!.length;
      literals.push(text.slice(last, start));
      expressions.push(full.slice(2, -2).trim());
      last = start + full.length;
    }
    literals.push(text.slice(last));
    const first = matches[0]!;
    const whole =
      matches.length === 1 && first.index + first[1]!.length === 0 && first[2]!.length === text.length;
    template = { whole, literals, expressions };
  }
  if (templates.size >= MAX_TEMPLATES) templates.clear();
  templates.set(text, template);
  return template;
}

function resolve(data: JsonObject, expression: string, path: string): JsonValue {
  try {
    return queryJmesPath(data, expression);
  } catch (e) {
    throw new SubstitutionError(
      `failed to substitute variables in ${path}: ${(e as Error).message}`,
      path,
      e,
    );
  }
}

/** Substitutes variables in one string. */
export function substituteString(text: string, data: JsonObject, path = '/'): JsonValue {
  if (!text.includes('{{')) return text;
  let value: JsonValue = text;
  // Substituted text may itself hold variables (nested `{{ a.{{b}} }}`): up to MAX_DEPTH rounds.
  for (let round = 0; round < MAX_DEPTH && typeof value === 'string' && value.includes('{{'); round++) {
    const template = parseTemplate(value);
    if (template === null) break;
    if (template.whole) {
      value = resolve(data, template.expressions[0]!, path);
      break;
    }
    let out = template.literals[0]!;
    for (let i = 0; i < template.expressions.length; i++) {
      out += render(resolve(data, template.expressions[i]!, path)) + template.literals[i + 1]!;
    }
    value = out;
  }
  if (typeof value === 'string' && value.includes('\\{{')) value = value.replace(ESCAPED_RE, '$1');
  return value;
}

/** Whether a tree holds variables, remembered per (immutable) policy subtree. */
const treeHasVariables = new WeakMap<object, boolean>();

/** Substitutes variables everywhere in a JSON tree (keys and values). */
export function substituteAll(value: JsonValue, data: JsonObject, path = '/'): JsonValue {
  if (typeof value === 'object' && value !== null) {
    let has = treeHasVariables.get(value);
    if (has === undefined) {
      has = hasVariables(value);
      treeHasVariables.set(value, has);
    }
    if (!has) return value;
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
