import { BosunError } from '../../util/errors.ts';
import type { ErrorCode } from '../../util/errors.ts';
import type { JsonValue } from './go-json.ts';

export interface JsonLimits {
  /** Largest accepted document, in bytes. */
  readonly maxBytes: number;
  /** Deepest accepted nesting of arrays and objects. */
  readonly maxDepth: number;
}

/**
 * Parses untrusted JSON within limits: the byte size is checked before parsing, then the nesting
 * depth is walked iteratively. Any failure is a BosunError with `code`, naming `input`.
 */
export function parseBoundedJson(
  bytes: Uint8Array | string,
  input: string,
  limits: JsonLimits,
  code: ErrorCode,
): JsonValue {
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.byteLength;
  if (size > limits.maxBytes) {
    throw new BosunError('LIMIT_EXCEEDED', `${input}: size limit exceeded (${size} > ${limits.maxBytes})`, {
      details: { input, limit: 'bytes', value: size, max: limits.maxBytes },
    });
  }
  let text: string;
  try {
    text =
      typeof bytes === 'string'
        ? bytes
        : new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (cause) {
    throw new BosunError(code, `${input}: not valid UTF-8`, { cause, details: { input } });
  }
  // The bracket count bounds nesting before JSON.parse recurses (V8's parser is iterative, but
  // every consumer below walks the value recursively).
  checkDepth(text, input, limits.maxDepth);
  try {
    return JSON.parse(text) as JsonValue;
  } catch (cause) {
    throw new BosunError(code, `${input}: not valid JSON`, { cause, details: { input } });
  }
}

function checkDepth(text: string, input: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
      continue;
    }
    if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      depth++;
      if (depth > maxDepth) {
        throw new BosunError('LIMIT_EXCEEDED', `${input}: nesting limit exceeded (> ${maxDepth})`, {
          details: { input, limit: 'depth', max: maxDepth },
        });
      }
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
}

export function isJsonObject(value: JsonValue | undefined): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
