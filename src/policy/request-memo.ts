// What every policy evaluated on the same request shares (the Kyverno variables document, the
// match facts, the CEL activation), computed once per request. The memo is a plain object owned by
// the request's EvaluationOptions rather than a WeakMap keyed by the resource: each WeakMap entry
// costs about a microsecond, and V8's scavenger keeps an entry's young key alive, so every request
// document was promoted to the old generation and only freed by full mark-compact pauses.
import type { JsonObject } from './common/json.ts';
import type { EvaluationOptions } from './evaluation.ts';

export class RequestMemo {
  /** The options object this memo belongs to (a spread copy of them must not reuse it). */
  readonly owner: EvaluationOptions;
  /** Kyverno request document (`request.*`, `images`, service account). */
  kyvernoBase: JsonObject | undefined;
  /** Match facts of cluster-wide Kyverno policies. */
  kyvernoMatch: unknown;
  /** CEL activation without params, and the same with an empty `variables` map. */
  celActivation: Record<string, unknown> | undefined;
  celActivationNoVariables: Record<string, unknown> | undefined;

  constructor(owner: EvaluationOptions) {
    this.owner = owner;
  }
}

const memos = Symbol('bosun.requestMemo');
type WithMemo = EvaluationOptions & { [memos]?: RequestMemo };

/** Gives `options` (a fresh per-request object, not yet shared) a memo; returns `options`. */
export function withRequestMemo<T extends EvaluationOptions>(options: T): T {
  (options as WithMemo)[memos] = new RequestMemo(options);
  return options;
}

/** The memo of these exact options, or undefined (no memo, or a copy of another request's options). */
export function requestMemo(options: EvaluationOptions): RequestMemo | undefined {
  const memo = (options as WithMemo)[memos];
  return memo !== undefined && memo.owner === options ? memo : undefined;
}
