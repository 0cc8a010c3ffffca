// What evaluating one Kyverno rule produced, and the errors that end a rule early.
import type { JsonObject } from '../common/json.ts';
import type { JsonPatchOperation, RuleStatus } from '../types.ts';

/** Raised when a rule needs something Bosun does not evaluate (named construct). */
export class UnsupportedError extends Error {}

/** Ends a rule as skipped. */
export class RuleSkip extends Error {}

export interface RuleOutcome {
  readonly status: RuleStatus;
  readonly message: string;
  readonly unsupported?: string;
  readonly patched?: JsonObject;
  /** JSON patch operations that produce `patched` (verifyImages digest pinning). */
  readonly patches?: readonly JsonPatchOperation[];
  /** The variables document the rule saw (for exception conditions). */
  readonly data?: JsonObject;
}
