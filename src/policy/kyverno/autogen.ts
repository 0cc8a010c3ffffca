// Pod-controller rule generation as Kyverno does it (pkg/autogen): a rule that matches only Pods
// gets `autogen-<name>` for the pod controllers (pattern moved under spec.template, variables
// rewritten from request.object.spec to request.object.spec.template.spec) and
// `autogen-cronjob-<name>` for CronJobs (one more level: spec.jobTemplate.spec.template).
import { asArray, asObject, asString, isObject, type JsonObject, type JsonValue } from '../common/json.ts';

export const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';
const DEFAULT_CONTROLLERS = [
  'DaemonSet',
  'Deployment',
  'Job',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
  'CronJob',
];

function filtersOf(block: JsonObject): JsonObject[] {
  const any = asArray(block['any']).map(asObject);
  const all = asArray(block['all']).map(asObject);
  if (any.length > 0 || all.length > 0) return [...any, ...all];
  return Object.keys(asObject(block['resources'])).length > 0 ? [block] : [];
}

function podOnly(rule: JsonObject): boolean {
  const match = filtersOf(asObject(rule['match']));
  if (match.length === 0) return false;
  for (const f of [...match, ...filtersOf(asObject(rule['exclude']))]) {
    const res = asObject(f['resources']);
    if (asString(res['name']) || asArray(res['names']).length > 0) return false;
    if (isObject(res['selector']) || Object.keys(asObject(res['annotations'])).length > 0) return false;
  }
  for (const f of match) {
    const kinds = asArray(asObject(f['resources'])['kinds']).map(String);
    if (kinds.length !== 1 || (kinds[0] !== 'Pod' && kinds[0] !== 'v1/Pod')) return false;
  }
  for (const f of filtersOf(asObject(rule['exclude']))) {
    const kinds = asArray(asObject(f['resources'])['kinds']).map(String);
    if (kinds.length > 0 && !(kinds.length === 1 && (kinds[0] === 'Pod' || kinds[0] === 'v1/Pod')))
      return false;
  }
  return isObject(rule['validate']) || isObject(rule['mutate']) || Array.isArray(rule['verifyImages']);
}

/** The controllers named by the policy's annotation (default: all), or [] when `none`. */
export function autogenControllers(policy: JsonObject): string[] {
  const ann = asString(asObject(asObject(policy['metadata'])['annotations'])[AUTOGEN_ANNOTATION]);
  if (ann === undefined) return DEFAULT_CONTROLLERS;
  if (ann.trim().toLowerCase() === 'none') return [];
  return ann
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function replaceKinds(block: JsonValue | undefined, kinds: string[]): JsonValue | undefined {
  if (!isObject(block)) return block;
  const out: JsonObject = { ...block };
  const fix = (f: JsonValue): JsonValue => {
    const fo = asObject(f);
    if (!isObject(fo['resources'])) return fo;
    const res = { ...fo['resources'] };
    if (Array.isArray(res['kinds'])) res['kinds'] = kinds;
    return { ...fo, resources: res };
  };
  if (Array.isArray(out['any'])) out['any'] = out['any'].map(fix);
  if (Array.isArray(out['all'])) out['all'] = out['all'].map(fix);
  if (isObject(out['resources'])) return fix(out) as JsonObject;
  return out;
}

function wrapPatterns(validate: JsonObject, wrap: (p: JsonValue) => JsonValue): JsonObject {
  const out: JsonObject = { ...validate };
  if (validate['pattern'] !== undefined) out['pattern'] = wrap(validate['pattern']);
  if (Array.isArray(validate['anyPattern'])) out['anyPattern'] = validate['anyPattern'].map(wrap);
  return out;
}

function rewrite(rule: JsonObject, pairs: [string, string][]): JsonObject {
  let text = JSON.stringify(rule);
  for (const [from, to] of pairs) text = text.split(from).join(to);
  const out = JSON.parse(text) as JsonObject;
  // validate.cel expressions name `object`/`oldObject` without the `request.` prefix.
  const validate = out['validate'];
  if (isObject(validate) && isObject(validate['cel'])) {
    let cel = JSON.stringify(validate['cel']);
    for (const [from, to] of pairs) {
      const bareFrom = from.replace(/^request\./u, '');
      const bareTo = to.replace(/^request\./u, '');
      const re = new RegExp(`(?<![\\w.])${bareFrom.replace(/\./gu, '\\.')}(?![\\w])`, 'gu');
      cel = cel.replace(re, bareTo);
    }
    out['validate'] = { ...validate, cel: JSON.parse(cel) as JsonValue };
  }
  return out;
}

/** The rules Kyverno would generate for pod controllers from this rule (maybe none). */
export function autogenRules(rule: JsonObject, controllers: readonly string[]): JsonObject[] {
  if (!podOnly(rule) || controllers.length === 0) return [];
  const out: JsonObject[] = [];
  const name = asString(rule['name']) ?? '';
  const nonCron = controllers.filter((c) => c !== 'CronJob');
  const ctl = (
    r: JsonObject,
    kinds: string[],
    prefix: string,
    wrap: (p: JsonValue) => JsonValue,
    pairs: [string, string][],
  ): JsonObject => {
    let g: JsonObject = { ...rewrite(r, pairs), name: `${prefix}${name}` };
    g['match'] = replaceKinds(g['match'], kinds) ?? {};
    if (g['exclude'] !== undefined) g['exclude'] = replaceKinds(g['exclude'], kinds) ?? {};
    if (isObject(r['validate'])) {
      const v = asObject(g['validate']);
      g = { ...g, validate: wrapPatterns(v, wrap) };
    }
    return g;
  };
  const podToTemplate: [string, string][] = [
    ['request.object.spec', 'request.object.spec.template.spec'],
    ['request.oldObject.spec', 'request.oldObject.spec.template.spec'],
    ['request.object.metadata', 'request.object.spec.template.metadata'],
    ['request.oldObject.metadata', 'request.oldObject.spec.template.metadata'],
  ];
  // Patterns are wrapped separately below, so protect them from the text rewrite by rewriting a copy.
  const base = (
    r: JsonObject,
    pairs: [string, string][],
    wrap: (p: JsonValue) => JsonValue,
    kinds: string[],
    prefix: string,
  ): JsonObject => {
    const v = isObject(r['validate']) ? r['validate'] : undefined;
    const stripped: JsonObject = { ...r };
    if (v !== undefined) stripped['validate'] = { ...v, pattern: null, anyPattern: null };
    const g = ctl(stripped, kinds, prefix, (p) => p, pairs);
    if (v !== undefined) {
      const gv: JsonObject = { ...asObject(g['validate']) };
      delete gv['pattern'];
      delete gv['anyPattern'];
      const patterns = wrapPatterns(v, wrap);
      if (patterns['pattern'] !== undefined) gv['pattern'] = rewrite({ p: patterns['pattern'] }, pairs)['p']!;
      if (patterns['anyPattern'] !== undefined)
        gv['anyPattern'] = rewrite({ p: patterns['anyPattern'] }, pairs)['p']!;
      g['validate'] = gv;
    }
    return g;
  };
  if (nonCron.length > 0) {
    out.push(base(rule, podToTemplate, (p) => ({ spec: { template: p } }), nonCron, 'autogen-'));
  }
  if (controllers.includes('CronJob')) {
    const mid = base(rule, podToTemplate, (p) => ({ spec: { template: p } }), ['CronJob'], 'autogen-');
    const cronPairs: [string, string][] = [
      ['request.object.spec.template', 'request.object.spec.jobTemplate.spec.template'],
      ['request.oldObject.spec.template', 'request.oldObject.spec.jobTemplate.spec.template'],
    ];
    const cron = base(
      { ...mid, name },
      cronPairs,
      (p) => ({ spec: { jobTemplate: p } }),
      ['CronJob'],
      'autogen-cronjob-',
    );
    out.push(cron);
  }
  return out;
}
