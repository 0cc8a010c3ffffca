// The leaf comparison as it was before it was compiled (commit e0a7b96); reference model only.
import { compareNumbers, parseQuantity } from '../../common/quantity.ts';
import { parseGoDuration } from '../../common/duration.ts';
import { wildcardMatch } from '../../common/wildcard.ts';

export type PatternOperator = '' | '>=' | '<=' | '>' | '<' | '!';

const RANGE_RE = /^(-?\d+(?:\.\d+)?[A-Za-z]*)(!?-)(-?\d+(?:\.\d+)?[A-Za-z]*)$/u;

export function operatorOf(pattern: string): PatternOperator {
  if (pattern.length < 2) return '';
  for (const op of ['>=', '<=', '>', '<', '!'] as const) if (pattern.startsWith(op)) return op;
  return '';
}

export function validateValue(value: unknown, pattern: unknown): boolean {
  if (typeof pattern === 'boolean') return value === pattern;
  if (typeof pattern === 'number') return validateNumberPattern(value, pattern);
  if (pattern === null || pattern === undefined) return validateNilPattern(value);
  if (typeof pattern === 'string') return validateStringPatterns(value, pattern);
  if (Array.isArray(pattern)) return false;
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
  if (value === pattern) return true;
  for (const orPart of pattern.split('|')) {
    const cond = orPart.trim();
    if (cond.split('&').every((p) => validateStringPattern(value, p.trim()))) return true;
  }
  return false;
}

function validateStringPattern(value: unknown, pattern: string): boolean {
  const range = RANGE_RE.exec(pattern);
  if (range !== null) {
    const [, lo, sep, hi] = range;
    if (sep === '-')
      return validateStringPattern(value, `>= ${lo}`) && validateStringPattern(value, `<= ${hi}`);
    return validateStringPattern(value, `< ${lo}`) || validateStringPattern(value, `> ${hi}`);
  }
  const op = operatorOf(pattern);
  const operand = pattern.slice(op.length).trim();
  return (
    compareDuration(value, operand, op) ||
    compareQuantity(value, operand, op) ||
    compareString(value, operand, op)
  );
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

function compareDuration(value: unknown, pattern: string, op: PatternOperator): boolean {
  const p = parseGoDuration(pattern);
  if (p === undefined) return false;
  const text = numberText(value);
  if (text === undefined) return false;
  const v = parseGoDuration(text);
  if (v === undefined) return false;
  return applyOp(compareNumbers(v, p), op);
}

function compareQuantity(value: unknown, pattern: string, op: PatternOperator): boolean {
  const p = parseQuantity(pattern);
  if (p === undefined) return false;
  const text = numberText(value);
  if (text === undefined) return false;
  const v = parseQuantity(text);
  if (v === undefined) return false;
  return applyOp(compareNumbers(v, p), op);
}

function compareString(value: unknown, pattern: string, op: PatternOperator): boolean {
  if (op !== '' && op !== '!') return false;
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') text = Number.isInteger(value) ? String(value) : goFloatE(value);
  else if (typeof value === 'boolean') text = String(value);
  else return false;
  const matched = wildcardMatch(pattern, text);
  return op === '!' ? !matched : matched;
}

/** Go's strconv.FormatFloat(v, 'E', -1, 64). */
function goFloatE(v: number): string {
  const [mant, exp] = v.toExponential().toUpperCase().split('E');
  const e = Number(exp);
  return `${mant}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}
