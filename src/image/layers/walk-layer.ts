/**
 * One pass over one layer blob: detect compression by magic bytes, inflate, hash the
 * uncompressed bytes for the diff-id, parse tar headers, hand wanted file bodies to the caller
 * while they stream, and enforce the layer limits. Nothing is written anywhere.
 */
import { createHash, type Hash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { BosunError, isBosunError, limitError } from '../../util/errors.ts';
import { parseDigest } from '../../util/digest.ts';
import { createDecompressor, detectCompression, isDecompressionError, peekStream } from './decompress.ts';
import { entryFromHeader, isIssue } from './entry-from-header.ts';
import { resolveLayerLimits, type LayerLimits } from './limits.ts';
import { BLOCK, type TarHeader } from './tar-header.ts';
import { TarParser, type TarBodySink } from './tar-parser.ts';
import type { LayerEntry, LayerIssue, LayerVisitor, LayerWalkResult } from './types.ts';

export interface WalkLayerOptions extends LayerVisitor {
  /** Layer name for errors and issues (its digest, or a path). */
  readonly name: string;
  readonly limits?: Partial<LayerLimits>;
  readonly signal?: AbortSignal;
  /** Expected `sha256:` of the uncompressed stream (the config's diff_id): checked at the end. */
  readonly diffId?: string;
  /** Compute the diff-id even when none is expected (e.g. to synthesise a manifest). */
  readonly computeDiffId?: boolean;
  /** Entries whose path climbs above the root: recorded as issues and skipped (default), or fatal. */
  readonly unsafePaths?: 'skip' | 'error';
}

/** Highest water mark for wanted bodies: large enough that a reader rarely stalls the walk. */
const BODY_HIGH_WATER = 256 * 1024;

class WantedBody implements TarBodySink {
  readonly body: Readable;
  private readonly done: Promise<void>;
  private settled = false;
  private wake: (() => void) | undefined;

  constructor(visitor: LayerVisitor, entry: LayerEntry) {
    const body = new Readable({
      highWaterMark: BODY_HIGH_WATER,
      read: () => {
        const wake = this.wake;
        this.wake = undefined;
        wake?.();
      },
    });
    this.body = body;
    // The walker may destroy the body with the walk's error after the visitor stopped listening.
    body.on('error', ignore);
    const onFile = visitor.onFile;
    this.done = (async () => {
      try {
        await onFile?.(entry, body);
      } finally {
        this.settled = true;
        const wake = this.wake;
        this.wake = undefined;
        wake?.();
      }
    })();
    // Rejections surface through end(); this keeps an early one from being reported as unhandled.
    this.done.catch(() => undefined);
  }

  write(chunk: Buffer): Promise<void> | undefined {
    if (this.settled || this.body.destroyed) return undefined;
    if (this.body.push(chunk)) return undefined;
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  end(): Promise<void> | undefined {
    if (!this.body.destroyed) this.body.push(null);
    return this.done.then(() => {
      // Unread data the caller chose to leave: free it.
      if (!this.body.readableEnded) this.body.destroy();
    });
  }

  abort(error: unknown): void {
    if (!this.body.destroyed) this.body.destroy(error instanceof Error ? error : undefined);
  }
}

/**
 * Walks one layer blob (gzip, zstd or plain tar; detected from magic bytes). Resolves when the
 * whole stream was read, the tar was well formed and, when `diffId` is given, the uncompressed
 * bytes hashed to it (IMAGE_DIGEST_MISMATCH otherwise). Errors: LAYER_COMPRESSION_UNSUPPORTED,
 * LAYER_CORRUPT (bad compressed data), LAYER_TAR_INVALID, LAYER_LIMIT (naming the limit),
 * LAYER_PATH_UNSAFE (with `unsafePaths: 'error'`), ABORTED, or the source stream's own error.
 */
export async function walkLayer(source: Readable, options: WalkLayerOptions): Promise<LayerWalkResult> {
  const { name, signal } = options;
  const limits = resolveLayerLimits(options.limits);
  const expected = options.diffId;
  if (expected !== undefined) parseDigest(expected, `${name} diff-id`);
  const hash: Hash | undefined =
    expected !== undefined || options.computeDiffId === true
      ? createHash(expected === undefined ? 'sha256' : parseDigest(expected).algorithm)
      : undefined;
  const issues: LayerIssue[] = [];
  let entries = 0;
  let current: WantedBody | undefined;

  const onEntry = (header: TarHeader): TarBodySink | undefined => {
    const entry = entryFromHeader(header);
    if (entry === undefined) return undefined;
    if (isIssue(entry)) {
      if (options.unsafePaths === 'error') {
        throw new BosunError('LAYER_PATH_UNSAFE', `${name}: ${entry.message}`, {
          details: { input: name, path: entry.path },
        });
      }
      issues.push(entry);
      return undefined;
    }
    entries++;
    options.onEntry?.(entry);
    if (entry.type !== 'file' || options.onFile === undefined || options.wants?.(entry) !== true)
      return undefined;
    current = new WantedBody(options, entry);
    return current;
  };
  const parser = new TarParser({
    input: name,
    maxEntries: limits.maxEntries,
    maxHeaderBytes: limits.maxHeaderBytes,
    maxPathLength: limits.maxPathLength,
    onEntry,
  });

  // Errors are observed through `errored`, the pipeline and the iterator; this listener keeps an
  // error emitted between those (during the peek, or after we stop) from becoming uncaught.
  source.on('error', ignore);
  const onAbort = (): void => {
    source.destroy(new BosunError('ABORTED', `${name}: aborted`, { details: { input: name } }));
  };
  signal?.addEventListener('abort', onAbort);
  let compressed = 0;
  let uncompressed = 0;
  let compression: LayerWalkResult['compression'] | undefined;
  try {
    signal?.throwIfAborted();
    const peeked = await peekStream(source, BLOCK, signal);
    compression = detectCompression(peeked.head, name);
    let output: Readable = peeked.stream;
    if (compression !== 'none') {
      const inflate = createDecompressor(compression, name);
      output = pipeline(peeked.stream, inflate, () => undefined);
      peeked.stream.on('data', (chunk: Buffer) => {
        compressed += chunk.length;
      });
    }
    const checkRatio = compression !== 'none';
    for await (const chunk of output as AsyncIterable<Buffer>) {
      uncompressed += chunk.length;
      if (uncompressed > limits.maxTotalBytes) {
        throw limitError('LAYER_LIMIT', name, 'total uncompressed size', uncompressed, limits.maxTotalBytes);
      }
      if (
        checkRatio &&
        uncompressed > limits.ratioGraceBytes &&
        uncompressed > compressed * limits.maxRatio
      ) {
        throw limitError(
          'LAYER_LIMIT',
          name,
          'decompression ratio',
          Math.floor(uncompressed / Math.max(compressed, 1)),
          limits.maxRatio,
        );
      }
      hash?.update(chunk);
      const wait = parser.write(chunk);
      if (wait !== undefined) await wait;
    }
    if (compression === 'none') compressed = uncompressed;
    signal?.throwIfAborted();
    const last = parser.end();
    if (last !== undefined) await last;
  } catch (error) {
    current?.abort(error);
    source.destroy();
    throw translate(error, name, signal);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }

  const diffId =
    hash === undefined ? undefined : `${expected?.split(':')[0] ?? 'sha256'}:${hash.digest('hex')}`;
  if (expected !== undefined && diffId !== expected) {
    throw new BosunError(
      'IMAGE_DIGEST_MISMATCH',
      `${name}: uncompressed digest ${diffId} is not the diff-id ${expected}`,
      {
        details: { input: name, expected, actual: diffId },
      },
    );
  }
  return {
    compression: compression ?? 'none',
    entries,
    compressedBytes: compressed,
    uncompressedBytes: uncompressed,
    diffId,
    issues,
  };
}

function ignore(): void {}

function translate(error: unknown, name: string, signal: AbortSignal | undefined): unknown {
  if (isBosunError(error)) return error;
  if (signal?.aborted === true) {
    return new BosunError('ABORTED', `${name}: aborted`, { cause: error, details: { input: name } });
  }
  if (isDecompressionError(error)) {
    return new BosunError('LAYER_CORRUPT', `${name}: compressed data is corrupt or truncated`, {
      cause: error,
      details: { input: name },
    });
  }
  return error;
}
