// What the pickle walker returns: imports and how they are used, anomalies, nested payloads.
import type { FindingKind, Severity } from '../types.ts';
import type { GlobalRef } from './symbols.ts';

export interface PickleAnomaly {
  readonly kind: FindingKind;
  readonly offset: number;
  readonly severity: Severity;
  readonly message: string;
  readonly callable?: string;
  readonly callChain?: readonly string[];
}

/** Bytes a nested loader (`pickle.loads`, `torch.load`, `_load_from_bytes`…) would deserialise. */
export interface NestedPayload {
  readonly offset: number;
  readonly loader: string;
  readonly data: Uint8Array;
}

export interface PickleError {
  readonly offset: number;
  readonly message: string;
  /** The stream ended inside an opcode: more bytes might complete it. */
  readonly truncated: boolean;
}

export interface PickleAnalysis {
  readonly start: number;
  /** Offset after STOP, or of the failing opcode. */
  readonly end: number;
  readonly protocol: number;
  readonly globals: readonly GlobalRef[];
  /** Number of calls (REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX). */
  readonly callCount: number;
  readonly anomalies: readonly PickleAnomaly[];
  readonly nested: readonly NestedPayload[];
  /** Pickles embedded inline by joblib for object arrays. */
  readonly inline: readonly PickleAnalysis[];
  readonly error?: PickleError;
  readonly opCount: number;
  /** First opcode was PROTO (a strong sign the bytes are meant as a pickle). */
  readonly startsWithProto: boolean;
}

/** Ends a walk: the stream is malformed (or truncated) at `offset`. Never escapes analyzePickle. */
export class WalkError extends Error {
  readonly offset: number;
  readonly truncated: boolean;
  constructor(message: string, offset: number, truncated = false) {
    super(message);
    this.offset = offset;
    this.truncated = truncated;
  }
}
