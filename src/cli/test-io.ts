import { Readable } from 'node:stream';
import type { CliIo } from './io.ts';

/** An in-memory CliIo for tests: captures stdout/stderr, feeds stdin. */
export function memoryIo(
  options: { stdin?: string; env?: Record<string, string>; cwd?: string } = {},
): CliIo & {
  out(): string;
  err(): string;
} {
  let out = '';
  let err = '';
  return {
    stdout: { write: (chunk: string) => (out += chunk) },
    stderr: { write: (chunk: string) => (err += chunk), isTTY: false },
    stdin: Readable.from([options.stdin ?? '']),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    out: () => out,
    err: () => err,
  };
}
