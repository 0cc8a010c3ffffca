import { parse } from 'smol-toml';
import { parseError } from './limits.ts';

/** TOML → plain object, with a typed error (including stack overflows on absurd nesting). */
export function parseTomlText(text: string, input: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    throw parseError(input, 'invalid TOML', error);
  }
}
