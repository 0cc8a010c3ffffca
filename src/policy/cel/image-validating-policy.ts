// Kyverno ImageValidatingPolicy: matchConstraints and matchConditions like a ValidatingPolicy, CEL
// PolicyExceptions, then the images of the resource (pod containers, init and ephemeral containers
// of pods and pod templates, or `spec.images` CEL extractors) filtered by matchImageReferences
// (glob over the image as written, `*` crossing `/`, or a CEL expression over `ref`). No matching
// image: the policy does not apply (skip). Validations see `images`, `attestors`, `attestations`
// and the image functions; when they pass, validationConfigurations apply: `required` (every
// matching image verified by some signature or attestation check), `mutateDigest` (Enforce: pin
// tags with a JSON patch) and `verifyDigest` (every matching image has a digest).
import { asArray, asObject, asString, isObject, type JsonObject, type JsonValue } from '../common/json.ts';
import { wildcardMatch } from '../common/wildcard.ts';
import type { EvaluationOptions } from '../evaluation.ts';
import type { CelPolicy } from '../load/types.ts';
import type { JsonPatchOperation, PolicyResponse, RuleResult } from '../types.ts';
import { listImages, parseKyvernoImage } from '../kyverno/images.ts';
import { evaluateCel, evaluateCelFresh, UNSUPPORTED_MARK } from './env.ts';
import { matchResourcesMatches } from './match-constraints.ts';
import { buildActivation, checkMatchConditions, withVariables } from './validations.ts';
import {
  celAction,
  findCelException,
  outcomeToRule,
  podFromController,
  response,
} from './validating-policy.ts';
import { toCel } from './values.ts';
import {
  withImageVerifyScope,
  type AttestationDecl,
  type ImageVerifyScope,
} from './image-verify-functions.ts';

interface PolicyImage {
  readonly image: string;
  /** RFC 6901 pointer of the field (absent for `spec.images` extractors). */
  readonly pointer?: string;
}

const GROUPS = ['containers', 'initContainers', 'ephemeralContainers'];

function imageMatcher(spec: JsonObject): (image: string) => boolean {
  const rules = asArray(spec['matchImageReferences']).map(asObject);
  if (rules.length === 0) return () => true;
  return (image) =>
    rules.some((r) => {
      const glob = asString(r['glob']);
      if (glob !== undefined && glob !== '') return wildcardMatch(glob, image);
      const expr = asString(r['expression']);
      if (expr === undefined || expr === '') return false;
      const info = parseKyvernoImage(image);
      const parsed =
        info === undefined
          ? null
          : { registry: info.registry, repository: info.path, tag: info.tag, digest: info.digest };
      return evaluateCel(expr, { ref: image, image: parsed }) === true;
    });
}

async function extract(
  spec: JsonObject,
  target: JsonObject,
  activation: Record<string, unknown>,
): Promise<Map<string, PolicyImage[]>> {
  const groups = new Map<string, PolicyImage[]>();
  const custom = asArray(spec['images']).map(asObject);
  if (custom.length > 0) {
    for (const c of custom) {
      const value = await evaluateCel(asString(c['expression']) ?? '[]', activation);
      const list = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
      groups.set(
        asString(c['name']) ?? '',
        list.map((image) => ({ image })),
      );
    }
    return groups;
  }
  for (const g of GROUPS) groups.set(g, []);
  for (const img of listImages(target)) {
    groups.get(img.group)?.push({ image: img.image, pointer: `/${img.pointer.join('/')}` });
  }
  return groups;
}

function attestationDecls(spec: JsonObject): Map<string, AttestationDecl> {
  const out = new Map<string, AttestationDecl>();
  for (const a of asArray(spec['attestations']).map(asObject)) {
    const name = asString(a['name']) ?? '';
    if (isObject(a['intoto'])) out.set(name, { kind: 'intoto', type: asString(a['intoto']['type']) ?? '' });
    else if (isObject(a['referrer']))
      out.set(name, { kind: 'referrer', type: asString(a['referrer']['type']) ?? '' });
  }
  return out;
}

function rule(policy: CelPolicy, ruleName: string, r: Omit<RuleResult, 'rule' | 'type'>): RuleResult {
  return { rule: ruleName, type: 'cel', ...r };
}

function errorResult(e: unknown, where: string): Omit<RuleResult, 'rule' | 'type' | 'action'> {
  const message = `${where}: ${(e as Error).message}`;
  return message.includes(UNSUPPORTED_MARK)
    ? { status: 'error', message, unsupported: message }
    : { status: 'error', message };
}

/** Evaluates an ImageValidatingPolicy on one resource. */
export async function applyImageValidatingPolicy(
  policy: CelPolicy,
  options: EvaluationOptions,
  exceptions: readonly JsonObject[],
): Promise<PolicyResponse> {
  const spec = asObject(policy.raw['spec']);
  const action = celAction(spec);
  let target = options.resource;
  let ruleName = policy.name;
  if (asObject(spec['evaluation'])['mode'] === 'JSON') {
    const msg = `policy ${policy.name}: JSON evaluation mode ${UNSUPPORTED_MARK}`;
    return response(policy, target, [
      rule(policy, ruleName, { status: 'error', message: msg, action, unsupported: msg }),
    ]);
  }
  const facts = {
    resource: target,
    operation: options.operation ?? 'CREATE',
    ...(options.namespaceLabels === undefined ? {} : { namespaceLabels: options.namespaceLabels }),
  };
  const constraints = isObject(spec['matchConstraints']) ? spec['matchConstraints'] : undefined;
  if (!matchResourcesMatches(constraints, facts)) {
    const controllers = asArray(asObject(asObject(spec['autogen'])['podControllers'])['controllers']).map(
      String,
    );
    const pod = controllers.includes(asString(target['kind']) ?? '') ? podFromController(target) : undefined;
    if (pod === undefined || !matchResourcesMatches(constraints, { ...facts, resource: pod }))
      return response(policy, options.resource, []);
    target = pod;
    ruleName = `autogen-${policy.name}`;
  }
  if (
    policy.namespace !== undefined &&
    asString(asObject(target['metadata'])['namespace']) !== policy.namespace
  )
    return response(policy, options.resource, []);
  const base = buildActivation({ ...options, resource: target });
  const mc = checkMatchConditions(asArray(spec['matchConditions']), base);
  if (mc !== undefined)
    return response(policy, options.resource, outcomeToRule(policy, mc, action, ruleName));
  const ex = findCelException(exceptions, policy, base);
  if (ex !== undefined) {
    return response(policy, options.resource, [
      rule(policy, ruleName, {
        status: 'skip',
        message: `rule skipped due to policy exception ${ex}`,
        action,
        exception: ex,
      }),
    ]);
  }
  const matches = imageMatcher(spec);
  const scope: ImageVerifyScope = {
    facts: options.imageFacts,
    signal: options.signal,
    now: () => options.now ?? new Date(),
    matches,
    attestations: attestationDecls(spec),
    verified: new Map(),
    digests: new Map(),
    payloads: new Map(),
  };
  const finish = (r: Omit<RuleResult, 'rule' | 'type' | 'action'>, patched?: JsonObject): PolicyResponse => ({
    ...response(policy, options.resource, [rule(policy, ruleName, { ...r, action })]),
    ...(patched === undefined ? {} : { patchedResource: patched }),
  });
  let matched: PolicyImage[];
  let activation: Record<string, unknown>;
  try {
    const groups = await extract(spec, target, base);
    const filtered: Record<string, JsonValue> = {};
    matched = [];
    for (const [name, list] of groups) {
      const keep = list.filter((i) => matches(i.image));
      filtered[name] = keep.map((i) => i.image);
      matched.push(...keep);
    }
    if (matched.length === 0)
      return finish({ status: 'skip', message: 'no image matched matchImageReferences' });
    const attestors: Record<string, unknown> = {};
    for (const a of asArray(spec['attestors']).map(asObject)) attestors[asString(a['name']) ?? ''] = toCel(a);
    const attestations: Record<string, string> = {};
    for (const name of scope.attestations.keys()) attestations[name] = name;
    activation = withVariables(
      { ...base, images: toCel(filtered), attestors, attestations },
      asArray(spec['variables']),
    );
  } catch (e) {
    return finish(errorResult(e, 'images'));
  }
  const validations = asArray(spec['validations']).map(asObject);
  for (let i = 0; i < validations.length; i++) {
    const v = validations[i]!;
    const expr = asString(v['expression']) ?? '';
    let result: unknown;
    try {
      result = await withImageVerifyScope(scope, () => evaluateCelFresh(expr, activation));
    } catch (e) {
      return finish(errorResult(e, `expression '${expr}'`));
    }
    // cel-js settles a rejected async function call as the error value itself.
    if (result instanceof Error) return finish(errorResult(result, `expression '${expr}'`));
    if (typeof result !== 'boolean')
      return finish({ status: 'error', message: `expression '${expr}' did not return a bool` });
    if (!result) {
      let message = asString(v['message']) ?? '';
      const me = asString(v['messageExpression']);
      if (me !== undefined) {
        try {
          const m = await withImageVerifyScope(scope, () => evaluateCelFresh(me, activation));
          if (typeof m === 'string') message = m;
        } catch (e) {
          message = `failed to evaluate message expression: ${(e as Error).message}`;
        }
      }
      if (message === '') message = `CEL expression validation failed at index ${i}`;
      return finish({ status: 'fail', message });
    }
  }
  return configurationChecks(spec, action, matched, scope, options, finish);
}

async function configurationChecks(
  spec: JsonObject,
  action: 'Enforce' | 'Audit',
  matched: readonly PolicyImage[],
  scope: ImageVerifyScope,
  options: EvaluationOptions,
  finish: (r: Omit<RuleResult, 'rule' | 'type' | 'action'>, patched?: JsonObject) => PolicyResponse,
): Promise<PolicyResponse> {
  const config = asObject(spec['validationConfigurations']);
  const flag = (name: string): boolean =>
    typeof config[name] === 'boolean' ? (config[name] as boolean) : true;
  if (flag('required')) {
    const unverified = matched.find((m) => scope.verified.get(m.image) !== true);
    if (unverified !== undefined)
      return finish({ status: 'fail', message: `image ${unverified.image} is not verified` });
  }
  const patches: JsonPatchOperation[] = [];
  for (const m of matched) {
    if (parseKyvernoImage(m.image)?.digest !== '') continue;
    if (flag('mutateDigest') && action === 'Enforce' && m.pointer !== undefined) {
      let digest = scope.digests.get(m.image);
      try {
        if (digest === undefined) {
          if (options.imageFacts === undefined) {
            const msg = `mutateDigest without image facts (registry access) ${UNSUPPORTED_MARK}`;
            return finish({ status: 'error', message: msg, unsupported: msg });
          }
          digest = await options.imageFacts.resolveDigest(
            parseKyvernoImage(m.image)?.reference ?? m.image,
            options.signal,
          );
        }
      } catch (e) {
        return finish(errorResult(e, `resolving ${m.image}`));
      }
      if (!patches.some((p) => p.path === m.pointer))
        patches.push({ op: 'replace', path: m.pointer, value: `${m.image}@${digest}` });
      continue;
    }
    if (flag('verifyDigest')) return finish({ status: 'fail', message: `missing digest for ${m.image}` });
  }
  if (patches.length === 0) return finish({ status: 'pass', message: 'image verified' });
  const patched = structuredClone(options.resource);
  for (const p of patches) setPointer(patched, p.path, p.value ?? null);
  return finish({ status: 'pass', message: 'image verified', patches }, patched);
}

function setPointer(doc: JsonObject, pointer: string, value: JsonValue): void {
  const parts = pointer.split('/').slice(1);
  let cur: JsonValue = doc;
  for (const part of parts.slice(0, -1)) cur = Array.isArray(cur) ? cur[Number(part)]! : asObject(cur)[part]!;
  const last = parts[parts.length - 1]!;
  if (Array.isArray(cur)) cur[Number(last)] = value;
  else asObject(cur)[last] = value;
}
