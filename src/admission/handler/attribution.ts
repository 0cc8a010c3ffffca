// Which containers a rule message is about: the message names the image, or a path into the
// container list (Kyverno writes `spec.containers[0].image`, JSON pointers write `/spec/containers/0`).
import type { ContainerRef } from '../review/workload.ts';
import type { FactFailure } from '../facts/request-facts.ts';

function mentions(message: string, c: ContainerRef): boolean {
  if (message.includes(c.image)) return true;
  const dotted = `${c.section}[${c.index}]`;
  const slashed = `/${c.section}/${c.index}/`;
  const named = `${c.section}.${c.name}`;
  return message.includes(dotted) || message.includes(slashed) || message.includes(named);
}

/** Normalised comparison key: drop `docker.io/`, `library/` and an implied `:latest`. */
function loose(image: string): string {
  let s = image.replace(/^docker\.io\//u, '').replace(/^library\//u, '');
  if (!s.includes('@') && !/:[^/]+$/u.test(s)) s += ':latest';
  return s;
}

export function containersNamedIn(
  message: string,
  containers: readonly ContainerRef[],
  failures: readonly FactFailure[] = [],
): ContainerRef[] {
  const refs = new Set(failures.map((f) => loose(f.reference)));
  return containers.filter((c) => mentions(message, c) || refs.has(loose(c.image)));
}

export function describeContainers(containers: readonly ContainerRef[]): string {
  if (containers.length === 0) return '';
  return ` [${containers.map((c) => `container "${c.name}" image "${c.image}"`).join(', ')}]`;
}
