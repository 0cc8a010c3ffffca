// Compares a (patched) resource with the expected resource of a test: same identity, equal content.
import { asObject, deepEqual, type JsonObject } from '../common/json.ts';

export function compareResources(actual: JsonObject, expected: readonly JsonObject[]): boolean {
  const meta = asObject(actual['metadata']);
  const same = expected.find((e) => {
    const m = asObject(e['metadata']);
    return (
      e['kind'] === actual['kind'] &&
      m['name'] === meta['name'] &&
      (m['namespace'] ?? '') === (meta['namespace'] ?? '')
    );
  });
  if (same === undefined) return false;
  return deepEqual(stripRuntime(actual), stripRuntime(same));
}

function stripRuntime(r: JsonObject): JsonObject {
  const copy = structuredClone(r);
  const m = asObject(copy['metadata']);
  delete m['creationTimestamp'];
  delete copy['status'];
  return copy;
}
