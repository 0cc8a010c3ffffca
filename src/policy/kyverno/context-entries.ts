// Kyverno rule `context` entries: variables, ConfigMaps, global context, image registry metadata
// (the only entry that needs I/O) and mocked API calls; test values override entries they name.
import { asObject, asString, isObject, type JsonObject, type JsonValue } from '../common/json.ts';
import type { EvaluationOptions } from '../evaluation.ts';
import { setIn } from './context.ts';
import { queryJmesPath } from './jmespath.ts';
import { substituteAll, substituteString } from './variables.ts';
import { UnsupportedError } from './rule-outcome.ts';

export function contextProvided(
  name: string,
  values: Readonly<Record<string, JsonValue>> | undefined,
): boolean {
  if (values === undefined) return false;
  return Object.keys(values).some((k) => k === name || k.startsWith(`${name}.`));
}

export async function loadContext(
  entries: JsonValue[],
  data: JsonObject,
  values: Readonly<Record<string, JsonValue>> | undefined,
  options: EvaluationOptions,
): Promise<JsonObject> {
  let d = data;
  for (const e of entries) {
    const entry = asObject(e);
    const name = asString(entry['name']) ?? '';
    if (contextProvided(name, values)) continue;
    d = await loadEntry(entry, name, d, options);
  }
  return d;
}

export function loadContextSync(entries: JsonValue[], data: JsonObject): JsonObject {
  let d = data;
  for (const e of entries) {
    const entry = asObject(e);
    const name = asString(entry['name']) ?? '';
    if (d[name] !== undefined && !isObject(entry['variable'])) continue;
    if (isObject(entry['variable'])) d = setIn(d, [name], variableEntry(asObject(entry['variable']), d));
    else throw new UnsupportedError(`foreach context entry ${name}: only variable entries are supported`);
  }
  return d;
}

function variableEntry(v: JsonObject, data: JsonObject): JsonValue {
  let value: JsonValue | undefined;
  try {
    if (v['value'] !== undefined) value = substituteAll(v['value'], data, '/context/variable/value/');
    const path = asString(v['jmesPath']);
    if (path !== undefined) {
      const expr = substituteString(path, data, '/context/variable/jmesPath/');
      value = queryJmesPath(value === undefined ? data : value, String(expr));
    }
  } catch (e) {
    if (v['default'] !== undefined) return substituteAll(v['default'], data, '/context/variable/default/');
    throw e;
  }
  if ((value === undefined || value === null) && v['default'] !== undefined)
    return substituteAll(v['default'], data, '/context/variable/default/');
  return value ?? null;
}

async function loadEntry(
  entry: JsonObject,
  name: string,
  data: JsonObject,
  options: EvaluationOptions,
): Promise<JsonObject> {
  if (
    !isObject(entry['variable']) &&
    !isObject(entry['configMap']) &&
    !isObject(entry['globalReference']) &&
    isObject(entry['imageRegistry'])
  ) {
    const ir = asObject(entry['imageRegistry']);
    const ref = substituteString(asString(ir['reference']) ?? '', data, '/context/imageRegistry/reference/');
    const facts = options.imageFacts;
    if (facts === undefined)
      throw new UnsupportedError(`context entry ${name}: imageRegistry needs image facts (registry access)`);
    const meta = await facts.registryMetadata(String(ref));
    const path = asString(ir['jmesPath']);
    return setIn(data, [name], path === undefined ? meta : queryJmesPath(meta, path));
  }
  return loadEntrySync(entry, name, data, options);
}

/** A context entry that needs no I/O (everything but imageRegistry). */
export function loadEntrySync(
  entry: JsonObject,
  name: string,
  data: JsonObject,
  options: EvaluationOptions,
): JsonObject {
  if (isObject(entry['variable'])) return setIn(data, [name], variableEntry(entry['variable'], data));
  if (isObject(entry['configMap'])) {
    const cm = asObject(substituteAll(entry['configMap'], data, '/context/configMap/'));
    const found = options.lookupResource?.(
      'v1',
      'ConfigMap',
      asString(cm['namespace']) ?? '',
      asString(cm['name']) ?? '',
    );
    if (found === undefined)
      throw new UnsupportedError(
        `context entry ${name}: ConfigMap ${String(cm['namespace'])}/${String(cm['name'])} is not available`,
      );
    return setIn(data, [name], found);
  }
  if (isObject(entry['globalReference'])) {
    const g = asObject(entry['globalReference']);
    const value = options.globalContext?.(asString(g['name']) ?? '');
    if (value === undefined)
      throw new UnsupportedError(
        `context entry ${name}: global context ${String(g['name'])} is not available`,
      );
    const path = asString(g['jmesPath']);
    return setIn(data, [name], path === undefined ? value : queryJmesPath(value, path));
  }
  if (isObject(entry['imageRegistry']))
    throw new Error(`context entry ${name}: imageRegistry is loaded asynchronously`);
  if (isObject(entry['apiCall'])) {
    const call = asObject(entry['apiCall']);
    const mocked = options.apiCall?.(asObject(substituteAll(call, data, '/context/apiCall/')));
    if (mocked === undefined)
      throw new UnsupportedError(`context entry ${name}: apiCall needs a Kubernetes API server or service`);
    const path = asString(call['jmesPath']);
    let value = mocked;
    if (path !== undefined) value = queryJmesPath(mocked, String(substituteString(path, data)));
    if ((value === null || value === undefined) && call['default'] !== undefined) value = call['default'];
    return setIn(data, [name], value);
  }
  throw new UnsupportedError(`context entry ${name}: unsupported entry type`);
}
