import { Command, CommanderError } from 'commander';
import { BosunError, exitCodeFor } from '../util/errors.ts';
import type { CliIo, CommandOutcome } from './io.ts';
import { registerCommands } from './commands/index.ts';

export const VERSION = '0.1.0';

/**
 * Runs the CLI with the given arguments and I/O and returns the process exit code.
 * Nothing here exits the process: `bin/bosun.js` does, so tests can call `run` directly.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const outcome: CommandOutcome = { exitCode: 0 };
  const program = new Command('bosun')
    .description(
      'Secure the container supply chain: inventory, vulnerabilities, signatures, policies, model safety.',
    )
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  registerCommands(program, io, outcome);
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return outcome.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; usage mistakes are 2 (commander already printed them).
      return error.exitCode === 0 ? 0 : 2;
    }
    io.stderr.write(`bosun: ${describeError(error)}\n`);
    return exitCodeFor(error);
  }
}

function describeError(error: unknown): string {
  if (error instanceof BosunError) return `${error.message} [${error.code}]`;
  if (error instanceof Error) return `internal error: ${error.message}`;
  return `internal error: ${String(error)}`;
}

/** Entry point for bin/bosun.js. */
export async function main(argv: readonly string[]): Promise<number> {
  return run(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  });
}
