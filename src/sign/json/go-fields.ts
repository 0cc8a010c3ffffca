import type { JsonValue } from './go-json.ts';

/**
 * Reads a struct field from a parsed JSON object the way Go's `encoding/json.Unmarshal` does:
 * the key may match the field name exactly or case-insensitively, and a later matching key
 * overwrites an earlier one. Old cosign versions wrote `"Critical"`, `"Image"`... which Go still reads.
 */
export function goField(object: { readonly [key: string]: JsonValue }, name: string): JsonValue | undefined {
  const folded = name.toLowerCase();
  let found: JsonValue | undefined;
  for (const [key, value] of Object.entries(object)) {
    if (key === name || key.toLowerCase() === folded) found = value;
  }
  return found;
}
