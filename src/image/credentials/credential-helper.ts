import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { BosunError } from '../../util/errors.ts';
import type { RegistryCredential } from '../credential-types.ts';
import { credentialsInvalid, isPlainObject } from './decode.ts';

/** Default time a credential helper may take (keychains may prompt; cloud helpers call an API). */
export const DEFAULT_HELPER_TIMEOUT_MS = 30_000;
/** Most bytes read from a helper's stdout or stderr. */
export const MAX_HELPER_OUTPUT_BYTES = 64 * 1024;

/** Asks a docker credential helper (`ecr-login`, `desktop`, ...) for `serverUrl`; undefined = not found. */
export type CredentialHelperRunner = (
  helper: string,
  serverUrl: string,
  signal?: AbortSignal,
) => Promise<RegistryCredential | undefined>;

export interface CredentialHelperOptions {
  /**
   * Directories searched for `docker-credential-<name>` (the CLI passes `PATH` split, tests a temp
   * dir). When omitted the bare program name is spawned and the OS resolves it with the PATH of
   * this process.
   */
  readonly searchPath?: readonly string[];
  /** Environment for the helper; default: inherited. Helpers such as ecr-login read their own variables. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
  readonly maxOutputBytes?: number;
}

// The docker-credential-helpers protocol's "not found" message (credentials.errCredentialsNotFound).
const NOT_FOUND = /credentials not found/i;
// A program-name suffix only: a config file must not be able to name a path to run.
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// Username the protocol uses to mark the secret as an identity token.
const TOKEN_USERNAME = '<token>';

export function isValidHelperName(name: string): boolean {
  return HELPER_NAME.test(name);
}

/**
 * A runner that executes `docker-credential-<helper> get`, writes the server URL on stdin and reads
 * `{"Username","Secret"}` from stdout, per the docker-credential-helpers protocol. A non-zero exit
 * whose output says "credentials not found" means anonymous; any other failure, a timeout or
 * unreadable output is CREDENTIALS_HELPER_FAILED. Helper output is never put in errors when it
 * could hold the secret.
 */
export function createCredentialHelperRunner(options: CredentialHelperOptions = {}): CredentialHelperRunner {
  return async (helper, serverUrl, signal) => {
    if (!isValidHelperName(helper)) {
      throw credentialsInvalid(
        'credential helper',
        `${JSON.stringify(helper.slice(0, 64))} is not a helper name`,
      );
    }
    const program = `docker-credential-${helper}`;
    const file =
      options.searchPath === undefined ? program : await findExecutable(program, options.searchPath);
    const result = await runHelperProcess(file, program, serverUrl, options, signal);
    if (result.code !== 0) {
      const message = firstLine(result.stdout) || firstLine(result.stderr);
      if (NOT_FOUND.test(result.stdout) || NOT_FOUND.test(result.stderr)) return undefined;
      throw helperFailed(program, `exited with ${result.code}${message === '' ? '' : `: ${message}`}`);
    }
    return parseHelperOutput(result.stdout, program);
  };
}

/** Parses a helper's `get` output. Exported for tests; the message never quotes the output. */
export function parseHelperOutput(stdout: string, program: string): RegistryCredential | undefined {
  let value: unknown;
  try {
    value = JSON.parse(stdout) as unknown;
  } catch {
    throw helperFailed(program, 'returned output that is not JSON');
  }
  if (!isPlainObject(value)) throw helperFailed(program, 'returned JSON that is not an object');
  const username = value['Username'] ?? '';
  const secret = value['Secret'] ?? '';
  if (typeof username !== 'string' || typeof secret !== 'string') {
    throw helperFailed(program, 'returned a non-string Username or Secret');
  }
  if (username === '' && secret === '') return undefined;
  // docker/cli credentials/native_store.go: username "<token>" marks an identity token.
  if (username === TOKEN_USERNAME) return { kind: 'identity-token', username: '', token: secret };
  return { kind: 'basic', username, password: secret };
}

function helperFailed(program: string, what: string, cause?: unknown): BosunError {
  return new BosunError('CREDENTIALS_HELPER_FAILED', `credential helper ${program} ${what}`, {
    cause,
    details: { input: program },
  });
}

async function findExecutable(program: string, searchPath: readonly string[]): Promise<string> {
  const names = process.platform === 'win32' ? [`${program}.exe`, `${program}.cmd`, program] : [program];
  for (const dir of searchPath) {
    if (dir === '') continue;
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        await access(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  throw helperFailed(program, `not found in the helper search path (${searchPath.length} directories)`);
}

interface HelperResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runHelperProcess(
  file: string,
  program: string,
  serverUrl: string,
  options: CredentialHelperOptions,
  signal: AbortSignal | undefined,
): Promise<HelperResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS;
  const maxOutput = options.maxOutputBytes ?? MAX_HELPER_OUTPUT_BYTES;
  if (signal?.aborted === true) {
    return Promise.reject(
      new BosunError('ABORTED', `credential helper ${program}: aborted`, { cause: signal.reason }),
    );
  }
  return new Promise<HelperResult>((resolve, reject) => {
    // Own process group (POSIX) so a timeout also kills whatever the helper started.
    const detached = process.platform !== 'win32';
    const child = spawn(file, ['get'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env === undefined ? undefined : { ...options.env },
      detached,
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let outputBytes = 0;
    let settled = false;

    const kill = (): void => {
      try {
        if (detached && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    };
    const finish = (error: BosunError | undefined, result?: HelperResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) {
        kill();
        reject(error);
      } else if (result !== undefined) {
        resolve(result);
      }
    };
    const onAbort = (): void => {
      finish(new BosunError('ABORTED', `credential helper ${program}: aborted`, { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      finish(helperFailed(program, `timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });

    const collect = (sink: Buffer[]) => (chunk: Buffer) => {
      outputBytes += chunk.length;
      if (outputBytes > maxOutput) {
        finish(helperFailed(program, `wrote more than ${maxOutput} bytes`));
        return;
      }
      sink.push(chunk);
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish(helperFailed(program, `could not be started (${error.code ?? 'error'})`, error));
    });
    child.on('close', (code, killedBy) => {
      finish(undefined, {
        code: code ?? (killedBy === null ? -1 : 128),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
    // The helper may exit without reading stdin (EPIPE): its exit status tells what happened.
    child.stdin.on('error', () => undefined);
    child.stdin.end(serverUrl);
  });
}

/** The first line of a helper's error output, bounded, control characters removed; JSON is withheld. */
function firstLine(text: string): string {
  const line = (text.trim().split(/\r?\n/, 1)[0] ?? '').replace(/[\p{Cc}\p{Cf}]/gu, '');
  if (line.startsWith('{') || line.startsWith('[')) return '(output withheld)';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
