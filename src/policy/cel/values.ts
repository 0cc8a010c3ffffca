// JSON ⇄ CEL value conversion: CEL integers are BigInts in cel-js; Kubernetes JSON numbers that
// are integral become CEL ints, others doubles.
import { isObject, type JsonObject, type JsonValue } from '../common/json.ts';

const cache = new WeakMap<object, unknown>();

export function toCel(value: JsonValue | undefined): unknown {
  if (value === undefined) return null;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) {
    const hit = cache.get(value);
    if (hit !== undefined) return hit;
    const out = value.map((v) => toCel(v));
    cache.set(value, out);
    return out;
  }
  if (isObject(value)) {
    const hit = cache.get(value);
    if (hit !== undefined) return hit;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toCel(v);
    cache.set(value, out);
    return out;
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
