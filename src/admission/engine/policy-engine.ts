// The AdmissionPolicyEngine over Bosun's policy capability (src/policy): Kyverno and CEL policies
// evaluated on the admission object with the request-scoped image facts.
import {
  applyPolicies,
  type JsonObject,
  type LoadedPolicies,
  type LoadedPolicy,
  type PolicyResponse,
} from '../../policy/index.ts';
import { formatReference, parseReference } from '../../image/index.ts';
import type {
  AdmissionPolicyEngine,
  EngineEvaluation,
  EngineInput,
  FailurePolicy,
  RuleFinding,
} from './types.ts';
import { computeScope, globMatch, type PolicyScope } from './policy-scope.ts';

export interface PolicyEngineOptions {
  /** Failure policy of a policy that does not set `spec.failurePolicy` (default Fail, as Kyverno). */
  readonly defaultFailurePolicy?: FailurePolicy;
}

function failurePolicyOf(policy: LoadedPolicy, fallback: FailurePolicy): FailurePolicy {
  const spec = policy.raw['spec'];
  const fp =
    typeof spec === 'object' && spec !== null && !Array.isArray(spec) ? spec['failurePolicy'] : undefined;
  return fp === 'Ignore' ? 'Ignore' : fp === 'Fail' ? 'Fail' : fallback;
}

/** Forms an image is matched in: as written, and fully qualified with and without the implied tag. */
function imageForms(image: string): string[] {
  const forms = [image];
  try {
    const ref = parseReference(image);
    forms.push(
      formatReference(ref),
      formatReference(ref, { impliedTag: true }),
      formatReference(ref, { familiar: true }),
    );
  } catch {
    // Unparseable images only match by their written form.
  }
  return forms;
}

export class PolicyAdmissionEngine implements AdmissionPolicyEngine {
  readonly policies: LoadedPolicies;
  readonly scope: PolicyScope;
  readonly #failurePolicies = new Map<string, FailurePolicy>();
  readonly #coverage = new Map<string, boolean>();
  readonly needsNamespace: boolean;

  constructor(policies: LoadedPolicies, options: PolicyEngineOptions = {}) {
    this.policies = policies;
    this.scope = computeScope(policies.policies);
    // A namespaceSelector anywhere (Kyverno match/exclude, CEL matchConstraints) or a CEL
    // namespaceObject reference: a textual check errs only towards an unneeded (cached) lookup.
    this.needsNamespace = policies.policies.some((p) => {
      const text = JSON.stringify(p.raw);
      return text.includes('"namespaceSelector"') || text.includes('namespaceObject');
    });
    const fallback = options.defaultFailurePolicy ?? 'Fail';
    for (const p of policies.policies) this.#failurePolicies.set(p.name, failurePolicyOf(p, fallback));
  }

  selectsKind(kind: string): boolean {
    return this.scope.kinds === 'all' || this.scope.kinds.has(kind);
  }

  coversImage(image: string): boolean {
    const cached = this.#coverage.get(image);
    if (cached !== undefined) return cached;
    const images = this.scope.images;
    const forms = imageForms(image);
    const covered =
      images === 'all' ||
      images.some(
        (g) =>
          forms.some((f) => globMatch(g.include, f)) &&
          !g.skip.some((s) => forms.some((f) => globMatch(s, f))),
      );
    if (this.#coverage.size > 10_000) this.#coverage.clear();
    this.#coverage.set(image, covered);
    return covered;
  }

  async evaluate(input: EngineInput): Promise<EngineEvaluation> {
    const { request, object } = input;
    const responses = await applyPolicies(this.policies, [object], {
      operation: request.operation,
      ...(request.oldObject === undefined ? {} : { oldResource: request.oldObject }),
      ...(request.subResource === undefined ? {} : { subresource: request.subResource }),
      userInfo: {
        ...(request.userInfo.username === undefined ? {} : { username: request.userInfo.username }),
        ...(request.userInfo.uid === undefined ? {} : { uid: request.userInfo.uid }),
        groups: request.userInfo.groups ?? [],
      },
      imageFacts: input.facts,
      signal: input.signal,
      ...(input.namespace === undefined
        ? {}
        : { namespaceLabels: input.namespace.labels, namespaceObject: input.namespace.object }),
    });
    return this.#summarise(responses, object);
  }

  #summarise(responses: readonly PolicyResponse[], object: JsonObject): EngineEvaluation {
    const findings: RuleFinding[] = [];
    const matched: string[] = [];
    let patched: JsonObject | undefined;
    for (const r of responses) {
      if (r.rules.length > 0) matched.push(r.policy);
      const failurePolicy = this.#failurePolicies.get(r.policy) ?? 'Fail';
      for (const rule of r.rules) {
        if (rule.status !== 'fail' && rule.status !== 'warn' && rule.status !== 'error') continue;
        findings.push({
          policy: r.policy,
          rule: rule.rule,
          status: rule.status,
          action: rule.action,
          failurePolicy,
          message: rule.message,
        });
      }
      // Each policy mutates the original object; later patches apply on top of earlier ones.
      if (r.patchedResource !== undefined) patched = mergePatched(object, patched, r.patchedResource);
    }
    return { findings, matchedPolicies: matched, ...(patched === undefined ? {} : { patched }) };
  }
}

/** Applies the changes `next` made to `original` on top of `current`. */
function mergePatched(original: JsonObject, current: JsonObject | undefined, next: JsonObject): JsonObject {
  if (current === undefined) return next;
  const out = structuredClone(current) as Record<string, unknown>;
  const walk = (
    o: unknown,
    n: unknown,
    target: Record<string, unknown> | unknown[],
    key: string | number,
  ): void => {
    if (JSON.stringify(o) === JSON.stringify(n)) return;
    const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
    const t = (target as Record<string | number, unknown>)[key];
    if (isObj(o) && isObj(n) && isObj(t) && Array.isArray(o) === Array.isArray(n)) {
      for (const k of Object.keys(n))
        walk(
          (o as Record<string, unknown>)[k],
          (n as Record<string, unknown>)[k],
          t as Record<string, unknown>,
          k,
        );
      return;
    }
    (target as Record<string | number, unknown>)[key] = structuredClone(n);
  };
  const holder = { root: out };
  walk(original, next, holder, 'root');
  return holder.root as JsonObject;
}
