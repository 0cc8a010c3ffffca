// Symbolic pickle walker. Written here rather than taken from a library on purpose: security
// needs full control over every opcode, every error path and every parser differential, and the
// stream must never be evaluated. Semantics follow CPython's C unpickler (Modules/_pickle.c),
// which is what `pickle.load`, `torch.load` and `joblib.load` actually run.
//   analysis.ts  result types       walker.ts  state, stack/memo primitives
//   walk-loop.ts the opcode switch  effects.ts imports, calls, BUILD, mutations
import { WalkError, type PickleAnalysis, type PickleError } from './analysis.ts';
import { OP } from './opcodes.ts';
import { globalName, renderSym, rootGlobal } from './symbols.ts';
import { walkOpcodes } from './walk-loop.ts';
import { PickleWalker } from './walker.ts';

export type { NestedPayload, PickleAnalysis, PickleAnomaly, PickleError } from './analysis.ts';

/** Walks one pickle starting at `start` until STOP or the first error. Never throws on bad input. */
export function analyzePickle(buf: Uint8Array, start = 0, inlineDepth = 0): PickleAnalysis {
  const w = new PickleWalker(buf, start, inlineDepth, analyzePickle);
  let error: PickleError | undefined;
  try {
    walkOpcodes(w);
  } catch (caught) {
    if (!(caught instanceof WalkError)) throw caught;
    error = { offset: caught.offset, message: caught.message, truncated: caught.truncated };
  }
  if (w.stopped) reportLeftovers(w);
  return {
    start,
    end: error ? error.offset : w.pos,
    protocol: w.protocol,
    globals: w.globals,
    callCount: w.callCount,
    anomalies: w.anomalies,
    nested: w.nested,
    inline: w.inline,
    ...(error ? { error } : {}),
    opCount: w.opCount,
    startsWithProto: buf[start] === OP.PROTO,
  };
}

/** After STOP: a frame that claims more bytes, and call results nothing ever consumed. */
function reportLeftovers(w: PickleWalker): void {
  const pos = w.pos;
  if (w.frameEnd > pos) {
    w.anomaly({
      kind: 'frame-mismatch',
      offset: pos,
      severity: 'HIGH',
      message: `FRAME declares ${w.frameEnd - pos} more bytes after STOP`,
    });
  }
  for (const item of w.stack) w.discard(item);
  for (const item of w.memo.values()) w.discard(item);
  for (const record of w.unused) {
    if (record.used) continue;
    const root = rootGlobal(record.callee);
    w.anomaly({
      kind: 'unused-call-result',
      offset: record.offset,
      severity: 'MEDIUM',
      message: `result of ${record.op} ${renderSym(record.callee)}(…) is never used`,
      ...(root ? { callable: globalName(root) } : {}),
      callChain: [`${record.op} @${record.offset}`],
    });
  }
}
