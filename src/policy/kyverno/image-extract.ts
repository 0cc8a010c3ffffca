// The images a verifyImages rule looks at: container images of pods and pod templates, or the
// rule's `imageExtractors` for the resource kind (`path` with `*` over lists, optional `value`
// field and `jmesPath` transform), each with the JSON pointer a digest patch would replace.
import { asArray, asObject, asString, isObject, type JsonObject, type JsonValue } from '../common/json.ts';
import { listImages, parseKyvernoImage, type KyvernoImageInfo } from './images.ts';
import { queryJmesPath } from './jmespath.ts';

export interface ExtractedImage {
  /** The image as written in the resource (after an extractor's jmesPath). */
  readonly written: string;
  readonly info: KyvernoImageInfo;
  /** RFC 6901 pointer of the field holding the image. */
  readonly pointer: string;
  /** False when an extractor transformed the value (the field cannot be rewritten with the image). */
  readonly patchable: boolean;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/gu, '~0').replace(/\//gu, '~1');
}

function walk(
  value: JsonValue | undefined,
  segments: readonly string[],
  at: string[],
  out: [string[], JsonValue][],
): void {
  if (value === undefined) return;
  if (segments.length === 0) {
    out.push([at, value]);
    return;
  }
  const [head, ...rest] = segments as [string, ...string[]];
  if (head === '*') {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, rest, [...at, String(i)], out));
    else if (isObject(value)) for (const [k, v] of Object.entries(value)) walk(v, rest, [...at, k], out);
    return;
  }
  if (Array.isArray(value) && /^\d+$/u.test(head)) walk(value[Number(head)], rest, [...at, head], out);
  else if (isObject(value)) walk(value[head], rest, [...at, head], out);
}

function fromExtractor(resource: JsonObject, extractor: JsonObject): ExtractedImage[] {
  const path = asString(extractor['path']) ?? '';
  const valueField = asString(extractor['value']);
  const jmesPath = asString(extractor['jmesPath']);
  const found: [string[], JsonValue][] = [];
  walk(
    resource,
    path.split('/').filter((s) => s !== ''),
    [],
    found,
  );
  const out: ExtractedImage[] = [];
  for (const [at, v] of found) {
    let raw: JsonValue | undefined = v;
    let pointerPath = at;
    if (valueField !== undefined && valueField !== '') {
      raw = asObject(v)[valueField];
      pointerPath = [...at, valueField];
    }
    if (typeof raw !== 'string') continue;
    let written = raw;
    if (jmesPath !== undefined && jmesPath !== '') {
      const t = queryJmesPath(raw, jmesPath);
      if (typeof t !== 'string') continue;
      written = t;
    }
    const pointer = `/${pointerPath.map(escapePointer).join('/')}`;
    const info = parseKyvernoImage(written, pointer);
    if (info === undefined) continue;
    out.push({ written, info, pointer, patchable: written === raw });
  }
  return out;
}

/** Images of `resource` for a rule, extractors first (Kyverno replaces the defaults for that kind). */
export function extractRuleImages(resource: JsonObject, rule: JsonObject): ExtractedImage[] {
  const kind = asString(resource['kind']) ?? '';
  const extractors = asArray(asObject(rule['imageExtractors'])[kind]);
  if (extractors.length > 0) return extractors.flatMap((e) => fromExtractor(resource, asObject(e)));
  const out: ExtractedImage[] = [];
  for (const img of listImages(resource)) {
    const pointer = `/${img.pointer.map(escapePointer).join('/')}`;
    const info = parseKyvernoImage(img.image, pointer);
    if (info !== undefined) out.push({ written: img.image, info, pointer, patchable: true });
  }
  return out;
}
