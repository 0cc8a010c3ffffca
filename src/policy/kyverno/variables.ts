// `{{ expression }}` substitution in Kyverno policies. A string that is exactly one variable
// takes the variable's JSON value; variables inside a longer string are rendered as text.
import { prepareQuery, runQuery, type CompiledQuery } from './jmespath.ts';
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
  /** Parsed expressions, filled in on first successful use. */
  readonly queries: (CompiledQuery | undefined)[];
  /** The text each combination of rendered values produced, and its own template (nested variables). */
  next: Map<string, Step> | undefined;
}

interface Step {
  readonly text: string;
  /** The text still holds `{{`: another round runs on `template`. */
  readonly again: boolean;
  readonly template: Template | null;
}

const MAX_TEMPLATES = 10_000;
const MAX_STEPS = 256;
const templates = new Map<string, Template | null>();

/** Parses (once per distinct text) the variables of a string; null when it has none. */
function parseTemplate(text: string): Template | null {
  const hit = templates.get(text);
  if (hit !== undefined) return hit;
  const template = scanTemplate(text);
  if (templates.size >= MAX_TEMPLATES) templates.clear();
  templates.set(text, template);
  return template;
}

function scanTemplate(text: string): Template | null {
  const matches = [...text.matchAll(VARIABLE_RE)];
  if (matches.length === 0) return null;
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
  return { whole, literals, expressions, queries: expressions.map(() => undefined), next: undefined };
}

function resolve(data: JsonObject, template: Template, i: number, path: string): JsonValue {
  try {
    let query = template.queries[i];
    if (query === undefined) {
      query = prepareQuery(template.expressions[i]!);
      template.queries[i] = query;
    }
    return runQuery(data, query);
  } catch (e) {
    throw new SubstitutionError(
      `failed to substitute variables in ${path}: ${(e as Error).message}`,
      path,
      e,
    );
  }
}

/**
 * The text a round produces from the rendered values. When that text holds variables again
 * (nested `{{ a."{{b}}" }}`), it and its parsed template are remembered per rendered values.
 */
function nextStep(template: Template, rendered: readonly string[]): Step {
  const key = rendered.length === 1 ? rendered[0]! : rendered.join('\u0000');
  const cacheable = rendered.length === 1 || !rendered.some((r) => r.includes('\u0000'));
  const hit = cacheable ? template.next?.get(key) : undefined;
  if (hit !== undefined) return hit;
  let text = template.literals[0]!;
  for (let i = 0; i < rendered.length; i++) text += rendered[i]! + template.literals[i + 1]!;
  if (!text.includes('{{')) return { text, again: false, template: null };
  const step: Step = { text, again: true, template: scanTemplate(text) };
  if (cacheable) {
    template.next ??= new Map();
    if (template.next.size >= MAX_STEPS) template.next.clear();
    template.next.set(key, step);
  }
  return step;
}

/** A string prepared for repeated substitution (policy text: parsed once, kept by the caller). */
export interface PreparedString {
  readonly text: string;
  readonly template: Template | null;
}

export function prepareString(text: string): PreparedString {
  return {
    text,
    template: text.includes('{{') ? parseTemplate(text) : null,
  };
}

/** Substitutes variables in one string. */
export function substituteString(text: string, data: JsonObject, path = '/'): JsonValue {
  if (!text.includes('{{')) return text;
  return substituteTemplate(parseTemplate(text), text, data, path);
}

/** Substitutes variables in a prepared string. */
export function substitutePrepared(prepared: PreparedString, data: JsonObject, path = '/'): JsonValue {
  if (prepared.template === null && !prepared.text.includes('{{')) return prepared.text;
  return substituteTemplate(prepared.template, prepared.text, data, path);
}

function substituteTemplate(first: Template | null, text: string, data: JsonObject, path: string): JsonValue {
  let value: JsonValue = text;
  let template = first;
  // Substituted text may itself hold variables (nested `{{ a.{{b}} }}`): up to MAX_DEPTH rounds.
  for (let round = 0; round < MAX_DEPTH && template !== null; round++) {
    if (template.whole) {
      value = resolve(data, template, 0, path);
      break;
    }
    let step: Step;
    if (template.expressions.length === 1) {
      step = nextStep(template, [render(resolve(data, template, 0, path))]);
    } else {
      const rendered: string[] = [];
      for (let i = 0; i < template.expressions.length; i++)
        rendered.push(render(resolve(data, template, i, path)));
      step = nextStep(template, rendered);
    }
    value = step.text;
    if (!step.again) break;
    template = step.template;
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
