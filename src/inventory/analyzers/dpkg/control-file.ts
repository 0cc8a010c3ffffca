/**
 * Debian control-file syntax (deb-control(5), Debian Policy 5.1): paragraphs of `Field: value`
 * lines separated by blank lines; a line starting with space or tab continues the previous field.
 * Used for dpkg's `status` database and distroless `status.d/*` files. Bounded, and strict like
 * dpkg itself: a line that is neither a field nor a continuation is an `INVENTORY_PARSE` error.
 */
import { BosunError, limitError } from '../../../util/errors.ts';

export interface ControlLimits {
  /** Paragraphs in one file (a full Ubuntu image has ~1,000; dpkg has no limit). */
  readonly maxParagraphs: number;
  /** Fields in one paragraph. */
  readonly maxFields: number;
}

export const DEFAULT_CONTROL_LIMITS: ControlLimits = { maxParagraphs: 100_000, maxFields: 1_000 };

/** One paragraph: field names as written (case preserved), values with continuation lines joined by `\n`. */
export type ControlParagraph = ReadonlyMap<string, string>;

export function parseControlFile(
  text: string,
  input: string,
  limits: ControlLimits = DEFAULT_CONTROL_LIMITS,
): ControlParagraph[] {
  const paragraphs: ControlParagraph[] = [];
  let current: Map<string, string> | undefined;
  let lastField: string | undefined;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').replace(/\r$/, '');
    if (line.trim() === '') {
      current = undefined;
      lastField = undefined;
      continue;
    }
    if (line.startsWith('#')) continue; // comments are allowed in control files (not in status, harmless)
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (current === undefined || lastField === undefined)
        throw parseError(input, index, 'continuation line outside a field');
      current.set(lastField, `${current.get(lastField) ?? ''}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!/^[!-9;-~]+$/.test(name) || name.startsWith('-')) throw parseError(input, index, 'not a field line');
    if (current === undefined) {
      if (paragraphs.length >= limits.maxParagraphs) {
        throw limitError('INVENTORY_LIMIT', input, 'paragraphs', paragraphs.length + 1, limits.maxParagraphs);
      }
      current = new Map();
      paragraphs.push(current);
    }
    if (!current.has(name) && current.size >= limits.maxFields) {
      throw limitError('INVENTORY_LIMIT', input, 'fields per paragraph', current.size + 1, limits.maxFields);
    }
    current.set(name, line.slice(colon + 1).trim());
    lastField = name;
  }
  return paragraphs;
}

/** A field by name, case-insensitively (field names are case-insensitive per Debian Policy 5.1). */
export function controlField(paragraph: ControlParagraph, name: string): string | undefined {
  const direct = paragraph.get(name);
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const [key, value] of paragraph) if (key.toLowerCase() === lower) return value;
  return undefined;
}

function parseError(input: string, index: number, what: string): BosunError {
  return new BosunError('INVENTORY_PARSE', `${input}: line ${index + 1}: ${what}`, {
    details: { input, line: index + 1 },
  });
}
