// Multi-document YAML/JSON parsing with limits. Kubernetes manifests are YAML 1.2 core schema
// documents; a bad document is a POLICY_INVALID error naming the source.
import { parseAllDocuments } from 'yaml';
import { BosunError } from '../../util/errors.ts';
import { isObject, type JsonObject } from '../common/json.ts';

export const DEFAULT_MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_DOCUMENTS = 10_000;

export interface YamlLimits {
  readonly maxBytes?: number;
  readonly maxDocuments?: number;
}

/** Parses every non-empty document of a YAML stream into JSON objects. */
export function parseYamlDocuments(text: string, source: string, limits: YamlLimits = {}): JsonObject[] {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  if (text.length > maxBytes) {
    throw new BosunError('LIMIT_EXCEEDED', `${source}: larger than ${maxBytes} bytes`, {
      details: { input: source, limit: 'bytes', max: maxBytes },
    });
  }
  let docs;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: false });
  } catch (e) {
    throw new BosunError('POLICY_INVALID', `${source}: not YAML`, { cause: e, details: { input: source } });
  }
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.length > (limits.maxDocuments ?? DEFAULT_MAX_DOCUMENTS)) {
    throw new BosunError('LIMIT_EXCEEDED', `${source}: too many documents`, {
      details: { input: source, limit: 'documents' },
    });
  }
  const out: JsonObject[] = [];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      throw new BosunError('POLICY_INVALID', `${source}: ${doc.errors[0]!.message}`, {
        details: { input: source },
      });
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      throw new BosunError('POLICY_INVALID', `${source}: ${(e as Error).message}`, {
        cause: e,
        details: { input: source },
      });
    }
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) {
      for (const v of value) if (isObject(v)) out.push(v);
      continue;
    }
    if (!isObject(value))
      throw new BosunError('POLICY_INVALID', `${source}: a document is not an object`, {
        details: { input: source },
      });
    if (value['kind'] === 'List' && Array.isArray(value['items'])) {
      for (const item of value['items']) if (isObject(item)) out.push(item);
      continue;
    }
    out.push(value);
  }
  return out;
}
