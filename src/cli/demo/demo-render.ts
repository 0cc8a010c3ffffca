/** Text helpers for the demo's output: short digests, aligned rows, severity counts, clipped messages. */
import type { SeverityCounts } from '../../report/index.ts';
import type { Finding } from '../../vulndb/index.ts';

export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, 'sha256:').slice(0, 19);
}

export function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function formatCounts(counts: SeverityCounts): string {
  const parts = (['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const)
    .filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`);
  return parts.length === 0 ? 'no vulnerabilities' : parts.join(', ');
}

/** One line per finding: severity, id, package, installed → fixed. */
export function findingLines(findings: readonly Finding[]): string[] {
  const rank = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, UNKNOWN: 4 } as const;
  return [...findings]
    .sort((a, b) => rank[a.severity] - rank[b.severity] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map(
      (f) =>
        `${pad(f.severity, 9)} ${pad(f.id, 20)} ${pad(`${f.package.name} ${f.installedVersion}`, 36)} → ${f.fixedVersions[0] ?? '(no fix)'}`,
    );
}

/**
 * One short line per failed rule of a webhook denial ("<object> denied by Bosun: policy P rule R
 * failed: ...; policy ..."): the policy name and the innermost reason.
 */
export function denialReasons(message: string, max = 4): string[] {
  const parts = message
    .replace(/^.*? denied by Bosun: /, '')
    .split(/; (?=policy )/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const lines = parts.map((part) => {
    const m = /^policy (\S+) rule \S+ (failed|could not be evaluated): ([\s\S]*)$/.exec(part);
    if (m === null) return clip(part, 150);
    const detail = (m[3] ?? '').replace(/ \[container "[^"]*" image "[^"]*"\]$/, '');
    const innermost = detail.split(': ').pop() ?? detail;
    return clip(`${m[1]}: ${m[2] === 'failed' ? innermost : `could not decide (${innermost})`}`, 150);
  });
  const shown = lines.slice(0, max);
  if (lines.length > max) shown.push(`… and ${lines.length - max} more`);
  return shown;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
