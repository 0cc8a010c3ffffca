import type { JsonObject } from '../common/json.ts';
import type { FailureAction, RuleType } from '../types.ts';

export interface KyvernoRule {
  readonly name: string;
  readonly type: RuleType;
  readonly raw: JsonObject;
  readonly action: FailureAction;
  /** Generated for pod controllers from a Pod rule. */
  readonly autogenFrom?: string;
  /** Why Bosun cannot evaluate this rule (names the field), when it cannot. */
  readonly unsupported?: string;
}

export interface KyvernoPolicy {
  readonly kind: 'kyverno';
  readonly apiKind: 'ClusterPolicy' | 'Policy';
  readonly name: string;
  readonly namespace?: string;
  readonly raw: JsonObject;
  readonly rules: readonly KyvernoRule[];
  /** `policies.kyverno.io/scored: "false"` turns failures into warnings. */
  readonly scored: boolean;
  /** `spec.applyRules: One`. */
  readonly applyOne: boolean;
}

export interface CelPolicy {
  readonly kind: 'validating-policy' | 'image-validating-policy';
  readonly apiKind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly raw: JsonObject;
  readonly unsupported?: string;
}

export interface AdmissionPolicy {
  readonly kind: 'vap';
  readonly apiKind: 'ValidatingAdmissionPolicy';
  readonly name: string;
  readonly raw: JsonObject;
  readonly bindings: readonly JsonObject[];
  readonly unsupported?: string;
}

/** A policy kind Bosun recognises but does not evaluate (mutating, generating, deleting...). */
export interface UnsupportedPolicy {
  readonly kind: 'unsupported';
  readonly apiKind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly raw: JsonObject;
  readonly unsupported: string;
}

export type LoadedPolicy = KyvernoPolicy | CelPolicy | AdmissionPolicy | UnsupportedPolicy;

/** A construct found at load time that Bosun does not evaluate. */
export interface UnsupportedConstruct {
  readonly policy: string;
  readonly rule?: string;
  readonly field: string;
  readonly reason: string;
}

export interface LoadedPolicies {
  readonly policies: readonly LoadedPolicy[];
  /** Kyverno PolicyException and CEL PolicyException documents. */
  readonly exceptions: readonly JsonObject[];
  readonly unsupported: readonly UnsupportedConstruct[];
  /** Documents that are not policies (resources that came along in the same files). */
  readonly others: readonly JsonObject[];
}
