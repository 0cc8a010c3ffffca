// Model files inside a container image: one streaming pass per layer picks candidates by their
// first bytes (and model extensions), copies them to a private spool (zip-based formats need
// random access), applies whiteouts so only the final filesystem is reported, then scans each
// surviving candidate as a model file and names the layer that introduced it.
import {
  MergedFilesystem,
  walkLayer,
  type LayerEntry,
  type LayerLimits,
  type ResolvedImage,
} from '../../image/index.ts';
import { scanModelFile } from '../scan/scan-file.ts';
import type { ModelFinding, ModelFormat, ModelScanOptions, ModelScanResult } from '../types.ts';
import { SNIFF_BYTES, sniffCandidate, type Candidate } from './candidates.ts';
import { createSpool, readHead, type Spool } from './spool.ts';

export interface ImageModelLimits {
  /** Largest candidate copied for scanning; larger ones are reported `limit-exceeded`. */
  readonly maxFileBytes: number;
  /** Largest total held in the spool at once; candidates beyond it are reported `limit-exceeded`. */
  readonly maxSpoolBytes: number;
}

export const DEFAULT_IMAGE_MODEL_LIMITS: ImageModelLimits = Object.freeze({
  maxFileBytes: 8 * 1024 ** 3,
  maxSpoolBytes: 32 * 1024 ** 3,
});

export interface ImageModelScanOptions extends ModelScanOptions {
  /** Where the private spool directory is created (default: the OS temp dir). */
  readonly tmpDir?: string;
  readonly imageLimits?: Partial<ImageModelLimits>;
  readonly layerLimits?: Partial<LayerLimits>;
  /** Called after each layer is walked (for progress output). */
  readonly onLayer?: (event: {
    readonly index: number;
    readonly total: number;
    readonly digest: string;
    readonly candidates: number;
  }) => void;
}

/** One model file of the final filesystem and its scan result (`result.file` is the image path). */
export interface ImageModelFile {
  readonly path: string;
  /** Layer whose tar entry holds the bytes (the layer that introduced this version of the file). */
  readonly layerIndex: number;
  readonly layerDigest: string;
  readonly diffId?: string;
  readonly size: number;
  /** What the first bytes or the name suggested. */
  readonly candidate: Candidate;
  readonly result: ModelScanResult;
}

export interface ImageModelIssue {
  readonly layerDigest?: string;
  readonly path: string;
  readonly message: string;
}

export interface ImageModelScan {
  /** Files of the final filesystem that were scanned, sorted by path. */
  readonly files: readonly ImageModelFile[];
  /** Candidates seen in all layers (including ones later deleted or replaced). */
  readonly candidates: number;
  /** Layer entries skipped by the walker and merge problems (reported, never dropped). */
  readonly issues: readonly ImageModelIssue[];
}

interface Spooled {
  readonly layerIndex: number;
  readonly path: string;
  readonly size: number;
  readonly candidate: Candidate;
  /** Absent when the file was over a limit and not copied. */
  spoolPath?: string;
  readonly overLimit?: string;
}

const keyOf = (layerIndex: number, path: string): string => `${layerIndex}\0${path}`;

/**
 * Scans every model file of a resolved image. Layer blobs are verified (digest by the source,
 * diff-id by the walker) and read once each. Errors: the source's transport and integrity
 * errors, LAYER_* limits and corruption, ABORTED; per-file problems are findings.
 */
export async function scanImageModels(
  image: ResolvedImage,
  options: ImageModelScanOptions = {},
): Promise<ImageModelScan> {
  const limits = { ...DEFAULT_IMAGE_MODEL_LIMITS, ...options.imageLimits };
  const merged = new MergedFilesystem();
  const spooled = new Map<string, Spooled>();
  // Contents a hard link points at stay alive even when their own path is replaced.
  const pinned = new Set<string>();
  const issues: ImageModelIssue[] = [];
  const spool = await createSpool(options.tmpDir);
  let candidates = 0;
  try {
    const total = image.layers.length;
    for (const [index, { descriptor, diffId }] of image.layers.entries()) {
      options.signal?.throwIfAborted();
      const layer = { index, digest: descriptor.digest, ...(diffId === undefined ? {} : { diffId }) };
      const name = `${image.source.name} layer ${index} (${descriptor.digest})`;
      let layerCandidates = 0;
      const stream = await image.source.blobStream(descriptor, options.signal);
      const walked = await walkLayer(stream, {
        name,
        ...(diffId === undefined ? {} : { diffId }),
        ...(options.layerLimits === undefined ? {} : { limits: options.layerLimits }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        onEntry: (entry: LayerEntry) => {
          merged.add(layer, entry);
          if (entry.type === 'hardlink') {
            const content = merged.get(entry.path)?.content;
            if (content !== undefined) pinned.add(keyOf(content.layerIndex, content.path));
          }
        },
        wants: (entry) => entry.size > 0,
        onFile: async (entry, body) => {
          const { chunks, head, rest } = await readHead(body, Math.min(SNIFF_BYTES, entry.size));
          const candidate = sniffCandidate(head, entry.path, entry.size);
          if (candidate === undefined) {
            await rest.return?.();
            return;
          }
          candidates++;
          layerCandidates++;
          const key = keyOf(index, entry.path);
          const previous = spooled.get(key);
          if (previous?.spoolPath !== undefined) await spool.remove(previous.spoolPath, previous.size);
          const record: Spooled = { layerIndex: index, path: entry.path, size: entry.size, candidate };
          const over =
            entry.size > limits.maxFileBytes
              ? `larger than the ${limits.maxFileBytes}-byte per-file limit`
              : spool.bytes + entry.size > limits.maxSpoolBytes
                ? `over the ${limits.maxSpoolBytes}-byte spool limit`
                : undefined;
          if (over !== undefined) {
            spooled.set(key, { ...record, overLimit: over });
            await rest.return?.();
            return;
          }
          record.spoolPath = await spool.write(chunks, rest, entry.size, `${name}: ${entry.path}`);
          spooled.set(key, record);
        },
      });
      for (const issue of walked.issues)
        issues.push({ layerDigest: descriptor.digest, path: issue.path, message: issue.message });
      await releaseReplaced(spool, spooled, pinned, merged);
      options.onLayer?.({ index, total, digest: descriptor.digest, candidates: layerCandidates });
    }
    for (const issue of merged.issues) {
      issues.push({
        layerDigest: image.layers[issue.layerIndex]?.descriptor.digest ?? '',
        path: issue.path,
        message: issue.message,
      });
    }
    const files = await scanFinal(image, merged, spooled, options);
    return { files, candidates, issues };
  } finally {
    await spool.close();
  }
}

/** Deletes spooled copies from earlier layers that the final filesystem no longer shows. */
async function releaseReplaced(
  spool: Spool,
  spooled: Map<string, Spooled>,
  pinned: ReadonlySet<string>,
  merged: MergedFilesystem,
): Promise<void> {
  for (const [key, record] of spooled) {
    if (pinned.has(key)) continue;
    // Resolved as extraction placed it (a parent may be a symlink, e.g. lib → usr/lib).
    const content = merged.resolvePath(record.path, { followFinal: false })?.entry.content;
    if (content !== undefined && content.layerIndex === record.layerIndex && content.path === record.path)
      continue;
    if (record.spoolPath !== undefined) await spool.remove(record.spoolPath, record.size);
    spooled.delete(key);
  }
}

async function scanFinal(
  image: ResolvedImage,
  merged: MergedFilesystem,
  spooled: ReadonlyMap<string, Spooled>,
  options: ImageModelScanOptions,
): Promise<ImageModelFile[]> {
  const jobs: { path: string; record: Spooled; digest: string; diffId: string | undefined }[] = [];
  for (const [path, entry] of merged.entries()) {
    const content = entry.content;
    if (content === undefined || (entry.type !== 'file' && entry.type !== 'hardlink')) continue;
    const record = spooled.get(keyOf(content.layerIndex, content.path));
    if (record === undefined) continue;
    const layer = image.layers[content.layerIndex];
    jobs.push({ path, record, digest: layer?.descriptor.digest ?? '', diffId: layer?.diffId });
  }
  // Hard links share one copy: scan it once.
  const scans = new Map<Spooled, Promise<ModelScanResult>>();
  const scanOnce = (record: Spooled): Promise<ModelScanResult> => {
    let pending = scans.get(record);
    if (pending === undefined) {
      pending =
        record.spoolPath === undefined
          ? Promise.resolve(overLimitResult(record))
          : scanModelFile(record.spoolPath, options);
      scans.set(record, pending);
    }
    return pending;
  };
  const out: ImageModelFile[] = new Array<ImageModelFile>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      const job = jobs[i] as (typeof jobs)[number];
      const result = await scanOnce(job.record);
      out[i] = {
        path: job.path,
        layerIndex: job.record.layerIndex,
        layerDigest: job.digest,
        ...(job.diffId === undefined ? {} : { diffId: job.diffId }),
        size: job.record.size,
        candidate: job.record.candidate,
        result: relabel(result, job.path),
      };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  return out;
}

function relabel(result: ModelScanResult, path: string): ModelScanResult {
  return {
    ...result,
    file: path,
    findings: result.findings.map((f): ModelFinding => ({ ...f, file: path })),
  };
}

function overLimitResult(record: Spooled): ModelScanResult {
  const format: ModelFormat = record.candidate.format;
  return {
    file: record.path,
    formats: [format],
    findings: [
      {
        file: record.path,
        location: [],
        format,
        offset: 0,
        kind: 'limit-exceeded',
        severity: 'HIGH',
        verdict: 'unscannable',
        callChain: [],
        message: `not scanned: ${record.size} bytes, ${record.overLimit ?? 'over a limit'}`,
      },
    ],
    verdict: 'fail',
    bytesRead: 0,
  };
}
