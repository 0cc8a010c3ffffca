// What a policy set can select, computed once per load: the kinds its rules name (so requests for
// other kinds skip evaluation) and the image globs its image rules cover (for --no-match).
import type { JsonObject, JsonValue, LoadedPolicy } from '../../policy/index.ts';

export interface PolicyScope {
  /** Kind names, or 'all' when some rule names none or uses a wildcard. */
  readonly kinds: ReadonlySet<string> | 'all';
  /** Image globs verified by some policy, minus skips; 'all' when a CEL expression decides. */
  readonly images: readonly { readonly include: string; readonly skip: readonly string[] }[] | 'all';
}

/** Kubernetes resource plural → kind for the resources CEL match constraints usually name. */
const RESOURCE_KINDS: Readonly<Record<string, string>> = {
  pods: 'Pod',
  deployments: 'Deployment',
  replicasets: 'ReplicaSet',
  replicationcontrollers: 'ReplicationController',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
  jobs: 'Job',
  cronjobs: 'CronJob',
};

function obj(v: JsonValue | undefined): JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}
function arr(v: JsonValue | undefined): JsonValue[] {
  return Array.isArray(v) ? v : [];
}
function strings(v: JsonValue | undefined): string[] {
  return arr(v).filter((x): x is string => typeof x === 'string');
}

/** Kind names a Kyverno match block names; undefined means "any kind". */
function kyvernoKinds(match: JsonObject): string[] | undefined {
  const blocks = [...arr(match['any']), ...arr(match['all'])].map(obj);
  if (match['resources'] !== undefined) blocks.push(match);
  if (blocks.length === 0) return undefined;
  const out: string[] = [];
  for (const b of blocks) {
    const kinds = strings(obj(b['resources'])['kinds']);
    if (kinds.length === 0) return undefined;
    for (const k of kinds) {
      const kind = k.split('/').find((p) => /^[A-Z*]/u.test(p)) ?? k;
      if (kind.includes('*') || kind.includes('?')) return undefined;
      out.push(kind);
    }
  }
  return out;
}

function celKinds(raw: JsonObject): string[] | undefined {
  const rules = arr(obj(obj(raw['spec'])['matchConstraints'])['resourceRules']).map(obj);
  if (rules.length === 0) return undefined;
  const out: string[] = [];
  for (const r of rules) {
    for (const res of strings(r['resources'])) {
      const plural = res.split('/')[0]!;
      const kind = RESOURCE_KINDS[plural];
      if (kind === undefined) return undefined;
      out.push(kind);
    }
  }
  return out;
}

export function computeScope(policies: readonly LoadedPolicy[]): PolicyScope {
  const kinds = new Set<string>();
  let allKinds = false;
  const images: { include: string; skip: string[] }[] = [];
  let allImages = false;
  for (const p of policies) {
    switch (p.kind) {
      case 'kyverno':
        for (const rule of p.rules) {
          const k = kyvernoKinds(obj(rule.raw['match']));
          if (k === undefined) allKinds = true;
          else k.forEach((x) => kinds.add(x));
          for (const vi of arr(rule.raw['verifyImages']).map(obj)) {
            const skip = strings(vi['skipImageReferences']);
            const refs = strings(vi['imageReferences']);
            for (const include of refs.length > 0 ? refs : strings(vi['image']))
              images.push({ include, skip });
          }
        }
        break;
      case 'validating-policy':
      case 'image-validating-policy':
      case 'vap': {
        const k = celKinds(p.raw);
        if (k === undefined) allKinds = true;
        else k.forEach((x) => kinds.add(x));
        if (p.kind === 'image-validating-policy') {
          for (const m of arr(obj(p.raw['spec'])['matchImageReferences']).map(obj)) {
            if (typeof m['glob'] === 'string') images.push({ include: m['glob'], skip: [] });
            else allImages = true;
          }
        }
        break;
      }
      case 'unsupported':
        break;
    }
  }
  return { kinds: allKinds ? 'all' : kinds, images: allImages ? 'all' : images };
}

/** Kyverno-style wildcard: `*` any run of characters (including `/`), `?` one character. */
export function globMatch(pattern: string, value: string): boolean {
  let re = '^';
  for (const ch of pattern)
    re += ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/gu, '\\$&');
  return new RegExp(`${re}$`, 'su').test(value);
}
