import { parseError } from './limits.ts';

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/** Bytes → text; invalid UTF-8 becomes U+FFFD, a leading BOM is dropped. */
export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** `JSON.parse` with a typed error (stack overflows on deep nesting included). */
export function parseJson(text: string, input: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw parseError(input, 'invalid JSON', error);
  }
}

export type JsonRecord = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The record, or an empty one for anything else (missing or wrongly typed fields are ignored). */
export function recordOf(value: unknown): JsonRecord {
  return isRecord(value) ? value : {};
}

/** A non-empty string, else undefined. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Own enumerable entries of a record (never the prototype chain: `__proto__` keys are plain data). */
export function entriesOf(value: unknown): [string, unknown][] {
  return isRecord(value) ? Object.entries(value) : [];
}

/** Split text into lines, accepting LF and CRLF. */
export function linesOf(text: string): string[] {
  return text.split(/\r?\n/);
}
