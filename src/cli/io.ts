import type { Readable } from 'node:stream';

/** Everything a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown; readonly isTTY?: boolean };
  readonly stdin: Readable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** Reads all of stdin (for --password-stdin), bounded. */
export async function readStdin(io: CliIo, max = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of io.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buffer.length;
    if (total > max) break;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Exit status of a command: what the action decided (0 ok, 1 threshold/policy met). */
export interface CommandOutcome {
  exitCode: number;
}
