/** Typed access to parsed JSON/YAML from user files: a wrong type is an error naming the field. */
import { BosunError } from '../../util/errors.ts';
import type { ErrorCode } from '../../util/error-codes.ts';

export type JsonRecord = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class FieldReader {
  readonly code: ErrorCode;
  readonly source: string;

  constructor(code: ErrorCode, source: string) {
    this.code = code;
    this.source = source;
  }

  fail(where: string, problem: string): never {
    throw new BosunError(this.code, `${this.source}: ${where}: ${problem}`, {
      details: { input: this.source, field: where },
    });
  }

  record(value: unknown, where: string): JsonRecord {
    if (!isRecord(value)) this.fail(where, 'expected an object');
    return value;
  }

  array(value: unknown, where: string, max: number): readonly unknown[] {
    if (!Array.isArray(value)) this.fail(where, 'expected an array');
    if (value.length > max) {
      throw new BosunError('REPORT_LIMIT', `${this.source}: ${where}: more than ${max} entries`, {
        details: { input: this.source, limit: 'entries', value: value.length, max },
      });
    }
    return value;
  }

  string(value: unknown, where: string): string {
    if (typeof value !== 'string' || value.trim() === '') this.fail(where, 'expected a non-empty string');
    return value;
  }

  optionalString(value: unknown, where: string): string | undefined {
    return value === undefined || value === null ? undefined : this.string(value, where);
  }

  strings(value: unknown, where: string, max: number): string[] {
    if (value === undefined || value === null) return [];
    return this.array(value, where, max).map((v, i) => this.string(v, `${where}[${i}]`));
  }

  /** Rejects keys outside `allowed`: a misspelt scope key must not widen a suppression silently. */
  onlyKeys(value: JsonRecord, where: string, allowed: readonly string[]): void {
    for (const key of Object.keys(value))
      if (!allowed.includes(key)) this.fail(where, `unknown key "${key}"`);
  }
}

export function checkSize(text: string, source: string, maxBytes: number): void {
  if (text.length > maxBytes) {
    throw new BosunError('REPORT_LIMIT', `${source}: larger than ${maxBytes} bytes`, {
      details: { input: source, limit: 'bytes', value: text.length, max: maxBytes },
    });
  }
}
