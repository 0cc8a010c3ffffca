// Where the pod spec lives in each pod-bearing kind, and the containers in it with their JSON
// pointers: containers, initContainers and ephemeralContainers (core/v1 PodSpec).
import type { JsonObject, JsonValue } from '../../policy/index.ts';

/** Kinds that carry a pod spec, with the path from the object to it. */
export const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
});

/** The kinds the webhook registers for (ReplicationController is legacy but still pod-bearing). */
export const POD_BEARING_KINDS = Object.freeze(Object.keys(POD_SPEC_PATHS));

export type ContainerSection = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface ContainerRef {
  readonly section: ContainerSection;
  readonly index: number;
  readonly name: string;
  readonly image: string;
  /** RFC 6901 pointer of the `image` field. */
  readonly pointer: string;
}

const SECTIONS: readonly ContainerSection[] = ['initContainers', 'containers', 'ephemeralContainers'];

function isObj(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The pod spec of a pod-bearing object; undefined for other kinds or malformed objects. */
export function podSpecOf(kind: string, object: JsonObject | undefined): JsonObject | undefined {
  const path = POD_SPEC_PATHS[kind];
  if (path === undefined || object === undefined) return undefined;
  let spec: JsonValue | undefined = object;
  for (const key of path) {
    if (!isObj(spec)) return undefined;
    spec = spec[key];
  }
  return isObj(spec) ? spec : undefined;
}

/** Every container of a pod-bearing object (empty for other kinds or malformed objects). */
export function listContainers(kind: string, object: JsonObject | undefined): ContainerRef[] {
  const spec = podSpecOf(kind, object);
  if (spec === undefined) return [];
  const base = `/${POD_SPEC_PATHS[kind]!.join('/')}`;
  const out: ContainerRef[] = [];
  for (const section of SECTIONS) {
    const list = spec[section];
    if (!Array.isArray(list)) continue;
    list.forEach((c, index) => {
      if (!isObj(c) || typeof c['image'] !== 'string') return;
      out.push({
        section,
        index,
        name: typeof c['name'] === 'string' ? c['name'] : `${section}[${index}]`,
        image: c['image'],
        pointer: `${base}/${section}/${index}/image`,
      });
    });
  }
  return out;
}
