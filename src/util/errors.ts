import { ERROR_CODES, EXIT_CODES, type ErrorCategory, type ErrorCode } from './error-codes.ts';

export type { ErrorCode, ErrorCategory } from './error-codes.ts';

/** Structured, non-secret facts about an error: the input it concerns, the limit it hit. */
export type ErrorDetails = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * The one error type Bosun throws on purpose. Tests assert `code`, never the message.
 * Messages and details must never contain credentials.
 */
export class BosunError extends Error {
  override readonly name = 'BosunError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: ErrorDetails } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  get category(): ErrorCategory {
    return ERROR_CODES[this.code];
  }
}

export function isBosunError(value: unknown, code?: ErrorCode): value is BosunError {
  return value instanceof BosunError && (code === undefined || value.code === code);
}

/** The process exit code for any thrown value: BosunErrors by category, anything else is internal (70). */
export function exitCodeFor(error: unknown): number {
  return error instanceof BosunError ? EXIT_CODES[error.category] : EXIT_CODES.internal;
}

/** Raised when a bounded parser or reader reaches one of its limits. */
export function limitError(
  code: ErrorCode,
  input: string,
  limit: string,
  value: number,
  max: number,
): BosunError {
  return new BosunError(code, `${input}: ${limit} limit exceeded (${value} > ${max})`, {
    details: { input, limit, value, max },
  });
}
