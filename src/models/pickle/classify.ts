// Verdict for one imported callable: dangerous (deny-list), safe (allow-list) or unknown.
// Fail closed: anything not allowed is at least unknown, and dotted or dunder names that walk
// the object graph are dangerous whatever module they start from (e.g. `pathlib` `os.system`).
import type { AllowListConfig, AllowPreset } from '../types.ts';
import { DEFAULT_PRESETS, PRESETS } from './allow-list.ts';
import { DENIED_GLOBALS, DENIED_MODULES, DENIED_NAMES, PY2_MODULES, PY2_NAMES } from './deny-list.ts';

export type GlobalVerdict = 'safe' | 'dangerous' | 'unknown';

export interface Classification {
  readonly verdict: GlobalVerdict;
  readonly reason: string;
}

export interface AllowList {
  readonly exact: ReadonlySet<string>;
  /** Module prefixes whose classes are allowed. */
  readonly classModules: readonly string[];
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CLASS_NAME = /^[A-Z][A-Za-z0-9_]*$/;
const DUNDER = /^__\w+__$/;
/** Capitalised attributes that are module aliases, not classes (e.g. `torch.nn.modules.linear.F`). */
const NOT_CLASSES = new Set(['F']);

export function compileAllowList(config: AllowListConfig = {}): AllowList {
  const presets: readonly AllowPreset[] = config.presets ?? DEFAULT_PRESETS;
  const exact = new Set<string>();
  const classModules: string[] = [];
  for (const entry of [...presets.flatMap((p) => PRESETS[p]), ...(config.globals ?? [])]) {
    const normalized = entry.replace(':', '.');
    if (normalized.endsWith('.*')) classModules.push(normalized.slice(0, -2));
    else exact.add(normalized);
  }
  return { exact, classModules };
}

function isModuleDenied(module: string): boolean {
  const parts = module.split('.');
  for (let i = 1; i <= parts.length; i++) {
    if (DENIED_MODULES.has(parts.slice(0, i).join('.'))) return true;
  }
  return false;
}

function denyReason(module: string, name: string): string | undefined {
  const full = `${module}.${name}`;
  if (isModuleDenied(module)) return `module ${module} is on the deny-list`;
  if (DENIED_GLOBALS.has(full)) return `${full} is on the deny-list`;
  const segments = name.split('.');
  for (const segment of segments) {
    if (DUNDER.test(segment) && segment !== '__init__' && segment !== '__new__') {
      return `${segment} reaches interpreter internals`;
    }
  }
  if (segments.length > 1) {
    // A dotted name walks attributes at load time (protocol 4+ find_class): check each hop.
    for (let i = 0; i < segments.length; i++) {
      const hop = segments.slice(0, i + 1).join('.');
      if (isModuleDenied(segments[i] as string) || DENIED_GLOBALS.has(`${module}.${hop}`)) {
        return `dotted name ${name} reaches ${segments[i]}`;
      }
      if (DENIED_NAMES.has(segments[i] as string)) return `dotted name ${name} reaches ${segments[i]}`;
      if (DUNDER.test(segments[i] as string)) return `dotted name ${name} reaches ${segments[i]}`;
    }
  }
  return undefined;
}

function classifyOne(module: string, name: string, allow: AllowList): Classification {
  const full = `${module}.${name}`;
  const denied = denyReason(module, name);
  if (denied) return { verdict: 'dangerous', reason: denied };
  if (allow.exact.has(full)) return { verdict: 'safe', reason: `${full} is on the allow-list` };
  const last = name.split('.').pop() ?? name;
  if (DENIED_NAMES.has(last))
    return { verdict: 'dangerous', reason: `${last} is a known code-running callable` };
  if (
    !name.includes('.') &&
    CLASS_NAME.test(name) &&
    !NOT_CLASSES.has(name) &&
    module.split('.').every((p) => IDENT.test(p))
  ) {
    for (const prefix of allow.classModules) {
      if (module === prefix || module.startsWith(`${prefix}.`)) {
        return { verdict: 'safe', reason: `classes of ${prefix} are on the allow-list` };
      }
    }
  }
  if (module.startsWith('__torch__.') || module === '__torch__') {
    for (const prefix of allow.classModules) {
      if (prefix === '__torch__') return { verdict: 'safe', reason: 'TorchScript class' };
    }
  }
  return { verdict: 'unknown', reason: `${full} is not on the allow-list` };
}

/** Classifies as CPython would resolve it: a Python 2 name is judged by what it maps to at load time, unless the raw name is already dangerous. */
export function classifyGlobal(module: string, name: string, allow: AllowList): Classification {
  const raw = classifyOne(module, name, allow);
  if (raw.verdict === 'dangerous') return raw;
  const mappedName = PY2_NAMES.get(`${module}.${name}`);
  if (mappedName) {
    const dot = mappedName.lastIndexOf('.');
    return classifyOne(mappedName.slice(0, dot), mappedName.slice(dot + 1), allow);
  }
  const mappedModule = PY2_MODULES.get(module);
  return mappedModule ? classifyOne(mappedModule, name, allow) : raw;
}
