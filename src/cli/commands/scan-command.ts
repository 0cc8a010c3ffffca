/** What `bosun image`, `fs` and `sbom-scan` share once their target is chosen: scan, filter, render, exit code. */
import type { ReportArtifact } from '../../report/index.ts';
import type { ScanOptions, ScanResult } from '../../scan/index.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import type { ScanCliOptions } from './scan-flags.ts';
import { buildScanReport, renderScanReport, scanExitCode, writeOutput } from './scan-output.ts';
import { progressView } from './scan-progress.ts';

export function scanLibraryOptions(options: ScanCliOptions): Omit<ScanOptions, 'onProgress'> {
  return {
    scanners: options.scanners,
    db: {
      path: options.dbPath,
      ...(options.dbSource === undefined ? {} : { source: options.dbSource }),
      offline: options.offline,
      skipUpdate: options.skipDbUpdate,
    },
    includeOsOwned: options.includeOsOwned,
  };
}

export async function runScanCommand<R extends ScanResult>(
  io: CliIo,
  outcome: CommandOutcome,
  options: ScanCliOptions,
  toolVersion: string,
  scan: (common: ScanOptions) => Promise<R>,
  artifactOf: (result: R) => ReportArtifact,
): Promise<void> {
  const progress = progressView(io, options.quiet);
  let result: R;
  try {
    result = await scan({ ...scanLibraryOptions(options), onProgress: progress.onScan });
  } finally {
    progress.stop();
  }
  const now = new Date();
  const report = await buildScanReport(result, artifactOf(result), options, io, now);
  if (!options.quiet)
    for (const warning of report.warnings ?? []) io.stderr.write(`bosun: warning: ${warning}\n`);
  const text = renderScanReport(options.format, result, report, options, { io, now, toolVersion });
  await writeOutput(text, options.output, io);
  outcome.exitCode = scanExitCode(report, options.exitCode);
}
