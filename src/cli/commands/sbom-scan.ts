import { resolve } from 'node:path';
import type { Command } from 'commander';
import { scanSbom } from '../../scan/index.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { addScanOptions, parseScanFlags, type ScanFlags } from './scan-flags.ts';
import { runScanCommand } from './scan-command.ts';

const FORMATS = ['table', 'json', 'sarif', 'cyclonedx', 'html', 'cosign-vuln'] as const;

export function registerSbomScan(program: Command, io: CliIo, outcome: CommandOutcome): void {
  addScanOptions(
    program
      .command('sbom-scan')
      .description("match a CycloneDX or SPDX JSON SBOM's packages (by purl) against the vulnerability DB")
      .argument('<sbom>', 'CycloneDX or SPDX JSON file'),
    FORMATS,
    'vuln',
  )
    .addHelpText(
      'after',
      `
Examples:
  bosun sbom-scan bom.cdx.json
  bosun sbom-scan app.spdx.json --format sarif -o app.sarif`,
    )
    .action(async (file: string, flags: ScanFlags) => {
      const options = parseScanFlags(flags, io.env, io.cwd, FORMATS);
      await runScanCommand(
        io,
        outcome,
        { ...options, scanners: ['vuln'] },
        program.version() ?? '0.0.0',
        (common) => scanSbom(resolve(io.cwd, file), common),
        (result) => ({ name: result.sbom.subject?.name ?? file, type: 'filesystem' }),
      );
    });
}
