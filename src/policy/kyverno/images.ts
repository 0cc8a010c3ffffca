// Kyverno's view of container images in a resource (the `images` context variable):
// images.<containers|initContainers|ephemeralContainers>.<container name>.{registry,path,name,tag,digest,reference}.
// Kyverno does not add `library/` to Docker Hub paths, and implies the tag `latest` only when
// neither tag nor digest is written.
import { asArray, asObject, isObject, type JsonObject } from '../common/json.ts';

export interface KyvernoImageInfo {
  readonly registry: string;
  readonly path: string;
  readonly name: string;
  readonly tag: string;
  readonly digest: string;
  readonly reference: string;
  readonly referenceWithTag: string;
  /** JMESPath-style pointer of the image field in the resource. */
  readonly jsonPointer: string;
}

const DEFAULT_REGISTRY = 'docker.io';

const MAX_CACHED = 4096;
// The same images come back request after request: parsed once each (without a JSON pointer).
const parsedImages = new Map<string, KyvernoImageInfo | null>();

export function parseKyvernoImage(image: string, jsonPointer = ''): KyvernoImageInfo | undefined {
  if (jsonPointer !== '') return parseImage(image, jsonPointer);
  let info = parsedImages.get(image);
  if (info === undefined) {
    info = parseImage(image, '') ?? null;
    if (parsedImages.size >= MAX_CACHED) parsedImages.clear();
    parsedImages.set(image, info);
  }
  return info ?? undefined;
}

function parseImage(image: string, jsonPointer: string): KyvernoImageInfo | undefined {
  if (image === '' || /\s/u.test(image)) return undefined;
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = '';
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry = DEFAULT_REGISTRY;
  let path = rest;
  const first = rest.indexOf('/');
  if (first >= 0) {
    const host = rest.slice(0, first);
    if (host.includes('.') || host.includes(':') || host === 'localhost') {
      registry = host;
      path = rest.slice(first + 1);
    }
  }
  if (
    path === '' ||
    !/^[a-z0-9]+(?:[._-][a-z0-9]+|__)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/u.test(path)
  )
    return undefined;
  if (tag === '' && digest === '') tag = 'latest';
  const name = path.slice(path.lastIndexOf('/') + 1);
  const base = `${registry}/${path}`;
  const reference = digest !== '' ? `${base}@${digest}` : `${base}:${tag}`;
  const referenceWithTag = tag !== '' ? `${base}:${tag}` : base;
  return { registry, path, name, tag, digest, reference, referenceWithTag, jsonPointer };
}

/** `nginx` → `docker.io/nginx:latest` (Kyverno's image_normalize). */
export function normaliseImageReference(image: string): string {
  const info = parseKyvernoImage(image);
  if (info === undefined) throw new Error(`bad image: ${image}`);
  return info.reference;
}

export function podSpecPaths(kind: string): string[][] {
  switch (kind) {
    case 'Pod':
      return [['spec']];
    case 'CronJob':
      return [['spec', 'jobTemplate', 'spec', 'template', 'spec']];
    default:
      return [['spec', 'template', 'spec']];
  }
}

/** Builds the `images` variable for a resource (empty object when it has no pod spec). */
export function extractImages(resource: JsonObject): JsonObject {
  const out: JsonObject = {};
  const kind = typeof resource['kind'] === 'string' ? resource['kind'] : '';
  for (const path of podSpecPaths(kind)) {
    let spec: unknown = resource;
    for (const p of path) spec = asObject(spec)[p];
    if (!isObject(spec)) continue;
    for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
      const list = asArray(spec[field]);
      if (list.length === 0) continue;
      const group: JsonObject = {};
      for (const c of list) {
        const co = asObject(c);
        const image = co['image'];
        const name = co['name'];
        if (typeof image !== 'string' || typeof name !== 'string') continue;
        // The variable does not carry the JSON pointer: none is built.
        const info = parseKyvernoImage(image);
        if (info === undefined) continue;
        group[name] = {
          registry: info.registry,
          path: info.path,
          name: info.name,
          tag: info.tag,
          digest: info.digest,
          reference: info.reference,
          referenceWithTag: info.referenceWithTag,
        };
      }
      if (Object.keys(group).length > 0) out[field] = group;
    }
  }
  return out;
}

/** Every image of the resource with its container group, container name and pointer. */
export function listImages(
  resource: JsonObject,
): { group: string; container: string; image: string; pointer: string[] }[] {
  const out: { group: string; container: string; image: string; pointer: string[] }[] = [];
  const kind = typeof resource['kind'] === 'string' ? resource['kind'] : '';
  for (const path of podSpecPaths(kind)) {
    let spec: unknown = resource;
    for (const p of path) spec = asObject(spec)[p];
    if (!isObject(spec)) continue;
    for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
      asArray(spec[field]).forEach((c, i) => {
        const co = asObject(c);
        if (typeof co['image'] === 'string') {
          out.push({
            group: field,
            container: String(co['name'] ?? ''),
            image: co['image'],
            pointer: [...path, field, String(i), 'image'],
          });
        }
      });
    }
  }
  return out;
}
