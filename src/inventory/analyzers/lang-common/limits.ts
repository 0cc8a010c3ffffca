import { BosunError, limitError } from '../../../util/errors.ts';

/** Bounds for language package parsers. Inputs are untrusted files from images. */
export interface LangLimits {
  /** Largest file an analyzer buffers. */
  readonly maxFileBytes: number;
  /** Most packages one file may yield. */
  readonly maxPackages: number;
  /** Deepest nesting of JSON/YAML/lockfile trees. */
  readonly maxDepth: number;
}

export const DEFAULT_LANG_LIMITS: LangLimits = Object.freeze({
  maxFileBytes: 64 * 1024 * 1024,
  maxPackages: 200_000,
  maxDepth: 64,
});

/** Throw `INVENTORY_LIMIT` naming the file and the limit when `value > max`. */
export function checkLimit(input: string, limit: string, value: number, max: number): void {
  if (value > max) throw limitError('INVENTORY_LIMIT', input, limit, value, max);
}

/** A parse error for `input`, keeping the cause (never file contents). */
export function parseError(input: string, what: string, cause?: unknown): BosunError {
  return new BosunError('INVENTORY_PARSE', `${input}: ${what}`, {
    ...(cause === undefined ? {} : { cause }),
    details: { input },
  });
}
