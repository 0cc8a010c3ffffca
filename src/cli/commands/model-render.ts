/**
 * Output of `bosun model scan`: a table for people, JSON (documented in docs/models.md) and SARIF
 * 2.1.0 through the report module (one rule per finding kind).
 */
import type { ModelScanResult } from '../../models/index.ts';
import { formatSarif, type ScanReport } from '../../report/index.ts';

/** What was scanned: model files on disk, or the files of an image. */
export type ModelScanTarget =
  | { readonly kind: 'path'; readonly name: string }
  | {
      readonly kind: 'image';
      readonly name: string;
      readonly digest: string;
      readonly platform?: string;
    };

export interface ModelScanEntry {
  readonly result: ModelScanResult;
  /** Image scans: the layer whose tar entry holds the file. */
  readonly layer?: { readonly index: number; readonly digest: string; readonly diffId?: string };
}

export interface ModelScanSummary {
  readonly files: number;
  readonly failed: number;
  readonly passed: number;
  readonly skipped: number;
}

export function summarize(entries: readonly ModelScanEntry[]): ModelScanSummary {
  const failed = entries.filter((e) => e.result.verdict === 'fail').length;
  const skipped = entries.filter((e) => e.result.verdict === 'pass' && e.result.skipped !== undefined).length;
  return { files: entries.length, failed, passed: entries.length - failed - skipped, skipped };
}

export function renderJson(target: ModelScanTarget, entries: readonly ModelScanEntry[]): string {
  const doc = {
    schemaVersion: 1,
    target,
    summary: summarize(entries),
    results: entries.map((e) => ({ ...e.result, ...(e.layer === undefined ? {} : { layer: e.layer }) })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function renderSarif(
  target: ModelScanTarget,
  entries: readonly ModelScanEntry[],
  toolVersion: string,
): string {
  const report: ScanReport = {
    artifact: {
      name: target.name,
      type: target.kind === 'image' ? 'container-image' : 'model',
      ...(target.kind === 'image' ? { digest: target.digest } : {}),
    },
    inventory: { packages: [] },
    findings: [],
    models: entries.map((e) => e.result),
  };
  return formatSarif(report, { toolVersion });
}

const MAX_CHAIN = 90;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One row per finding (files without findings get one PASS row); skipped files are counted only. */
export function renderTable(target: ModelScanTarget, entries: readonly ModelScanEntry[]): string {
  const withLayer = target.kind === 'image';
  const header = [
    'FILE',
    'FORMAT',
    'VERDICT',
    'SEVERITY',
    'CALLABLE / CHAIN',
    'OFFSET',
    ...(withLayer ? ['LAYER'] : []),
  ];
  const rows: string[][] = [];
  for (const { result, layer } of entries) {
    if (result.skipped !== undefined && result.findings.length === 0) continue;
    const layerCell = withLayer
      ? [layer === undefined ? '-' : layer.digest.replace(/^sha256:/, '').slice(0, 12)]
      : [];
    const verdict = result.verdict.toUpperCase();
    if (result.findings.length === 0) {
      rows.push([result.file, result.formats.join(',') || '-', verdict, '-', '-', '-', ...layerCell]);
      continue;
    }
    for (const f of result.findings) {
      const where = [...f.location].join(' > ');
      const what = f.callable ?? f.kind;
      const chain = f.callChain.length > 1 ? ` (${f.callChain.slice(1).join(' → ')})` : '';
      rows.push([
        where === '' ? result.file : `${result.file} > ${where}`,
        f.format,
        verdict,
        f.severity,
        clip(`${what}${chain}`, MAX_CHAIN),
        String(f.offset),
        ...layerCell,
      ]);
    }
  }
  const s = summarize(entries);
  const footer = `${s.files} file${s.files === 1 ? '' : 's'}: ${s.failed} failed, ${s.passed} passed, ${s.skipped} skipped (no model format)\n`;
  if (rows.length === 0) return footer;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n\n${footer}`;
}
