// Kyverno condition operators (preconditions, deny conditions), after Kyverno's
// pkg/engine/variables/operator: type-directed comparisons with wildcard, duration and quantity
// support. Each function takes the substituted key and value.
import { compareNumbers, parseQuantity } from '../common/quantity.ts';
import { parseGoDuration } from '../common/duration.ts';
import { compileWildcard, hasWildcard, wildcardMatch } from '../common/wildcard.ts';
import { deepEqual, goSprint, isObject } from '../common/json.ts';
import { validateValue } from './value-pattern.ts';

export const CONDITION_OPERATORS = [
  'Equals',
  'NotEquals',
  'Equal',
  'NotEqual',
  'In',
  'NotIn',
  'AnyIn',
  'AllIn',
  'AnyNotIn',
  'AllNotIn',
  'GreaterThan',
  'GreaterThanOrEquals',
  'LessThan',
  'LessThanOrEquals',
  'DurationGreaterThan',
  'DurationGreaterThanOrEquals',
  'DurationLessThan',
  'DurationLessThanOrEquals',
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

const OPERATORS: ReadonlySet<string> = new Set(CONDITION_OPERATORS);

export function isConditionOperator(op: string): op is ConditionOperator {
  return OPERATORS.has(op);
}

export function evaluateOperator(op: ConditionOperator, key: unknown, value: unknown): boolean {
  switch (op) {
    case 'Equals':
    case 'Equal':
      return equals(key, value);
    case 'NotEquals':
    case 'NotEqual':
      return !equals(key, value);
    case 'In':
      return inOp(key, value, false);
    case 'NotIn':
      return inOp(key, value, true);
    case 'AnyIn':
      return anyAll(key, value, 'anyIn');
    case 'AllIn':
      return anyAll(key, value, 'allIn');
    case 'AnyNotIn':
      return anyAll(key, value, 'anyNotIn');
    case 'AllNotIn':
      return anyAll(key, value, 'allNotIn');
    case 'GreaterThan':
      return numeric(key, value, (c) => c > 0);
    case 'GreaterThanOrEquals':
      return numeric(key, value, (c) => c >= 0);
    case 'LessThan':
      return numeric(key, value, (c) => c < 0);
    case 'LessThanOrEquals':
      return numeric(key, value, (c) => c <= 0);
    case 'DurationGreaterThan':
      return duration(key, value, (c) => c > 0);
    case 'DurationGreaterThanOrEquals':
      return duration(key, value, (c) => c >= 0);
    case 'DurationLessThan':
      return duration(key, value, (c) => c < 0);
    case 'DurationLessThanOrEquals':
      return duration(key, value, (c) => c <= 0);
  }
}

/** Durations: strings in Go syntax, or numbers as seconds; at least one side must be a string. */
function parseDurations(key: unknown, value: unknown): [number, number] | undefined {
  const k = typeof key === 'string' ? parseGoDuration(key) : typeof key === 'number' ? key : undefined;
  const v =
    typeof value === 'string' ? parseGoDuration(value) : typeof value === 'number' ? value : undefined;
  if (k === undefined || v === undefined) return undefined;
  if (typeof key !== 'string' && typeof value !== 'string') return undefined;
  return [k, v];
}

function duration(key: unknown, value: unknown, test: (cmp: number) => boolean): boolean {
  const d = parseDurations(key, value);
  if (d === undefined) return false;
  return test(compareNumbers(d[0], d[1]));
}

function equals(key: unknown, value: unknown): boolean {
  if (typeof key === 'boolean') return value === key;
  if (typeof key === 'number') {
    if (typeof value === 'number') return value === key;
    if (typeof value === 'string') {
      const n = Number(value);
      return value.trim() !== '' && !Number.isNaN(n) && n === key;
    }
    return false;
  }
  if (typeof key === 'string') {
    const d = parseDurations(key, value);
    if (d !== undefined) return d[0] === d[1];
    const qk = parseQuantity(key);
    if (qk !== undefined && typeof value === 'string') {
      const qv = parseQuantity(value);
      return qv !== undefined && compareNumbers(qk, qv) === 0;
    }
    if (typeof value === 'string') return wildcardMatch(value, key);
    return false;
  }
  if (Array.isArray(key)) return Array.isArray(value) && deepEqual(key, value);
  if (isObject(key)) return isObject(value) && deepEqual(key, value);
  return false;
}

function numeric(key: unknown, value: unknown, test: (cmp: number) => boolean): boolean {
  const toNum = (v: unknown): number | undefined => {
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
    return undefined;
  };
  if (typeof key === 'number') {
    const d = parseDurations(key, value);
    if (typeof value === 'string' && d !== undefined) return test(compareNumbers(d[0], d[1]));
    const v = toNum(value);
    return v !== undefined && test(compareNumbers(key, v));
  }
  if (typeof key === 'string') {
    const d = parseDurations(key, value);
    if (d !== undefined) return test(compareNumbers(d[0], d[1]));
    if (typeof value === 'string') {
      const qk = parseQuantity(key);
      const qv = parseQuantity(value);
      if (qk !== undefined && qv !== undefined) return test(compareNumbers(qk, qv));
    }
    const k = toNum(key);
    if (k !== undefined) return numeric(k, value, test);
    const sk = parseSemver(key);
    if (sk !== undefined && typeof value === 'string') {
      const sv = parseSemver(value);
      return sv !== undefined && test(compareSemver(sk, sv));
    }
    return false;
  }
  return false;
}

type Semver = [number, number, number, string];
function parseSemver(s: string): Semver | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/u.exec(s);
  if (m === null) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] ?? ''];
}
function compareSemver(a: Semver, b: Semver): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
  if (a[3] === b[3]) return 0;
  if (a[3] === '') return 1;
  if (b[3] === '') return -1;
  return a[3] < b[3] ? -1 : 1;
}

/** The value side of an In-style operator: its entries as text, and their wildcard tests (lazy). */
class ValueList {
  readonly items: readonly string[];
  #tests: readonly ((value: string) => boolean)[] | undefined;

  constructor(items: readonly string[]) {
    this.items = items;
  }

  /**
   * Whether `key` is in the list with Kyverno's wildcards: an entry used as a pattern for the key,
   * and with `symmetric` also the key used as a pattern for the entry.
   */
  has(key: string, symmetric: boolean): boolean {
    const tests = (this.#tests ??= this.items.map(compileWildcard));
    // A key without wildcards matches an entry as a pattern only by equality, which the entry's own
    // test has already checked.
    const keyIsPattern = symmetric && hasWildcard(key);
    for (let i = 0; i < tests.length; i++) {
      if (tests[i]!(key)) return true;
      if (keyIsPattern && wildcardMatch(key, this.items[i]!)) return true;
    }
    return false;
  }
}

// Policy value lists are immutable: each is rendered (and its wildcards compiled) once.
const renderedLists = new WeakMap<unknown[], ValueList>();

/** The value side of In-style operators as a list of strings (JSON array text is accepted). */
function valueList(value: unknown): ValueList | undefined {
  if (Array.isArray(value)) {
    let list = renderedLists.get(value);
    if (list === undefined) {
      list = new ValueList(value.map(goSprint));
      renderedLists.set(value, list);
    }
    return list;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return new ValueList([String(value)]);
  if (typeof value === 'string') {
    const t = value.trim();
    if (t.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(t);
        if (Array.isArray(parsed)) return new ValueList(parsed.map(goSprint));
      } catch {
        // not JSON: a single value
      }
    }
    return new ValueList([value]);
  }
  return undefined;
}

const RANGE_VALUE_RE = /^-?\d+(?:\.\d+)?[A-Za-z]*!?-(-?\d+(?:\.\d+)?[A-Za-z]*)$/u;

function inOp(key: unknown, value: unknown, negate: boolean): boolean {
  if (Array.isArray(key)) {
    const list = valueList(value);
    if (list === undefined) return false;
    const keys = key.map(goSprint);
    if (negate) return !keys.every((k) => list.has(k, false));
    return keys.every((k) => list.has(k, false));
  }
  if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'boolean') return false;
  const k = String(key);
  if (typeof value === 'string' && RANGE_VALUE_RE.test(value)) {
    const r = validateValue(k, value);
    return negate ? !r : r;
  }
  const list = valueList(value);
  if (list === undefined) return false;
  const found = list.has(k, false);
  return negate ? !found : found;
}

function anyAll(key: unknown, value: unknown, mode: 'anyIn' | 'allIn' | 'anyNotIn' | 'allNotIn'): boolean {
  let keys: string[];
  if (Array.isArray(key)) keys = key.map(goSprint);
  else if (typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean')
    keys = [String(key)];
  else return false;
  if (typeof value === 'string' && RANGE_VALUE_RE.test(value)) {
    const within = keys.map((k) => validateValue(k, value));
    switch (mode) {
      case 'anyIn':
        return within.some(Boolean);
      case 'allIn':
        return within.every(Boolean);
      case 'anyNotIn':
        return within.some((w) => !w);
      case 'allNotIn':
        return within.every((w) => !w);
    }
  }
  const list = valueList(value);
  if (list === undefined) return false;
  const member = (k: string): boolean => list.has(k, true);
  switch (mode) {
    case 'anyIn':
      return keys.some(member);
    case 'allIn':
      return keys.every(member);
    case 'anyNotIn':
      return keys.some((k) => !member(k));
    case 'allNotIn':
      return keys.every((k) => !member(k));
  }
}
