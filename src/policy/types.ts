import type { JsonObject, JsonValue } from './common/json.ts';

/** Outcome of one rule on one resource, as in a Kyverno policy report. */
export type RuleStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

/** What happens on failure: Enforce blocks admission, Audit reports only. */
export type FailureAction = 'Enforce' | 'Audit';

export type RuleType = 'validate' | 'verifyImages' | 'mutate' | 'generate' | 'cel' | 'vap';

export interface RuleResult {
  readonly rule: string;
  readonly type: RuleType;
  readonly status: RuleStatus;
  readonly message: string;
  /** Kyverno's failure action of the rule (or policy): decides whether a fail blocks admission. */
  readonly action: FailureAction;
  /** Set when a PolicyException (or CEL exception) turned this rule into a skip. */
  readonly exception?: string;
  /** Set when the rule uses a construct Bosun does not evaluate (status is then `error`). */
  readonly unsupported?: string;
  /** JSON patch the rule asks the admission webhook to apply (verifyImages `mutateDigest`). */
  readonly patches?: readonly JsonPatchOperation[];
}

/** One RFC 6902 operation on the admitted resource. */
export interface JsonPatchOperation {
  readonly op: 'add' | 'replace' | 'remove';
  readonly path: string;
  readonly value?: JsonValue;
}

/** All rule results of one policy on one resource. An empty list: no rule selected the resource. */
export interface PolicyResponse {
  readonly policy: string;
  /** `namespace/name` for namespaced policies, else the name. */
  readonly policyKey: string;
  readonly policyKind: string;
  readonly resource: JsonObject;
  readonly rules: readonly RuleResult[];
  /** Resource after image digest mutation (verifyImages mutateDigest), when changed. */
  readonly patchedResource?: JsonObject;
}

/** User information of an admission request (userinfo file of `kyverno test`). */
export interface RequestUserInfo {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly roles?: readonly string[];
  readonly clusterRoles?: readonly string[];
}
