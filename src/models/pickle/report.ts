// Turns a pickle analysis into findings: each imported callable classified (fail closed), each
// anomaly reported, each nested payload handed back for scanning as a file of its own.
import type { ModelFormat } from '../types.ts';
import { child, emit, type Location, type ScanContext } from '../scan/context.ts';
import type { PickleAnalysis } from './analyze.ts';
import { classifyGlobal } from './classify.ts';
import { globalName, renderUse } from './symbols.ts';

export type NestedScanner = (loc: Location, bytes: Uint8Array) => Promise<void>;

const MAX_CHAIN = 8;

export async function reportPickle(
  ctx: ScanContext,
  loc: Location,
  format: ModelFormat,
  analysis: PickleAnalysis,
  scanNested: NestedScanner,
): Promise<void> {
  for (const first of analysis.globals) {
    const name = globalName(first);
    const count = first.count;
    const uses = first.uses.slice(0, MAX_CHAIN).map(renderUse);
    const verdict = classifyGlobal(first.module, first.name, ctx.allow);
    if (verdict.verdict === 'safe') continue;
    const dangerous = verdict.verdict === 'dangerous';
    emit(ctx, loc, {
      format,
      offset: first.offset,
      kind: dangerous ? 'dangerous-callable' : 'unknown-callable',
      severity: dangerous ? 'CRITICAL' : 'HIGH',
      callable: name,
      callChain: [`${first.opcode} ${name} @${first.offset}`, ...uses],
      message: `${verdict.reason}${count > 1 ? ` (imported ${count} times)` : ''}`,
    });
  }
  for (const a of analysis.anomalies) {
    emit(ctx, loc, {
      format,
      offset: a.offset,
      kind: a.kind,
      severity: a.severity,
      message: a.message,
      ...(a.callable ? { callable: a.callable } : {}),
      ...(a.callChain ? { callChain: a.callChain } : {}),
    });
  }
  if (analysis.error && !analysis.anomalies.some((a) => a.kind === 'unknown-opcode')) {
    emit(ctx, loc, {
      format,
      offset: analysis.error.offset,
      kind: 'parse-error',
      severity: 'HIGH',
      message: `pickle stream cannot be fully parsed: ${analysis.error.message} (after ${analysis.opCount} opcodes; what precedes the error is reported)`,
    });
  }
  for (const inner of analysis.inline)
    await reportPickle(ctx, child(loc, `inline-pickle@${inner.start}`), format, inner, scanNested);
  for (const payload of analysis.nested) {
    await scanNested(child(loc, `${payload.loader}@${payload.offset}`), payload.data);
  }
}
