import { BosunError } from '../util/errors.ts';

/** Validates a --format value against the formats a command supports. */
export function parseFormat<T extends string>(value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new BosunError('CLI_USAGE', `unknown format "${value}"; use one of: ${allowed.join(', ')}`);
}
