// The real `openssl` binary for interop tests: generate keys, sign and verify files in a temp dir.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface OpensslResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs openssl in `cwd`; a non-zero exit is returned, not thrown (verification failure is a result). */
export async function openssl(args: readonly string[], cwd: string): Promise<OpensslResult> {
  try {
    const { stdout, stderr } = await run('openssl', [...args], { cwd, encoding: 'utf8' });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Like {@link openssl} but throws on a non-zero exit, with openssl's stderr. */
export async function opensslOk(args: readonly string[], cwd: string): Promise<string> {
  const result = await openssl(args, cwd);
  if (result.code !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** A fresh temp dir, removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `bosun-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** `openssl genpkey` arguments for each key kind the sign tests use. */
export const GENPKEY_ARGS = {
  'ecdsa-p256': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  'ecdsa-p384': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  ed25519: ['-algorithm', 'ED25519'],
  rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
} as const;
export type GenpkeyKind = keyof typeof GENPKEY_ARGS;
