/**
 * The human table: per target a title, a severity summary line, then one row per finding.
 * Plain text; ANSI colour only when the caller says the output is a colour terminal.
 */
import type { ModelFinding } from '../../models/index.ts';
import type { Severity } from '../../vulndb/index.ts';
import { SEVERITIES, countBySeverity, compareText } from '../severity.ts';
import { groupTargets, type ModelTarget, type PackageTarget } from '../targets.ts';
import type { ScanReport } from '../types.ts';
import { displayWidth, padEnd, scrubControl, truncate } from './text.ts';

export interface TableOptions {
  /** Terminal columns; when set, the widest columns are truncated with `…` to fit. */
  readonly width?: number;
  /** ANSI colour for severities (the CLI sets it only for a TTY without NO_COLOR). */
  readonly color?: boolean;
}

type ModelSeverity = ModelFinding['severity'];

const COLOURS: Readonly<Record<Severity | ModelSeverity, string>> = {
  CRITICAL: '\u001b[1;31m',
  HIGH: '\u001b[31m',
  MEDIUM: '\u001b[33m',
  LOW: '\u001b[34m',
  UNKNOWN: '',
  INFO: '',
};
const RESET = '\u001b[0m';
const MIN_COLUMN = 8;
const GAP = '  ';

interface Column {
  readonly header: string;
  /** Shrunk (in this order of preference) when the table is wider than the terminal. */
  readonly shrink: number;
  /** Index of the severity column, coloured after padding. */
  readonly severity?: boolean;
}

function renderGrid(columns: readonly Column[], rows: readonly string[][], options: TableOptions): string[] {
  const widths = columns.map((c, i) =>
    Math.max(displayWidth(c.header), ...rows.map((r) => displayWidth(r[i] ?? ''))),
  );
  if (options.width !== undefined) {
    const total = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
    const order = columns
      .map((c, i) => ({ i, shrink: c.shrink }))
      .filter((c) => c.shrink > 0)
      .sort((a, b) => a.shrink - b.shrink);
    for (const { i } of order) {
      const excess = total() - options.width;
      if (excess <= 0) break;
      const current = widths[i] ?? 0;
      // Never below the header or MIN_COLUMN: a table wider than the terminal beats unreadable columns.
      const floor = Math.min(current, Math.max(MIN_COLUMN, displayWidth(columns[i]?.header ?? '')));
      widths[i] = Math.max(floor, current - excess);
    }
  }
  const line = (cells: readonly string[], colour: boolean) =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        const text = padEnd(truncate(cell, width), i === cells.length - 1 ? 0 : width);
        const code = colour && columns[i]?.severity ? COLOURS[cell.trim() as Severity] : '';
        return code ? `${code}${text.trimEnd()}${RESET}${text.slice(text.trimEnd().length)}` : text;
      })
      .join(GAP)
      .trimEnd();
  return [
    line(
      columns.map((c) => c.header),
      false,
    ),
    line(
      widths.map((w) => '-'.repeat(w)),
      false,
    ),
    ...rows.map((r) => line(r, options.color === true)),
  ];
}

function title(text: string): string[] {
  const clean = scrubControl(text);
  return [clean, '='.repeat(Math.max(1, displayWidth(clean)))];
}

function packageSection(t: PackageTarget, options: TableOptions): string[] {
  const counts = countBySeverity(t.findings);
  const summary = `Total: ${t.findings.length} (${SEVERITIES.map((s) => `${s}: ${counts[s]}`).join(', ')})`;
  const lines = [...title(t.class === 'os-pkgs' ? t.target : `${t.target} (${t.type})`), summary];
  if (t.suppressed.length > 0) lines.push(`Suppressed: ${t.suppressed.length} (ignore file or VEX)`);
  if (t.findings.length === 0) return lines;
  const columns: Column[] = [
    { header: 'Package', shrink: 3 },
    { header: 'Installed', shrink: 4 },
    { header: 'Fixed', shrink: 2 },
    { header: 'Vulnerability', shrink: 0 },
    { header: 'Severity', shrink: 0, severity: true },
    { header: 'Title', shrink: 1 },
  ];
  const rows = t.findings.map((f) =>
    [f.package.name, f.installedVersion, f.fixedVersions.join(', '), f.id, f.severity, f.title ?? ''].map(
      scrubControl,
    ),
  );
  return [...lines, '', ...renderGrid(columns, rows, options)];
}

const MODEL_SEVERITIES = [
  'CRITICAL',
  'HIGH',
  'MEDIUM',
  'LOW',
  'INFO',
] as const satisfies readonly ModelSeverity[];
const MODEL_RANK: Readonly<Record<ModelSeverity, number>> = {
  CRITICAL: 4,
  HIGH: 3,
  MEDIUM: 2,
  LOW: 1,
  INFO: 0,
};

function modelSection(t: ModelTarget, options: TableOptions): string[] {
  const findings = [...t.result.findings].sort(
    (a, b) =>
      MODEL_RANK[b.severity] - MODEL_RANK[a.severity] ||
      compareText(a.location.join('/'), b.location.join('/')) ||
      a.offset - b.offset ||
      compareText(a.kind, b.kind),
  );
  const counts = Object.fromEntries(MODEL_SEVERITIES.map((s) => [s, 0])) as Record<ModelSeverity, number>;
  for (const f of findings) counts[f.severity] += 1;
  const summary =
    `Verdict: ${t.result.verdict.toUpperCase()}, findings: ${findings.length} ` +
    `(${MODEL_SEVERITIES.map((s) => `${s}: ${counts[s]}`).join(', ')})`;
  const lines = [...title(`${t.target} (model: ${t.type})`), summary];
  if (findings.length === 0) return lines;
  const columns: Column[] = [
    { header: 'Severity', shrink: 0, severity: true },
    { header: 'Kind', shrink: 0 },
    { header: 'Location', shrink: 2 },
    { header: 'Callable', shrink: 3 },
    { header: 'Message', shrink: 1 },
  ];
  const rows = findings.map((f) =>
    [f.severity, f.kind, [...f.location, `@${f.offset}`].join(' > '), f.callable ?? '', f.message].map(
      scrubControl,
    ),
  );
  return [...lines, '', ...renderGrid(columns, rows, options)];
}

/**
 * The table report. The OS target is always shown; other targets only when they have findings
 * (or suppressed findings, or a failing model verdict), so a clean image prints a short summary.
 */
export function formatTable(report: ScanReport, options: TableOptions = {}): string {
  const sections: string[][] = [];
  for (const t of groupTargets(report)) {
    if (t.kind === 'packages') {
      if (t.class === 'os-pkgs' || t.findings.length > 0 || t.suppressed.length > 0) {
        sections.push(packageSection(t, options));
      }
    } else if (t.result.findings.length > 0 || t.result.verdict === 'fail') {
      sections.push(modelSection(t, options));
    }
  }
  if (sections.length === 0) return `${scrubControl(report.artifact.name)}: no vulnerabilities found\n`;
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}
