// A pickle stream as loaders see it: one or more pickles back to back (torch's legacy format
// writes five, then raw storages), read progressively from a source so a large legacy
// checkpoint is not read whole when its pickles end early.
import type { ModelFormat } from '../types.ts';
import { emit, type Location, type ScanContext } from '../scan/context.ts';
import type { ByteSource } from '../scan/source.ts';
import { analyzePickle, type PickleAnalysis } from './analyze.ts';
import { isJoblibArrayWrapper } from './loaders.ts';
import { reportPickle, type NestedScanner } from './report.ts';
import { globalName } from './symbols.ts';

/** PROTO 2, LONG1 0x1950a86a20f9469cfc6c (torch/serialization.py MAGIC_NUMBER). */
const TORCH_LEGACY_MAGIC = [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
const LEGACY_PICKLES = 5;
const FIRST_CHUNK = 16 * 1024 * 1024;
const HEAD_BYTES = 64 * 1024;

export type PickleMode = 'strong' | 'probe';

export interface PickleStreamResult {
  readonly isPickle: boolean;
  readonly format?: ModelFormat;
}

const IDENTIFIER_PATH = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/;

/** An import CPython could perform: a module path made of identifiers (others fail before running anything). */
export function importable(a: PickleAnalysis): boolean {
  return a.globals.some((g) => IDENTIFIER_PATH.test(g.module));
}

function looksLikePickle(a: PickleAnalysis): boolean {
  if (a.startsWithProto && !(a.error && a.opCount <= 1)) return true;
  if (importable(a)) return true;
  return a.error === undefined && a.opCount >= 2;
}

function isTorchLegacy(buf: Uint8Array): boolean {
  if (buf[0] !== 0x80) return false;
  return TORCH_LEGACY_MAGIC.every((b, i) => buf[2 + i] === b);
}

interface StreamPlan {
  readonly analyses: PickleAnalysis[];
  readonly trailing?: number;
  readonly truncated: boolean;
  readonly legacy: boolean;
}

function plan(buf: Uint8Array, fileSize: number): StreamPlan {
  const analyses: PickleAnalysis[] = [];
  const legacy = isTorchLegacy(buf);
  let pos = 0;
  let trailing: number | undefined;
  while (pos < buf.length) {
    if (legacy && analyses.length >= LEGACY_PICKLES) break;
    const a = analyzePickle(buf, pos);
    if (analyses.length > 0 && !looksLikePickle(a)) {
      if (!(a.error?.truncated && buf.length < fileSize)) trailing = pos;
      else return { analyses, truncated: true, legacy };
      break;
    }
    analyses.push(a);
    if (a.error) return { analyses, truncated: a.error.truncated && buf.length < fileSize, legacy };
    pos = a.end;
  }
  return { analyses, truncated: false, legacy, ...(trailing === undefined ? {} : { trailing }) };
}

export async function scanPickleStream(
  ctx: ScanContext,
  loc: Location,
  source: ByteSource,
  mode: PickleMode,
  scanNested: NestedScanner,
  head?: Uint8Array,
  polyglot = false,
): Promise<PickleStreamResult> {
  const max = ctx.limits.maxPickleBytes;
  // Start from the head the caller already read; read further only while a pickle needs it.
  let buf = head ?? (await source.read(0, Math.min(source.size, HEAD_BYTES)));
  if (buf.length > max) buf = buf.subarray(0, max);
  let result = plan(buf, source.size);
  const accepted = (a: PickleAnalysis | undefined): boolean =>
    a !== undefined && (polyglot ? importable(a) : looksLikePickle(a));
  const undecided = (a: PickleAnalysis | undefined): boolean =>
    a?.error?.truncated === true && buf.length < source.size && buf.length < max;
  if (mode === 'probe' && !accepted(result.analyses[0]) && !undecided(result.analyses[0]))
    return { isPickle: false };
  while (result.truncated && buf.length < source.size && buf.length < max) {
    buf = await source.read(0, Math.min(source.size, Math.max(buf.length * 4, FIRST_CHUNK), max));
    result = plan(buf, source.size);
  }
  if (mode === 'probe' && !accepted(result.analyses[0])) return { isPickle: false };
  const joblib = result.analyses.some((a) => a.globals.some((g) => isJoblibArrayWrapper(globalName(g))));
  const format: ModelFormat = result.legacy ? 'torch-legacy' : joblib ? 'joblib' : 'pickle';
  ctx.formats.add(format);
  const last = result.analyses[result.analyses.length - 1];
  if (last?.error?.truncated && buf.length < source.size) {
    emit(ctx, loc, {
      format,
      offset: buf.length,
      kind: 'limit-exceeded',
      severity: 'HIGH',
      message: `pickle stream is larger than the ${max}-byte limit and was not fully scanned`,
    });
  }
  for (const a of result.analyses) await reportPickle(ctx, loc, format, a, scanNested);
  if (result.trailing !== undefined) {
    emit(ctx, loc, {
      format,
      offset: result.trailing,
      kind: 'data-after-stop',
      severity: 'MEDIUM',
      message: `${source.size - result.trailing} bytes follow the last STOP and are not a pickle`,
    });
  }
  return { isPickle: true, format };
}
