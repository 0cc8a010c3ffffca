/**
 * One streaming pass over one layer feeding every analyzer: each regular file is offered to every
 * analyzer's `wants`; a wanted file is buffered once (bounded by its header size and the
 * per-entry limit) and handed to each analyzer that wanted it, in registry order. Bodies nobody
 * wants are skipped by the walker without being buffered.
 */
import type { Readable } from 'node:stream';
import {
  readBounded,
  resolveLayerLimits,
  walkRootfs,
  walkLayer,
  type LayerEntry,
  type LayerIssue,
  type LayerLimits,
  type LayerVisitor,
} from '../../image/index.ts';
import { limitError } from '../../util/errors.ts';
import { analyzeFile, type Analyzer, type AnalyzerInput } from '../analyzer.ts';
import type { InventoryIssue } from '../types.ts';
import { isEmptyResult, type FileResult, type LayerRecord, type RecordEntry } from './layer-record.ts';

export interface CollectLayerOptions {
  /** Layer name for errors: its digest, or a path. */
  readonly name: string;
  readonly analyzers: readonly Analyzer[];
  /** Compressed digest, for analyzer inputs (locations). */
  readonly layerDigest?: string;
  /** Expected diff-id: verified at the end of the walk. */
  readonly diffId?: string;
  readonly limits?: Partial<LayerLimits>;
  readonly signal?: AbortSignal;
}

/** The id under which layer-level problems are reported in `InventoryIssue.analyzer`. */
export const LAYER_ISSUE_SOURCE = 'layer';

/** Builds the visitor shared by tar layers and rootfs directories, and the record it fills. */
function recordingVisitor(
  options: CollectLayerOptions,
  diffId: () => string | undefined,
): { visitor: LayerVisitor; entries: RecordEntry[]; results: FileResult[] } {
  const limits = resolveLayerLimits(options.limits);
  const entries: RecordEntry[] = [];
  const results: FileResult[] = [];
  // `wants` and `onFile` are called back to back for the same entry: remember who wanted it.
  let wanted: Analyzer[] = [];
  // Paths with results so far: a later entry of the same path in the same tar replaces the file
  // (extraction order: the last entry wins), so its earlier results are dropped.
  const analyzed = new Set<string>();
  const visitor: LayerVisitor = {
    onEntry(entry) {
      if (analyzed.delete(entry.path)) {
        const kept = results.filter((result) => result.path !== entry.path);
        results.splice(0, results.length, ...kept);
      }
      entries.push(
        entry.linkTarget === undefined || (entry.type !== 'symlink' && entry.type !== 'hardlink')
          ? { path: entry.path, type: entry.type }
          : { path: entry.path, type: entry.type, linkTarget: entry.linkTarget },
      );
    },
    wants(entry) {
      const info = { size: entry.size, type: 'file' as const };
      wanted = options.analyzers.filter((analyzer) => analyzer.wants(entry.path, info));
      return wanted.length > 0;
    },
    async onFile(entry, body) {
      const mine = wanted;
      wanted = [];
      const input = fileInput(entry, body, options, limits, diffId());
      for (const analyzer of mine) {
        options.signal?.throwIfAborted();
        const result = await analyzeFile(
          analyzer,
          input,
          options.signal === undefined ? {} : { signal: options.signal },
        );
        if (isEmptyResult(result)) continue;
        results.push({ analyzer: analyzer.id, path: entry.path, result });
        analyzed.add(entry.path);
      }
    },
  };
  return { visitor, entries, results };
}

/** The analyzer input for one entry: its body is read at most once, whoever asks first. */
function fileInput(
  entry: LayerEntry,
  body: Readable,
  options: CollectLayerOptions,
  limits: LayerLimits,
  diffId: string | undefined,
): AnalyzerInput {
  let buffered: Promise<Uint8Array> | undefined;
  return {
    path: entry.path,
    size: entry.size,
    ...(options.layerDigest === undefined ? {} : { layerDigest: options.layerDigest }),
    ...(diffId === undefined ? {} : { diffId }),
    read(max: number): Promise<Uint8Array> {
      const cap = Math.min(max, limits.maxBufferedEntryBytes);
      if (entry.size > cap) {
        return Promise.reject(limitError('INVENTORY_LIMIT', entry.path, 'file size', entry.size, cap));
      }
      // The header size is exact: buffering `size` bytes reads the whole body.
      buffered ??= readBounded(body, entry.size, entry.path);
      return buffered;
    },
  };
}

function layerIssue(issue: LayerIssue | { code: string; path: string; message: string }): InventoryIssue {
  return { analyzer: LAYER_ISSUE_SOURCE, path: issue.path, code: issue.code, message: issue.message };
}

/** Walks one layer blob (gzip, zstd or tar) once and records what the analyzers found. */
export async function collectLayer(stream: Readable, options: CollectLayerOptions): Promise<LayerRecord> {
  const { visitor, entries, results } = recordingVisitor(options, () => options.diffId);
  const walked = await walkLayer(stream, {
    ...visitor,
    name: options.name,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.diffId === undefined ? { computeDiffId: true } : { diffId: options.diffId }),
  });
  return {
    diffId: walked.diffId,
    entries,
    results,
    issues: walked.issues.map(layerIssue),
    uncompressedBytes: walked.uncompressedBytes,
  };
}

/** Walks a root filesystem directory as one layer and records what the analyzers found. */
export async function collectDirectory(dir: string, options: CollectLayerOptions): Promise<LayerRecord> {
  const { visitor, entries, results } = recordingVisitor(options, () => undefined);
  const walked = await walkRootfs(dir, visitor, {
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return {
    diffId: undefined,
    entries,
    results,
    issues: walked.issues.map(layerIssue),
    uncompressedBytes: walked.fileBytes,
  };
}
