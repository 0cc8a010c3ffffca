// Leaf comparison of a resource value with a pattern value, as Kyverno's pattern.Validate:
// `a | b` (or), `a & b` (and), operators > < >= <= ! and ranges `1-5`, `1!-5`; each comparison
// tries a Go duration, then a Kubernetes quantity, then a wildcard string. A string pattern is
// parsed once into a predicate (operands pre-parsed, wildcards pre-compiled) and cached.
import { compareNumbers, parseQuantity } from '../common/quantity.ts';
import { parseGoDuration } from '../common/duration.ts';
import { compileWildcard } from '../common/wildcard.ts';

export type PatternOperator = '' | '>=' | '<=' | '>' | '<' | '!';

/** A compiled leaf pattern: does this resource value satisfy it? */
export type ValuePredicate = (value: unknown) => boolean;

const RANGE_RE = /^(-?\d+(?:\.\d+)?[A-Za-z]*)(!?-)(-?\d+(?:\.\d+)?[A-Za-z]*)$/u;
const MAX_CACHED = 10_000;
const stringPatterns = new Map<string, ValuePredicate>();

export function operatorOf(pattern: string): PatternOperator {
  if (pattern.length < 2) return '';
  for (const op of ['>=', '<=', '>', '<', '!'] as const) if (pattern.startsWith(op)) return op;
  return '';
}

export function validateValue(value: unknown, pattern: unknown): boolean {
  if (typeof pattern === 'string') return compileStringPatterns(pattern)(value);
  return compileValuePattern(pattern)(value);
}

/** The predicate of a leaf pattern of any JSON type. */
export function compileValuePattern(pattern: unknown): ValuePredicate {
  if (typeof pattern === 'boolean') return (value) => value === pattern;
  if (typeof pattern === 'number') return (value) => validateNumberPattern(value, pattern);
  if (pattern === null || pattern === undefined) return validateNilPattern;
  if (typeof pattern === 'string') return compileStringPatterns(pattern);
  if (Array.isArray(pattern)) return () => false;
  return (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validateNumberPattern(value: unknown, pattern: number): boolean {
  if (typeof value === 'number') return value === pattern;
  if (typeof value === 'string') {
    if (Number.isInteger(pattern)) {
      if (!/^[+-]?\d+$/u.test(value)) return false;
      return Number(value) === pattern;
    }
    const n = Number(value);
    return value.trim() !== '' && !Number.isNaN(n) && n === pattern;
  }
  return false;
}

function validateNilPattern(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'number') return value === 0;
  if (typeof value === 'string') return value === '';
  if (typeof value === 'boolean') return !value;
  return false;
}

export function validateStringPatterns(value: unknown, pattern: string): boolean {
  return compileStringPatterns(pattern)(value);
}

/** `a | b & c`: the whole text first, then each `|` alternative, each a conjunction over `&`. */
function compileStringPatterns(pattern: string): ValuePredicate {
  let compiled = stringPatterns.get(pattern);
  if (compiled !== undefined) return compiled;
  const alternatives = pattern.split('|').map((orPart) =>
    orPart
      .trim()
      .split('&')
      .map((p) => compileStringPattern(p.trim())),
  );
  if (alternatives.length === 1 && alternatives[0]!.length === 1) {
    const only = alternatives[0]![0]!;
    compiled = (value) => value === pattern || only(value);
  } else {
    compiled = (value) => {
      if (value === pattern) return true;
      for (const conjunction of alternatives) {
        let all = true;
        for (const test of conjunction) {
          if (!test(value)) {
            all = false;
            break;
          }
        }
        if (all) return true;
      }
      return false;
    };
  }
  if (stringPatterns.size >= MAX_CACHED) stringPatterns.clear();
  stringPatterns.set(pattern, compiled);
  return compiled;
}

function compileStringPattern(pattern: string): ValuePredicate {
  const range = RANGE_RE.exec(pattern);
  if (range !== null) {
    const [, lo, sep, hi] = range;
    if (sep === '-') {
      const atLeast = compileStringPattern(`>= ${lo}`);
      const atMost = compileStringPattern(`<= ${hi}`);
      return (value) => atLeast(value) && atMost(value);
    }
    const below = compileStringPattern(`< ${lo}`);
    const above = compileStringPattern(`> ${hi}`);
    return (value) => below(value) || above(value);
  }
  const op = operatorOf(pattern);
  const operand = pattern.slice(op.length).trim();
  const duration = parseGoDuration(operand);
  const quantity = parseQuantity(operand);
  const text = compileStringCompare(operand, op);
  if (duration === undefined && quantity === undefined) return text;
  return (value) =>
    (duration !== undefined && compareDuration(value, duration, op)) ||
    (quantity !== undefined && compareQuantity(value, quantity, op)) ||
    text(value);
}

function numberText(value: unknown): string | undefined {
  if (value === null || value === undefined) return '0';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(6);
  return undefined;
}

function applyOp(cmp: number, op: PatternOperator): boolean {
  switch (op) {
    case '':
      return cmp === 0;
    case '!':
      return cmp !== 0;
    case '>':
      return cmp > 0;
    case '<':
      return cmp < 0;
    case '>=':
      return cmp >= 0;
    case '<=':
      return cmp <= 0;
  }
}

function compareDuration(value: unknown, pattern: number, op: PatternOperator): boolean {
  const text = numberText(value);
  if (text === undefined) return false;
  const v = parseGoDuration(text);
  if (v === undefined) return false;
  return applyOp(compareNumbers(v, pattern), op);
}

function compareQuantity(value: unknown, pattern: number, op: PatternOperator): boolean {
  const text = numberText(value);
  if (text === undefined) return false;
  const v = parseQuantity(text);
  if (v === undefined) return false;
  return applyOp(compareNumbers(v, pattern), op);
}

function compileStringCompare(pattern: string, op: PatternOperator): ValuePredicate {
  if (op !== '' && op !== '!') return () => false;
  const matches = compileWildcard(pattern);
  const negate = op === '!';
  return (value) => {
    let text: string;
    if (typeof value === 'string') text = value;
    else if (typeof value === 'number') text = Number.isInteger(value) ? String(value) : goFloatE(value);
    else if (typeof value === 'boolean') text = String(value);
    else return false;
    const matched = matches(text);
    return negate ? !matched : matched;
  };
}

/** Go's strconv.FormatFloat(v, 'E', -1, 64). */
function goFloatE(v: number): string {
  const [mant, exp] = v.toExponential().toUpperCase().split('E');
  const e = Number(exp);
  return `${mant}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}
