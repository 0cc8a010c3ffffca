/** Formats the model scanner recognises, always by magic bytes and structure, never by file name. */
export type ModelFormat =
  | 'pickle'
  | 'torch-zip'
  | 'torch-legacy'
  | 'torchscript'
  | 'zip'
  | 'numpy'
  | 'joblib'
  | 'safetensors'
  | 'keras'
  | 'hdf5'
  | 'gguf'
  | 'onnx'
  | 'gzip'
  | 'zlib'
  | 'bzip2'
  | 'xz'
  | 'lzma'
  | 'zstd'
  | 'lz4'
  | '7z'
  | 'tar';

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFO';

/** What a finding says about the file: a known-bad callable, an unclassified one, a structural anomaly, or a part we could not read. */
export type FindingVerdict = 'dangerous' | 'unknown' | 'anomaly' | 'unscannable';

export type FindingKind =
  | 'dangerous-callable'
  | 'unknown-callable'
  | 'unresolved-callable'
  | 'global-mutation'
  | 'nested-loader'
  | 'parse-error'
  | 'unknown-opcode'
  | 'data-after-stop'
  | 'frame-mismatch'
  | 'protocol-mismatch'
  | 'unused-call-result'
  | 'out-of-band-buffer'
  | 'zip-anomaly'
  | 'unscannable'
  | 'limit-exceeded'
  | 'safetensors-invalid'
  | 'numpy-invalid'
  | 'keras-lambda'
  | 'keras-custom-object'
  | 'keras-invalid'
  | 'gguf-invalid'
  | 'gguf-template'
  | 'onnx-invalid'
  | 'onnx-external-data';

/** One thing the scanner found. `location` is the container path from the file down to the item (zip member, decompressed stream, nested pickle). */
export interface ModelFinding {
  readonly file: string;
  readonly location: readonly string[];
  readonly format: ModelFormat;
  /** Byte offset inside the innermost item of `location` (the opcode offset for pickles). */
  readonly offset: number;
  readonly kind: FindingKind;
  readonly severity: Severity;
  readonly verdict: FindingVerdict;
  /** `module.name` of the callable concerned, when there is one. */
  readonly callable?: string;
  /** How the callable is reached: GLOBAL, then each call or mutation applied to it, with opcode offsets. */
  readonly callChain: readonly string[];
  readonly message: string;
}

/** The outcome for one file: `fail` when any finding is HIGH or CRITICAL (fail closed). */
export interface ModelScanResult {
  readonly file: string;
  readonly formats: readonly ModelFormat[];
  readonly findings: readonly ModelFinding[];
  readonly verdict: 'pass' | 'fail';
  /** Set when the file is not a model format at all (e.g. a README in a model directory); such files pass. */
  readonly skipped?: string;
  /** Bytes read from the file (to show that large checkpoints are not read whole). */
  readonly bytesRead: number;
}

/** User extension of the allow-list: `module.name`, or `module.*` for every class (CapitalisedName) of a module and its submodules. */
export interface AllowListConfig {
  readonly globals?: readonly string[];
  /** Curated presets to enable; defaults to every shipped preset. */
  readonly presets?: readonly AllowPreset[];
}

export type AllowPreset = 'python' | 'torch' | 'numpy' | 'sklearn' | 'xgboost' | 'lightning' | 'transformers';

export interface ModelScanLimits {
  /** Largest pickle stream analysed (bytes). */
  readonly maxPickleBytes: number;
  /** Largest total output of decompression for one file (bytes). */
  readonly maxDecompressedBytes: number;
  /** Largest zip central directory entry count. */
  readonly maxZipEntries: number;
  /** Deepest container nesting (zip in zip, pickle in pickle, compressed stream). */
  readonly maxDepth: number;
  /** Largest JSON/config/metadata header read (bytes). */
  readonly maxHeaderBytes: number;
  /** Largest zip member read whole for scanning (bytes); larger members are only sniffed. */
  readonly maxMemberBytes: number;
}

export interface ModelScanOptions {
  readonly allow?: AllowListConfig;
  readonly limits?: Partial<ModelScanLimits>;
  readonly signal?: AbortSignal;
  /** Files scanned in parallel by directory scans. */
  readonly concurrency?: number;
  /**
   * Files in no recognised format (a README, random bytes that pickle.load rejects before
   * running anything, a gzip'd man page) are `skipped` and pass by default; `fail` reports them
   * unscannable.
   */
  readonly unknownFormats?: 'skip' | 'fail';
}
