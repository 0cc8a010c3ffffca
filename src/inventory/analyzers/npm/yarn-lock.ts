/**
 * `yarn.lock`: the classic v1 text format and the YAML format of Yarn 2+ ("berry", with
 * `__metadata`). Neither records dev-only status. Keys are descriptors `name@range`, several per
 * entry; dependency edges resolve through those descriptors.
 */
import { parse as parseYaml } from 'yaml';
import type { Package, PackageLocation } from '../../types.ts';
import { DEFAULT_LANG_LIMITS, checkLimit, parseError, type LangLimits } from '../lang-common/limits.ts';
import { dedupePackages } from '../lang-common/make-package.ts';
import { entriesOf, isRecord, linesOf, stringOf } from '../lang-common/text.ts';
import { npmPackage, npmPurl, splitNameAt } from './npm-package.ts';

interface YarnEntry {
  readonly descriptors: readonly string[];
  readonly name: string;
  readonly version: string;
  readonly deps: readonly (readonly [string, string])[];
}

export function parseYarnLock(
  text: string,
  location: PackageLocation,
  limits: LangLimits = DEFAULT_LANG_LIMITS,
): Package[] {
  const entries = /^__metadata:/m.test(text)
    ? parseBerry(text, location.path, limits)
    : parseClassic(text, location.path, limits);
  const byDescriptor = new Map<string, string>();
  for (const entry of entries) {
    const purl = npmPurl(entry.name, entry.version);
    if (purl !== undefined) for (const d of entry.descriptors) byDescriptor.set(d, purl);
  }
  const out: Package[] = [];
  for (const entry of entries) {
    const dependsOn: string[] = [];
    for (const [name, range] of entry.deps) {
      const purl = byDescriptor.get(`${name}@${range}`) ?? byDescriptor.get(`${name}@npm:${range}`);
      if (purl !== undefined) dependsOn.push(purl);
    }
    const pkg = npmPackage(entry.name, entry.version, location, { dependsOn });
    if (pkg !== undefined) out.push(pkg);
  }
  return dedupePackages(out);
}

function unquote(value: string): string {
  const v = value.trim();
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

/** Real package name of a descriptor; `npm:` aliases name the real package. */
function descriptorName(descriptor: string): string | undefined {
  const split = splitNameAt(descriptor);
  if (split === undefined) return undefined;
  if (split.rest.startsWith('npm:')) {
    const aliased = splitNameAt(split.rest.slice(4));
    if (aliased !== undefined) return aliased.name;
  }
  return split.name;
}

function parseClassic(text: string, input: string, limits: LangLimits): YarnEntry[] {
  const out: YarnEntry[] = [];
  let current: { descriptors: string[]; version?: string; deps: [string, string][] } | undefined;
  let inDeps = false;
  const flush = (): void => {
    if (current === undefined || current.version === undefined) return;
    const name = descriptorName(current.descriptors[0] ?? '');
    if (name === undefined) return;
    // A local or linked path is the project itself, not a registry package.
    if (current.descriptors.every((d) => /@(file|link|portal|workspace):/.test(d))) return;
    checkLimit(input, 'package entries', out.length + 1, limits.maxPackages);
    out.push({ descriptors: current.descriptors, name, version: current.version, deps: current.deps });
  };
  for (const line of linesOf(text)) {
    if (line.trim().length === 0 || line.trimStart().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    const body = line.trim();
    if (indent === 0) {
      flush();
      if (!body.endsWith(':')) throw parseError(input, 'yarn.lock entry header without a colon');
      const descriptors = body
        .slice(0, -1)
        .split(',')
        .map(unquote)
        .filter((d) => d.length > 0);
      current = { descriptors, deps: [] };
      inDeps = false;
    } else if (current === undefined) {
      throw parseError(input, 'yarn.lock field outside an entry');
    } else if (indent <= 2) {
      inDeps = body === 'dependencies:' || body === 'optionalDependencies:';
      const space = body.indexOf(' ');
      if (space > 0 && unquote(body.slice(0, space)) === 'version')
        current.version = unquote(body.slice(space + 1));
    } else if (inDeps) {
      const match = /^("[^"]+"|\S+)\s+(.+)$/.exec(body);
      if (match?.[1] !== undefined && match[2] !== undefined) {
        current.deps.push([unquote(match[1]), unquote(match[2])]);
      }
    }
  }
  flush();
  return out;
}

function parseBerry(text: string, input: string, limits: LangLimits): YarnEntry[] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100, uniqueKeys: false });
  } catch (error) {
    throw parseError(input, 'invalid YAML', error);
  }
  if (!isRecord(doc)) throw parseError(input, 'yarn.lock is not a YAML mapping');
  const all = entriesOf(doc);
  checkLimit(input, 'package entries', all.length, limits.maxPackages);
  const out: YarnEntry[] = [];
  for (const [key, value] of all) {
    if (key === '__metadata' || !isRecord(value)) continue;
    const resolution = stringOf(value.resolution);
    const version =
      stringOf(value.version) ?? (typeof value.version === 'number' ? String(value.version) : undefined);
    if (resolution === undefined || version === undefined) continue;
    const split = splitNameAt(resolution);
    // Registry packages and patches of them; workspaces, links, portals and files are local.
    if (split === undefined || !(split.rest.startsWith('npm:') || split.rest.startsWith('patch:'))) continue;
    const deps: [string, string][] = [];
    for (const field of ['dependencies', 'optionalDependencies']) {
      for (const [dep, range] of entriesOf(value[field])) {
        const r = stringOf(range) ?? (typeof range === 'number' ? String(range) : undefined);
        if (r !== undefined) deps.push([dep, r]);
      }
    }
    const descriptors = key
      .split(',')
      .map((d) => d.trim())
      .filter((d) => d.length > 0);
    out.push({ descriptors, name: split.name, version, deps });
  }
  return out;
}
