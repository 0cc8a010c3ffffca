// Per-file scan state shared by the format handlers: findings, formats seen, budgets, limits.
import type { AllowList } from '../pickle/classify.ts';
import type {
  FindingKind,
  FindingVerdict,
  ModelFinding,
  ModelFormat,
  ModelScanLimits,
  Severity,
} from '../types.ts';

export const DEFAULT_LIMITS: ModelScanLimits = {
  maxPickleBytes: 512 * 1024 * 1024,
  maxDecompressedBytes: 1024 * 1024 * 1024,
  maxZipEntries: 100_000,
  maxDepth: 6,
  maxHeaderBytes: 100 * 1024 * 1024,
  maxMemberBytes: 512 * 1024 * 1024,
};

export interface ScanContext {
  readonly file: string;
  readonly allow: AllowList;
  readonly limits: ModelScanLimits;
  readonly signal: AbortSignal | undefined;
  readonly findings: ModelFinding[];
  readonly formats: Set<ModelFormat>;
  decompressed: number;
  bytesRead: number;
  /** How files in no model format are treated (see ModelScanOptions.unknownFormats). */
  readonly unknownFormats: 'skip' | 'fail';
  /** Set when the file is only a compressed stream of content in no model format (skipped like any such file). */
  unknownContent?: string;
}

/** Where an item sits: the container path below the file, and how deep the nesting is. */
export interface Location {
  readonly path: readonly string[];
  readonly depth: number;
}

export const ROOT: Location = { path: [], depth: 0 };

export function child(loc: Location, name: string): Location {
  return { path: [...loc.path, name], depth: loc.depth + 1 };
}

export interface FindingInput {
  readonly format: ModelFormat;
  readonly offset: number;
  readonly kind: FindingKind;
  readonly severity: Severity;
  readonly message: string;
  readonly callable?: string;
  readonly callChain?: readonly string[];
  readonly verdict?: FindingVerdict;
}

const VERDICT_OF: Partial<Record<FindingKind, FindingVerdict>> = {
  'dangerous-callable': 'dangerous',
  'unknown-callable': 'unknown',
  'unresolved-callable': 'unknown',
  'nested-loader': 'dangerous',
  'keras-lambda': 'dangerous',
  'keras-custom-object': 'unknown',
  'gguf-template': 'dangerous',
  'onnx-external-data': 'dangerous',
  unscannable: 'unscannable',
  'limit-exceeded': 'unscannable',
  'parse-error': 'unscannable',
};

export function emit(ctx: ScanContext, loc: Location, input: FindingInput): void {
  ctx.formats.add(input.format);
  ctx.findings.push({
    file: ctx.file,
    location: loc.path,
    format: input.format,
    offset: input.offset,
    kind: input.kind,
    severity: input.severity,
    verdict: input.verdict ?? VERDICT_OF[input.kind] ?? 'anomaly',
    ...(input.callable === undefined ? {} : { callable: input.callable }),
    callChain: input.callChain ?? [],
    message: input.message,
  });
}

export interface ItemHints {
  /** The item is named or referenced as a pickle: parse errors are findings even without imports. */
  readonly pickle?: boolean;
  /** Raw tensor storage (torch `data/N`): only sniffed for embedded payloads. */
  readonly storage?: boolean;
}

/** Scans one item (a file, member or decoded stream) as every format it could be taken for. Returns whether any format matched. */
export type ItemScanner = (
  loc: Location,
  source: import('./source.ts').ByteSource,
  hints?: ItemHints,
) => Promise<boolean>;
