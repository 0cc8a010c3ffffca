// Runs the CLI from source in a child process (for long-running commands such as
// `bosun webhook serve`, which stops on SIGTERM). Node 22.18+/24 runs the .ts sources directly.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export function spawnBosun(args: readonly string[], options: { cwd?: string } = {}): ChildProcess {
  const script = `import { main } from ${JSON.stringify(MAIN)}; process.exitCode = await main(process.argv.slice(1));`;
  return spawn(process.execPath, ['--input-type=module', '-e', script, ...args], {
    cwd: options.cwd ?? process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves with the first stderr line that satisfies `match` (as parsed JSON), or rejects on exit. */
export function waitForLogLine(
  child: ChildProcess,
  match: (entry: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (match(entry)) {
            child.stderr?.off('data', onData);
            resolve(entry);
            return;
          }
        } catch {
          // not a JSON line
        }
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`bosun exited with ${code} before the expected log line: ${buffered}`)),
    );
  });
}
