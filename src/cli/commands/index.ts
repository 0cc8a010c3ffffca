import type { Command } from 'commander';
import type { CliIo, CommandOutcome } from '../io.ts';

/** Explicit list of commands; each module adds one verb (or one verb group). */
export function registerCommands(program: Command, io: CliIo, outcome: CommandOutcome): void {
  void program;
  void io;
  void outcome;
}
