/**
 * The SARIF SDK's validator (`Sarif.Multitool validate`) from @microsoft/sarif-multitool-linux,
 * run with the GitHub ingestion rules (GH*) and the SARIF rules. Returns the rule ids and levels
 * of what it reports.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageDir } from './schemas.ts';

export interface MultitoolFinding {
  readonly ruleId: string;
  readonly level: string;
  readonly message: string;
}

function binary(): string {
  const path = join(packageDir('@microsoft/sarif-multitool-linux'), 'Sarif.Multitool');
  // npm installs run with --ignore-scripts, which skips the package's own `chmod u+x` postinstall.
  if ((statSync(path).mode & 0o100) === 0) chmodSync(path, 0o755);
  return path;
}

export function validateSarif(log: unknown): MultitoolFinding[] {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-sarif-'));
  try {
    const input = join(dir, 'input.sarif');
    const output = join(dir, 'validation.sarif');
    writeFileSync(input, JSON.stringify(log, null, 2));
    execFileSync(
      binary(),
      ['validate', input, '--rule-kind', 'Gh;Sarif', '-o', output, '--log', 'ForceOverwrite'],
      {
        stdio: 'pipe',
        timeout: 120_000,
        env: { PATH: process.env.PATH ?? '', HOME: dir, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
      },
    );
    const result = JSON.parse(readFileSync(output, 'utf8')) as {
      runs: {
        results?: { ruleId: string; level?: string; message: { text?: string; arguments?: string[] } }[];
      }[];
    };
    return (result.runs[0]?.results ?? []).map((r) => ({
      ruleId: r.ruleId,
      level: r.level ?? 'warning',
      message: r.message.text ?? (r.message.arguments ?? []).join(' '),
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
