/**
 * What the signing commands share: key passwords (cosign's `COSIGN_PASSWORD` or a prompt), key
 * files, `-a key=value` claims, `--format`, and registry clients for the image and the signature
 * repository built from the common registry flags.
 */
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { createRegistryClient, parseReference, type RegistryClient } from '../../image/index.ts';
import {
  decodePem,
  ENCRYPTED_KEY_LABELS,
  loadPrivateKey,
  loadPublicKey,
  type PrivateKey,
  type PublicKey,
  type SignatureFormat,
} from '../../sign/index.ts';
import { BosunError } from '../../util/errors.ts';
import type { CliIo } from '../io.ts';
import { imageOpenOptions, type ImageFlags } from '../image-options.ts';

/** Environment variables holding the key password, in the order they are read. */
export const PASSWORD_ENV = ['BOSUN_PASSWORD', 'COSIGN_PASSWORD'] as const;

/** Key files are a few hundred bytes; anything this big is not a key. */
const MAX_KEY_FILE_BYTES = 64 * 1024;
const MAX_PASSWORD_BYTES = 4096;

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The password from the environment; an empty value counts (cosign allows empty passwords). */
export function passwordFromEnv(io: CliIo): string | undefined {
  for (const name of PASSWORD_ENV) {
    const value = io.env[name];
    if (value !== undefined) return value;
  }
  return undefined;
}

export interface PasswordOptions {
  /** Ask twice on a terminal (generate-key-pair). */
  readonly confirm?: boolean;
  /** stdin already carries the registry password (`--password-stdin`): it cannot carry this one. */
  readonly stdinTaken?: boolean;
}

/**
 * The key password: `BOSUN_PASSWORD`/`COSIGN_PASSWORD`, else a prompt on stderr answered on a
 * terminal without echo, else the first line of piped stdin (as cosign reads piped passwords).
 */
export async function readKeyPassword(io: CliIo, options: PasswordOptions = {}): Promise<string> {
  const fromEnv = passwordFromEnv(io);
  if (fromEnv !== undefined) return fromEnv;
  if (options.stdinTaken === true) {
    throw new BosunError(
      'CLI_USAGE',
      'stdin carries the registry password (--password-stdin): give the key password in COSIGN_PASSWORD',
    );
  }
  const prompt = 'Enter password for private key: ';
  if ((io.stdin as { isTTY?: boolean }).isTTY === true) {
    const first = await promptHidden(io, prompt);
    if (options.confirm === true) {
      const again = await promptHidden(io, 'Enter password for private key again: ');
      if (again !== first) throw new BosunError('CLI_USAGE', 'passwords do not match');
    }
    return first;
  }
  io.stderr.write(prompt);
  const line = await readLine(io);
  io.stderr.write('\n');
  return line;
}

/** Reads one line of stdin (without its line ending), bounded. */
async function readLine(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of io.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    const newline = buffer.indexOf(0x0a);
    chunks.push(newline < 0 ? buffer : buffer.subarray(0, newline));
    total += buffer.length;
    if (newline >= 0) break;
    if (total > MAX_PASSWORD_BYTES) {
      throw new BosunError('CLI_USAGE', `password on stdin longer than ${MAX_PASSWORD_BYTES} bytes`);
    }
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\r$/, '');
}

/** A terminal prompt whose answer is not echoed. */
async function promptHidden(io: CliIo, prompt: string): Promise<string> {
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  // The interface puts the terminal in raw mode (no echo) before the prompt invites typing.
  const rl = createInterface({ input: io.stdin, output: silent, terminal: true });
  io.stderr.write(prompt);
  try {
    return await new Promise<string>((done) => rl.question('', done));
  } finally {
    rl.close();
    io.stderr.write('\n');
  }
}

/** Reads a small file named on the command line; a missing file is a usage error naming the flag. */
export async function readSmallFile(io: CliIo, path: string, flag: string, max: number): Promise<Buffer> {
  const full = resolve(io.cwd, path);
  let handle;
  try {
    handle = await open(full, 'r');
  } catch (cause) {
    throw new BosunError(
      'CLI_USAGE',
      `${flag} ${path}: cannot open (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        cause,
        details: { input: path },
      },
    );
  }
  try {
    const info = await handle.stat();
    if (!info.isFile())
      throw new BosunError('CLI_USAGE', `${flag} ${path}: not a file`, { details: { input: path } });
    if (info.size > max) {
      throw new BosunError('LIMIT_EXCEEDED', `${flag} ${path}: larger than ${max} bytes`, {
        details: { input: path, limit: 'bytes', value: info.size, max },
      });
    }
    const buffer = Buffer.alloc(info.size);
    const { bytesRead } = await handle.read(buffer, 0, info.size, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Loads `--key` for signing, asking for the password only when the key is encrypted. */
export async function loadSigningKey(
  io: CliIo,
  path: string,
  options: { stdinTaken?: boolean } = {},
): Promise<PrivateKey> {
  const pem = await readSmallFile(io, path, '--key', MAX_KEY_FILE_BYTES);
  const label = decodePem(pem, path).label;
  const encrypted = (ENCRYPTED_KEY_LABELS as readonly string[]).includes(label);
  const password = encrypted ? await readKeyPassword(io, options) : undefined;
  return loadPrivateKey(pem, password, { input: path });
}

/** Loads every `--key` for verification. */
export async function loadVerifyKeys(io: CliIo, paths: readonly string[]): Promise<PublicKey[]> {
  if (paths.length === 0) throw new BosunError('CLI_USAGE', 'at least one --key is required');
  const keys: PublicKey[] = [];
  for (const path of paths) {
    keys.push(loadPublicKey(await readSmallFile(io, path, '--key', MAX_KEY_FILE_BYTES), { input: path }));
  }
  return keys;
}

/** cosign's `-a key=value` (repeatable); the value may contain `=`. */
export function parseAnnotations(pairs: readonly string[]): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new BosunError('CLI_USAGE', `-a expects key=value, got "${pair.slice(0, 200)}"`);
    const key = pair.slice(0, at);
    if (Object.hasOwn(out, key)) throw new BosunError('CLI_USAGE', `-a ${key} given twice`);
    out[key] = pair.slice(at + 1);
  }
  return out;
}

export function parseSignatureFormat(value: string): SignatureFormat {
  if (value === 'legacy' || value === 'bundle') return value;
  throw new BosunError('CLI_USAGE', `unknown --format "${value.slice(0, 100)}"; use legacy or bundle`);
}

export function parsePositiveInteger(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new BosunError('CLI_USAGE', `${flag} must be a positive integer, got "${value.slice(0, 100)}"`);
  }
  return n;
}

export interface SigningClients {
  readonly client: RegistryClient;
  /** `--signature-repo` (or `COSIGN_REPOSITORY`), when signatures live elsewhere. */
  readonly signatureRepo?: string;
  /** Only when the signature repository is on another registry. */
  readonly signatureClient?: RegistryClient;
  close(): Promise<void>;
}

export interface SignatureRepoFlags extends ImageFlags {
  signatureRepo?: string;
}

/**
 * Registry clients for `image` and its signature storage, from the shared registry flags.
 * Signing addresses whole images (an index is signed as such), so `--platform` has no meaning here.
 */
export async function openSigningClients(
  flags: SignatureRepoFlags,
  io: CliIo,
  image: string,
): Promise<SigningClients> {
  if (flags.platform !== undefined) {
    throw new BosunError(
      'CLI_USAGE',
      '--platform does not apply: signatures are for the digest given (an index signs as a whole)',
    );
  }
  const reference = parseReference(image);
  const { registry } = await imageOpenOptions(flags, io, image);
  const signatureRepo = flags.signatureRepo ?? nonEmpty(io.env['COSIGN_REPOSITORY']);
  const client = createRegistryClient({ ...registry, registry: reference.registry });
  let signatureClient: RegistryClient | undefined;
  if (signatureRepo !== undefined) {
    const repo = parseReference(signatureRepo);
    if (repo.digest !== undefined || !repo.tagImplied) {
      throw new BosunError(
        'CLI_USAGE',
        `--signature-repo names a repository, without tag or digest: ${signatureRepo}`,
      );
    }
    const target = repo.registry;
    if (target !== reference.registry) {
      signatureClient = createRegistryClient({ ...registry, registry: target });
    }
  }
  return {
    client,
    ...(signatureRepo === undefined ? {} : { signatureRepo }),
    ...(signatureClient === undefined ? {} : { signatureClient }),
    close: async () => {
      await Promise.all([client.close(), signatureClient?.close()]);
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
