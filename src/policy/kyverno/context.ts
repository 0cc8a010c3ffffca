// The JSON document Kyverno variables are evaluated against: request.*, images, serviceAccount*,
// plus context entries and test values. Updates copy along the written path so a base document can
// be shared by all rules of a resource.
import { isObject, type JsonObject, type JsonValue } from '../common/json.ts';

/** Returns a copy of `data` with `value` set at `path`, sharing untouched branches. */
export function setIn(data: JsonObject, path: readonly string[], value: JsonValue): JsonObject {
  if (path.length === 0) return isObject(value) ? value : data;
  const [head, ...rest] = path as [string, ...string[]];
  const out: JsonObject = { ...data };
  if (rest.length === 0) {
    out[head] = value;
    return out;
  }
  const child = isObject(data[head]) ? data[head] : {};
  out[head] = setIn(child, rest, value);
  return out;
}

/** Deep-merges `value` into `data` at `path` (objects merge, everything else replaces). */
export function mergeIn(data: JsonObject, path: readonly string[], value: JsonValue): JsonObject {
  if (isObject(value)) {
    let out = data;
    const existing = getIn(data, path);
    if (!isObject(existing)) out = setIn(out, path, {});
    for (const [k, v] of Object.entries(value)) out = mergeIn(out, [...path, k], v);
    return out;
  }
  return setIn(data, path, value);
}

export function getIn(data: JsonValue, path: readonly string[]): JsonValue | undefined {
  let cur: JsonValue | undefined = data;
  for (const p of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** Applies test values: keys are dotted paths (`request.object.metadata.name`). */
export function applyValues(
  data: JsonObject,
  values: Readonly<Record<string, JsonValue>> | undefined,
): JsonObject {
  if (values === undefined) return data;
  let out = data;
  for (const [key, value] of Object.entries(values)) out = mergeIn(out, splitValueKey(key), value);
  return out;
}

/** Splits `a.b."c.d".e` on dots outside double quotes, dropping the quotes. */
export function splitValueKey(key: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of key) {
    if (ch === '"') quoted = !quoted;
    else if (ch === '.' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

export interface RequestContextInput {
  readonly resource: JsonObject;
  readonly oldResource?: JsonObject | null;
  readonly operation: string;
  readonly userInfo?: {
    readonly username?: string;
    readonly uid?: string;
    readonly groups?: readonly string[];
  };
  readonly roles?: readonly string[];
  readonly clusterRoles?: readonly string[];
  readonly namespace?: string;
  readonly images: JsonObject;
}

const SERVICE_ACCOUNT_RE = /^system:serviceaccount:([^:]+):([^:]+)$/u;

export function buildRequestContext(input: RequestContextInput): JsonObject {
  const meta = isObject(input.resource['metadata']) ? input.resource['metadata'] : {};
  const apiVersion = typeof input.resource['apiVersion'] === 'string' ? input.resource['apiVersion'] : '';
  const slash = apiVersion.indexOf('/');
  const request: JsonObject = {
    operation: input.operation,
    object: input.operation === 'DELETE' ? null : input.resource,
    oldObject: input.operation === 'DELETE' ? input.resource : (input.oldResource ?? null),
    userInfo:
      input.userInfo?.uid === undefined
        ? { username: input.userInfo?.username ?? '', groups: [...(input.userInfo?.groups ?? [])] }
        : {
            username: input.userInfo.username ?? '',
            uid: input.userInfo.uid,
            groups: [...(input.userInfo.groups ?? [])],
          },
    roles: [...(input.roles ?? [])],
    clusterRoles: [...(input.clusterRoles ?? [])],
    kind: {
      group: slash < 0 ? '' : apiVersion.slice(0, slash),
      version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
      kind: typeof input.resource['kind'] === 'string' ? input.resource['kind'] : '',
    },
    name: typeof meta['name'] === 'string' ? meta['name'] : '',
    namespace: input.namespace ?? (typeof meta['namespace'] === 'string' ? meta['namespace'] : ''),
  };
  const username = input.userInfo?.username ?? '';
  const sa = username.startsWith('system:serviceaccount:') ? SERVICE_ACCOUNT_RE.exec(username) : null;
  const serviceAccountName = sa === null ? '' : sa[2]!;
  const serviceAccountNamespace = sa === null ? '' : sa[1]!;
  // Plain data properties only: documents are copied per rule and per foreach element, and V8
  // copies an object with an accessor on a path about twenty times slower.
  return { request, images: input.images, serviceAccountName, serviceAccountNamespace };
}
