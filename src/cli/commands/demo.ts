import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BosunError } from '../../util/errors.ts';
import { runDemo } from '../demo/run-demo.ts';
import { seconds } from '../demo/demo-render.ts';
import type { CliIo, CommandOutcome } from '../io.ts';

interface DemoFlags {
  dir?: string;
  timings?: boolean;
}

export function registerDemo(program: Command, io: CliIo, outcome: CommandOutcome): void {
  program
    .command('demo')
    .description('run the whole pipeline on example images, offline: scan, gate, sign, verify, admit, models')
    .option('--dir <dir>', 'keep the demo files (keys, DB, policies, manifests) in this empty directory')
    .option('--timings', 'print how long each step took (stderr)')
    .addHelpText(
      'after',
      `
Everything runs on this machine: example images are built in code and served by a loopback
registry (HTTPS on 127.0.0.1), the vulnerability DB is imported from the OSV records in
examples/osv, and the admission webhook runs the built-in policy library. No internet needed.
Exit codes: 0 every step behaved as expected, 1 one did not, 2 usage error.

Examples:
  bosun demo
  bosun demo --dir ./bosun-demo --timings`,
    )
    .action(async (flags: DemoFlags) => {
      let dir: string;
      let owned = false;
      if (flags.dir === undefined) {
        dir = await mkdtemp(join(tmpdir(), 'bosun-demo-'));
        owned = true;
      } else {
        dir = resolve(io.cwd, flags.dir);
        await mkdir(dir, { recursive: true });
        if ((await readdir(dir)).length > 0)
          throw new BosunError(
            'CLI_USAGE',
            `--dir ${flags.dir} is not empty; give a new or empty directory`,
            {
              details: { input: flags.dir },
            },
          );
      }
      const write = (line: string): void => void io.stdout.write(`${line}\n`);
      write(`Bosun ${program.version() ?? ''} demo: the supply-chain pipeline on example images, offline.`);
      write(`Work directory: ${dir}${owned ? ' (removed at the end; use --dir to keep it)' : ''}`);
      try {
        const result = await runDemo({ dir, write, toolVersion: program.version() ?? '0.0.0' });
        if (flags.timings === true) {
          io.stderr.write('step timings:\n');
          for (const t of result.timings) io.stderr.write(`  ${seconds(t.ms).padStart(7)}  ${t.step}\n`);
        }
        outcome.exitCode = result.checks.every((c) => c.ok) ? 0 : 1;
      } finally {
        if (owned) await rm(dir, { recursive: true, force: true });
      }
    });
}
