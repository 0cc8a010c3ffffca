/**
 * The analyzer contract: how inventory code reads files out of image layers.
 *
 * Design (one streaming pass per layer):
 * - The layer walker (src/image) streams each layer's tar once. For every regular-file entry it
 *   asks every registered analyzer `wants(path, info)`. `wants` is pure: it looks only at the path
 *   and the size, so the walker can decide without reading a byte, and the same path always gets
 *   the same answer. Symlinks are not followed: an analyzer lists every path a file may live at
 *   (`etc/os-release` is often a link to `usr/lib/os-release`, which is wanted too).
 * - For a wanted entry the walker calls `analyze(input)` while the entry streams. `input.read(max)`
 *   buffers the entry (at most `max` bytes, else it rejects with `INVENTORY_LIMIT`); an analyzer
 *   never untars, never opens other files, and never sees files it did not ask for.
 * - Each call is about ONE file and returns plain, JSON-serialisable data (`AnalyzerResult`).
 *   Package databases spread over many files are still one-file-at-a-time: dpkg's `status` yields
 *   packages while `info/<pkg>.list` yields `ownedFiles`; the merge step joins them. So no
 *   analyzer keeps state between calls and results can be cached per layer by
 *   `diffId + analyzer.id + analyzer.version` (bump `version` whenever output changes).
 * - The merge step (src/inventory, after the walk) applies whiteouts and opaque directories to the
 *   per-file results of all layers, keeps those whose file survives in the final filesystem, picks
 *   the OS from the surviving `os` results (see `resolveOs` in analyzers/os-release), uses `facts`
 *   (e.g. a dpkg `status.d/` directory means distroless) and names, for each package, the lowest
 *   layer where an identical package (same purl) first appeared.
 * - Per-file problems (a corrupt database, a file over a limit) become `InventoryIssue`s: one bad
 *   file neither stops the scan nor vanishes. `analyzeFile` does that conversion for the walker.
 */
import { BosunError, isBosunError } from '../util/errors.ts';
import type { InventoryIssue, ModelFile, OsInfo, Package, PackageLocation } from './types.ts';

/** One wanted file, handed to `analyze`. */
export interface AnalyzerInput {
  /** Path in the image without a leading `/` or `./`, e.g. `var/lib/dpkg/status`. */
  readonly path: string;
  /** Size from the tar header. */
  readonly size: number;
  /**
   * The whole file, buffered. Rejects with a `BosunError` (`INVENTORY_LIMIT`) when the file is
   * larger than `max` bytes; may be called more than once.
   */
  read(max: number): Promise<Uint8Array>;
  /** Compressed layer digest (manifest), absent for a directory scan. */
  readonly layerDigest?: string;
  /** Uncompressed layer digest. */
  readonly diffId?: string;
}

/** Facts that are not packages but that the merge step needs. Tagged by `kind`. */
export type AnalyzerFact =
  /** A dpkg `status.d/` database was seen: Google's distroless layout (Debian-based). */
  | { readonly kind: 'dpkg-status-d' }
  /** Licenses for an OS package found outside its database (e.g. a Debian copyright file). */
  | {
      readonly kind: 'package-licenses';
      readonly ecosystem: Package['ecosystem'];
      readonly name: string;
      readonly licenses: readonly string[];
    };

/** What one file contributed. Plain data: it is cached per layer as JSON. */
export interface AnalyzerResult {
  readonly packages: readonly Package[];
  /** OS facts stated by this file (os-release, alpine-release, ...). */
  readonly os?: OsInfo;
  /** Paths (no leading `/`) owned by the OS package manager, to skip in language analyzers. */
  readonly ownedFiles?: readonly string[];
  readonly facts?: readonly AnalyzerFact[];
  readonly issues: readonly InventoryIssue[];
  /**
   * Where language packages came from: `installed` metadata (dist-info, node_modules, gemspecs,
   * binaries) or a `lockfile`/manifest. Directory scans report both; image scans keep lockfile
   * packages only where no installed metadata covers them.
   */
  readonly kind?: 'installed' | 'lockfile';
  /** Files that look like AI/ML models (see analyzers/model-files). */
  readonly modelFiles?: readonly ModelFile[];
}

export interface AnalyzerContext {
  readonly signal?: AbortSignal;
}

export interface Analyzer {
  /** Stable kebab-case id, part of the cache key and of every issue. */
  readonly id: string;
  /** Bumped whenever the output for the same input changes; part of the cache key. */
  readonly version: number;
  /** Pure: decides from the path (no leading `/`) and size alone. */
  wants(path: string, info: { readonly size: number; readonly type: 'file' }): boolean;
  analyze(input: AnalyzerInput, ctx: AnalyzerContext): Promise<AnalyzerResult>;
}

/** The empty result, for files that turned out to hold nothing. */
export const EMPTY_RESULT: AnalyzerResult = Object.freeze({ packages: [], issues: [] });

/** Read the whole input, checking the declared size first so a huge entry is never buffered. */
export async function readInput(
  input: AnalyzerInput,
  max: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  signal?.throwIfAborted();
  if (input.size > max) {
    throw new BosunError(
      'INVENTORY_LIMIT',
      `${input.path}: file size limit exceeded (${input.size} > ${max})`,
      {
        details: { input: input.path, limit: 'file size', value: input.size, max },
      },
    );
  }
  const bytes = await input.read(max);
  if (bytes.byteLength > max) {
    throw new BosunError(
      'INVENTORY_LIMIT',
      `${input.path}: file size limit exceeded (${bytes.byteLength} > ${max})`,
      {
        details: { input: input.path, limit: 'file size', value: bytes.byteLength, max },
      },
    );
  }
  return bytes;
}

/** Where `input` is, for `Package.locations`. */
export function locationOf(input: AnalyzerInput): PackageLocation {
  return {
    path: input.path,
    ...(input.layerDigest === undefined ? {} : { layerDigest: input.layerDigest }),
    ...(input.diffId === undefined ? {} : { diffId: input.diffId }),
  };
}

/** An issue about `input`, for an analyzer's result. */
export function inputIssue(
  analyzer: string,
  input: AnalyzerInput,
  code: string,
  message: string,
): InventoryIssue {
  return {
    analyzer,
    path: input.path,
    ...(input.layerDigest === undefined ? {} : { layerDigest: input.layerDigest }),
    code,
    message,
  };
}

/**
 * Run one analyzer on one file, turning a `BosunError` (parse error, limit) into an issue so a bad
 * file does not stop the scan. Aborts and any other error propagate.
 */
export async function analyzeFile(
  analyzer: Analyzer,
  input: AnalyzerInput,
  ctx: AnalyzerContext,
): Promise<AnalyzerResult> {
  try {
    return await analyzer.analyze(input, ctx);
  } catch (error) {
    if (ctx.signal?.aborted === true || !isBosunError(error) || error.code === 'ABORTED') throw error;
    return { packages: [], issues: [inputIssue(analyzer.id, input, error.code, error.message)] };
  }
}
