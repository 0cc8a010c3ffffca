// The contract between the admission handler and a policy engine. The handler decides allow/deny,
// messages, warnings and patches from these values; the engine only evaluates.
import type { ImageFacts, JsonObject } from '../../policy/index.ts';
import type { AdmissionRequest } from '../review/types.ts';

/** What an engine error means for a policy: deny (closed) or allow with a warning (open). */
export type FailurePolicy = 'Fail' | 'Ignore';

/** One rule result that is not a pass or skip. */
export interface RuleFinding {
  readonly policy: string;
  readonly rule: string;
  /** fail: the rule rejected the object; warn: it reports only; error: it could not decide. */
  readonly status: 'fail' | 'warn' | 'error';
  /** Enforce blocks admission on fail; Audit turns a fail into a warning. */
  readonly action: 'Enforce' | 'Audit';
  readonly failurePolicy: FailurePolicy;
  readonly message: string;
}

export interface EngineEvaluation {
  readonly findings: readonly RuleFinding[];
  /** Policies that selected the object (had at least one rule result). */
  readonly matchedPolicies: readonly string[];
  /** The object after mutations (image digests), when any policy changed it. */
  readonly patched?: JsonObject;
}

/** The request's namespace as policies see it (labels for namespaceSelector, CEL namespaceObject). */
export interface EngineNamespace {
  readonly labels: Readonly<Record<string, string>>;
  readonly object: JsonObject;
}

export interface EngineInput {
  readonly request: AdmissionRequest;
  readonly object: JsonObject;
  /** The namespace's labels and object, when the engine needs them and they were read. */
  readonly namespace?: EngineNamespace;
  /** Request-scoped facts: bound to the request's deadline. */
  readonly facts: ImageFacts;
  readonly signal: AbortSignal;
}

export interface AdmissionPolicyEngine {
  /** False when no policy can select this kind/subresource: the request is answered without work. */
  selectsKind(kind: string, subResource?: string): boolean;
  /** True when some policy selects by namespace labels or reads the namespace object. */
  readonly needsNamespace: boolean;
  /** True when some policy verifies this image (for the no-match setting). */
  coversImage(image: string): boolean;
  evaluate(input: EngineInput): Promise<EngineEvaluation>;
}
