// RFC 6902 JSON Patch from one JSON value to another (what the mutating webhook returns).
// Objects are diffed key by key; arrays of equal length element by element; anything else is
// replaced whole. Paths are RFC 6901 pointers.
import type { JsonPatchOperation } from '../review/types.ts';

export function escapePointer(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The operations turning `from` into `to` (empty when equal). */
export function diffJson(from: unknown, to: unknown, path = ''): JsonPatchOperation[] {
  if (isObj(from) && isObj(to)) {
    const ops: JsonPatchOperation[] = [];
    for (const key of Object.keys(from)) {
      if (!Object.hasOwn(to, key)) ops.push({ op: 'remove', path: `${path}/${escapePointer(key)}` });
    }
    for (const [key, value] of Object.entries(to)) {
      const p = `${path}/${escapePointer(key)}`;
      if (!Object.hasOwn(from, key)) ops.push({ op: 'add', path: p, value });
      else ops.push(...diffJson(from[key], value, p));
    }
    return ops;
  }
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) {
    return from.flatMap((v, i) => diffJson(v, to[i], `${path}/${i}`));
  }
  return equal(from, to) ? [] : [{ op: 'replace', path, value: to }];
}

/** Applies operations produced by diffJson (add/replace/remove on existing parents). */
export function applyJsonPatch(doc: unknown, ops: readonly JsonPatchOperation[]): unknown {
  let root = structuredClone(doc);
  for (const op of ops) {
    const tokens =
      op.path === ''
        ? []
        : op.path
            .slice(1)
            .split('/')
            .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
    if (tokens.length === 0) {
      root = op.op === 'remove' ? undefined : structuredClone(op.value);
      continue;
    }
    let parent: unknown = root;
    for (const t of tokens.slice(0, -1)) parent = (parent as Record<string, unknown>)[t];
    const last = tokens.at(-1)!;
    const container = parent as Record<string, unknown>;
    if (op.op === 'remove') {
      if (Array.isArray(container)) container.splice(Number(last), 1);
      else delete container[last];
    } else if (Array.isArray(container) && op.op === 'add') {
      container.splice(last === '-' ? container.length : Number(last), 0, structuredClone(op.value));
    } else {
      container[last] = structuredClone(op.value);
    }
  }
  return root;
}
