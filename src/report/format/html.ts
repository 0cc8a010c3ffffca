/**
 * One self-contained HTML file: inline CSS and JS, an inline SVG severity chart, sortable tables.
 * Nothing is fetched: a Content-Security-Policy allows only the page's own style and script
 * (pinned by hash), so even a missed escape could not load or run anything. Every piece of text
 * from the scan is HTML-escaped; links are kept only for http(s) URLs.
 */
import { createHash } from 'node:crypto';
import type { ModelFinding } from '../../models/index.ts';
import type { Severity } from '../../vulndb/index.ts';
import { SEVERITIES, countBySeverity, severityRank } from '../severity.ts';
import { groupTargets } from '../targets.ts';
import { knownOs } from '../artifact.ts';
import type { ReportOptions, ScanReport, Suppression } from '../types.ts';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const COLOURS: Readonly<Record<Severity | ModelFinding['severity'], string>> = {
  CRITICAL: '#b3001b',
  HIGH: '#e4572e',
  MEDIUM: '#f3a712',
  LOW: '#2e86ab',
  UNKNOWN: '#8d99ae',
  INFO: '#8d99ae',
};
const MODEL_RANK: Readonly<Record<ModelFinding['severity'], number>> = {
  CRITICAL: 4,
  HIGH: 3,
  MEDIUM: 2,
  LOW: 1,
  INFO: 0,
};

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
header{background:#1d3557;color:#fff;padding:16px 24px}header h1{margin:0 0 4px;font-size:20px}
header dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px;margin:8px 0 0;font-size:13px}
header dt{opacity:.75}header dd{margin:0;word-break:break-all}
main{padding:16px 24px}section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:12px 16px;margin:0 0 16px}
h2{font-size:16px;margin:0 0 8px}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}
th{cursor:pointer;user-select:none;white-space:nowrap;background:#f0f2f5}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
td.sev{font-weight:600}.sev-CRITICAL{color:#b3001b}.sev-HIGH{color:#c2410c}.sev-MEDIUM{color:#a16207}
.sev-LOW{color:#1d4ed8}.sev-UNKNOWN,.sev-INFO{color:#4b5563}.muted{color:#6b7280}code{font-size:12px}
`;

/** Sorts a table by the clicked header: numbers by data-value when present, text otherwise. */
const SCRIPT = `
(function(){
  document.querySelectorAll('table.sortable').forEach(function(table){
    var headers = table.querySelectorAll('thead th');
    headers.forEach(function(th, column){
      th.addEventListener('click', function(){
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        headers.forEach(function(h){ h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function(row){
          var cell = row.cells[column];
          var value = cell.getAttribute('data-value');
          return value === null ? cell.textContent : Number(value);
        };
        rows.sort(function(a, b){
          var x = key(a), y = key(b);
          var order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
          return ascending ? order : -order;
        });
        rows.forEach(function(row){ body.appendChild(row); });
      });
    });
  });
})();
`;

function hash(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

/** The text, linked to the first reference when that is an http(s) URL (never `javascript:` and the like). */
function linked(text: string, url: string | undefined): string {
  return url !== undefined && /^https?:\/\//i.test(url)
    ? `<a href="${escapeHtml(url)}" rel="noopener noreferrer" target="_blank">${escapeHtml(text)}</a>`
    : escapeHtml(text);
}

function severityChart(counts: Record<Severity, number>): string {
  const max = Math.max(1, ...SEVERITIES.map((s) => counts[s]));
  const rowHeight = 26;
  const barMax = 300;
  const rows = SEVERITIES.map((s, i) => {
    const y = i * rowHeight + 4;
    const width = Math.round((counts[s] / max) * barMax);
    return (
      `<text x="0" y="${y + 15}" font-size="12">${s}</text>` +
      `<rect class="bar" data-severity="${s}" x="90" y="${y}" width="${width}" height="18" fill="${COLOURS[s]}"></rect>` +
      `<text x="${96 + width}" y="${y + 15}" font-size="12">${counts[s]}</text>`
    );
  }).join('');
  const total = SEVERITIES.map((s) => `${s} ${counts[s]}`).join(', ');
  return (
    `<svg id="severity-chart" xmlns="http://www.w3.org/2000/svg" role="img" width="440" height="${SEVERITIES.length * rowHeight + 8}" ` +
    `aria-label="Vulnerabilities by severity: ${escapeHtml(total)}">${rows}</svg>`
  );
}

function table(id: string, headers: readonly string[], rows: readonly string[]): string {
  if (rows.length === 0) return `<p class="muted" id="${id}-empty">None.</p>`;
  return (
    `<table class="sortable" id="${id}"><thead><tr>${headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function sevCell(severity: string, rank: number): string {
  const s = escapeHtml(severity);
  return `<td class="sev sev-${s}" data-value="${rank}">${s}</td>`;
}

function suppressionText(s: Suppression): string {
  return s.kind === 'vex'
    ? `VEX ${s.status}${s.justification ? ` (${s.justification})` : ''} in ${s.source}${s.statement ? `: ${s.statement}` : ''}`
    : `ignored by ${s.source}${s.statement ? `: ${s.statement}` : ''}${s.expiresAt ? ` until ${s.expiresAt}` : ''}`;
}

/** The report as one HTML document. */
export function formatHtml(report: ScanReport, options: ReportOptions = {}): string {
  const targets = groupTargets(report);
  const vulnRows: string[] = [];
  const suppressedRows: string[] = [];
  const modelRows: string[] = [];
  for (const t of targets) {
    if (t.kind === 'packages') {
      for (const f of t.findings) {
        vulnRows.push(
          `<tr><td>${escapeHtml(t.target)}</td><td>${escapeHtml(f.package.name)}</td><td>${escapeHtml(f.installedVersion)}</td>` +
            `<td>${escapeHtml(f.fixedVersions.join(', '))}</td>` +
            `<td>${linked(f.id, f.references[0])}</td>` +
            `${sevCell(f.severity, severityRank(f.severity))}` +
            `<td data-value="${f.cvss?.score ?? -1}">${f.cvss === undefined ? '' : escapeHtml(f.cvss.score.toFixed(1))}</td>` +
            `<td>${escapeHtml(f.title ?? '')}</td></tr>`,
        );
      }
      for (const s of t.suppressed) {
        suppressedRows.push(
          `<tr><td>${escapeHtml(t.target)}</td><td>${escapeHtml(s.finding.package.name)}</td><td>${escapeHtml(s.finding.installedVersion)}</td>` +
            `<td>${escapeHtml(s.finding.id)}</td>${sevCell(s.finding.severity, severityRank(s.finding.severity))}` +
            `<td>${escapeHtml(suppressionText(s.suppression))}</td></tr>`,
        );
      }
    } else {
      for (const f of t.result.findings) {
        modelRows.push(
          `<tr><td>${escapeHtml(t.target)}</td>${sevCell(f.severity, MODEL_RANK[f.severity])}<td>${escapeHtml(f.kind)}</td>` +
            `<td>${escapeHtml([...f.location, `@${f.offset}`].join(' > '))}</td><td><code>${escapeHtml(f.callable ?? '')}</code></td>` +
            `<td>${escapeHtml(f.message)}</td></tr>`,
        );
      }
    }
  }
  const a = report.artifact;
  const os = knownOs(report.inventory.os);
  const facts: [string, string][] = [
    ['Artifact', a.name],
    ...(a.digest === undefined ? [] : ([['Digest', a.digest]] as [string, string][])),
    ...(os === undefined
      ? []
      : ([['OS', [os.prettyName ?? os.family, os.version].filter(Boolean).join(' ')]] as [string, string][])),
    ['Packages', String(report.inventory.packages.length)],
    ['Generated', (options.timestamp ?? new Date()).toISOString()],
    ...(options.toolVersion === undefined ? [] : ([['Bosun', options.toolVersion]] as [string, string][])),
  ];
  const issues = [...(report.issues ?? [])].map(
    (i) =>
      `<li><code>${escapeHtml(i.code)}</code> ${escapeHtml(i.source)}${i.path ? ` ${escapeHtml(i.path)}` : ''}: ${escapeHtml(i.message)}</li>`,
  );
  const warnings = (report.warnings ?? []).map((w) => `<li>${escapeHtml(w)}</li>`);
  const csp = `default-src 'none'; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;
  const references = [...new Set(report.findings.flatMap((f) => f.references))].length;

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Bosun report: ${escapeHtml(a.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>Bosun vulnerability report</h1><dl>${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl></header>
<main>
<section id="summary"><h2>Summary</h2>${severityChart(countBySeverity(report.findings))}
<p>${report.findings.length} vulnerabilities, ${report.suppressed?.length ?? 0} suppressed, ${(report.models ?? []).filter((m) => m.verdict === 'fail').length} model files failed, ${references} advisory links.</p></section>
<section><h2>Vulnerabilities</h2>${table('vulns', ['Target', 'Package', 'Installed', 'Fixed', 'ID', 'Severity', 'CVSS', 'Title'], vulnRows)}</section>
<section><h2>Model files</h2>${table('models', ['File', 'Severity', 'Kind', 'Location', 'Callable', 'Message'], modelRows)}</section>
<section><h2>Suppressed</h2>${table('suppressed', ['Target', 'Package', 'Installed', 'ID', 'Severity', 'Reason'], suppressedRows)}</section>
${issues.length + warnings.length > 0 ? `<section><h2>Issues and warnings</h2><ul>${[...warnings, ...issues].join('')}</ul></section>` : ''}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
