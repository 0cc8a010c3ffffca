// JSON ⇄ CEL value conversion: CEL integers are BigInts in cel-js; Kubernetes JSON numbers that
// are integral become CEL ints, others doubles.
import { isObject, type JsonObject, type JsonValue } from '../common/json.ts';

/**
 * The CEL view of a JSON value. Subtrees without integral numbers are shared, not copied. Callers
 * that convert the same document for several evaluations keep the result (see RequestMemo).
 */
export function toCel(value: JsonValue | undefined): unknown {
  return convert(value);
}

/** Copy-on-write conversion: returns `value` itself when nothing inside it changes. */
function convert(value: JsonValue | undefined): unknown {
  if (value === undefined) return null;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const c = convert(v);
      if (out === undefined && c !== v) out = value.slice(0, i);
      if (out !== undefined) out.push(c);
    }
    return out ?? value;
  }
  if (isObject(value)) {
    let out: Record<string, unknown> | undefined;
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = value[k];
      const c = convert(v);
      if (out === undefined && c !== v) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j]!] = value[keys[j]!];
      }
      if (out !== undefined) out[k] = c;
    }
    return out ?? value;
  }
  return value;
}

export function fromCel(value: unknown): JsonValue {
  if (typeof value === 'bigint') return Number(value);
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map) {
    const out: JsonObject = {};
    for (const [k, v] of value) out[String(k)] = fromCel(v);
    return out;
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o['hasValue'] === 'function') {
      const opt = o as { hasValue(): boolean; value(): unknown };
      return opt.hasValue() ? fromCel(opt.value()) : null;
    }
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(o)) out[k] = fromCel(v);
    return out;
  }
  return String(value);
}
