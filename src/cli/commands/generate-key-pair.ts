import { lstat, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { generateKeyPair, writeKeyPair } from '../../sign/index.ts';
import { BosunError } from '../../util/errors.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { readKeyPassword } from './sign-common.ts';

interface GenerateKeyPairFlags {
  outputKeyPrefix: string;
}

export function registerGenerateKeyPair(program: Command, io: CliIo, _outcome: CommandOutcome): void {
  program
    .command('generate-key-pair')
    .description('create a cosign-compatible key pair: <prefix>.key (encrypted, 0600) and <prefix>.pub')
    .option(
      '--output-key-prefix <prefix>',
      'file name prefix of the key pair (may include a directory)',
      'cosign',
    )
    .addHelpText(
      'after',
      `
The private key is an ECDSA P-256 key encrypted with a password (scrypt + secretbox), in the
format cosign writes and reads. The password comes from BOSUN_PASSWORD or COSIGN_PASSWORD (an
empty value is allowed, as in cosign); otherwise it is asked on the terminal (twice), or read as
one line from piped stdin. Existing files are never overwritten.

Examples:
  bosun generate-key-pair
  COSIGN_PASSWORD=... bosun generate-key-pair --output-key-prefix keys/release`,
    )
    .action(async (flags: GenerateKeyPairFlags) => {
      const prefix = flags.outputKeyPrefix;
      if (prefix === '' || prefix.endsWith('/')) {
        throw new BosunError('CLI_USAGE', `--output-key-prefix must name a file, got "${prefix}"`);
      }
      const full = resolve(io.cwd, prefix);
      const dir = dirname(full);
      // Checked before asking for a password; writeKeyPair still creates each file exclusively.
      if (!(await isDirectory(dir))) throw new BosunError('CLI_USAGE', `${dir}: no such directory`);
      for (const suffix of ['.key', '.pub']) {
        if (await exists(full + suffix)) {
          throw new BosunError(
            'SIGN_KEY_EXISTS',
            `${prefix}${suffix}: already exists, not overwriting a key`,
            {
              details: { input: prefix + suffix },
            },
          );
        }
      }
      const password = await readKeyPassword(io, { confirm: true });
      const pair = await generateKeyPair(password);
      await writeKeyPair(dir, pair, basename(full));
      io.stderr.write(`Private key written to ${prefix}.key\nPublic key written to ${prefix}.pub\n`);
    });
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** lstat: a dangling symlink in the way counts as existing (it is never followed). */
async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
