// One line of the audit stream: the decision and why, never objects, secrets or messages that
// could carry object content beyond policy/rule names and image references.
export type Decision = 'allow' | 'deny' | 'skip';

export interface AuditRecord {
  readonly uid: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly operation: string;
  readonly subResource?: string;
  readonly dryRun: boolean;
  readonly mode: 'validate' | 'mutate';
  readonly user?: string;
  readonly decision: Decision;
  readonly images: readonly string[];
  readonly matchedPolicies?: readonly string[];
  readonly findings: readonly { policy: string; rule: string; status: string; action: string }[];
  readonly factFailures: readonly { reference: string; code: string }[];
  /** Rules that could not decide and were allowed because their policy fails open. */
  readonly failOpen: readonly { policy: string; rule: string; reason: string }[];
  readonly warnings: number;
  readonly patched?: boolean;
}
