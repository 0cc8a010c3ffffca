import { resolve } from 'node:path';
import type { Command } from 'commander';
import { scanDirectory } from '../../scan/index.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { addScanOptions, parseScanFlags, type ScanFlags } from './scan-flags.ts';
import { runScanCommand } from './scan-command.ts';

export function registerFs(program: Command, io: CliIo, outcome: CommandOutcome): void {
  addScanOptions(
    program
      .command('fs')
      .description('scan a directory (source tree or root filesystem): lockfiles and installed packages')
      .argument('<dir>', 'directory to scan'),
  )
    .addHelpText(
      'after',
      `
Examples:
  bosun fs .
  bosun fs ./rootfs --severity HIGH,CRITICAL --ignore-unfixed --format json -o report.json`,
    )
    .action(async (dir: string, flags: ScanFlags) => {
      const options = parseScanFlags(flags, io.env, io.cwd);
      await runScanCommand(
        io,
        outcome,
        options,
        program.version() ?? '0.0.0',
        (common) => scanDirectory(resolve(io.cwd, dir), common),
        () => ({ name: dir, type: 'filesystem' }),
      );
    });
}
