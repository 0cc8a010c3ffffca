import { chmod, open } from 'node:fs/promises';
import { join } from 'node:path';
import { BosunError } from '../../util/errors.ts';
import type { KeyPairPem } from './types.ts';

export interface WrittenKeyPair {
  readonly privatePath: string;
  readonly publicPath: string;
}

/**
 * Writes `cosign.key` (mode 0600, created exclusively so an existing key is never overwritten or
 * followed through a symlink) and `cosign.pub` (0644) into `dir`, as cosign does.
 */
export async function writeKeyPair(
  dir: string,
  pair: KeyPairPem,
  prefix = 'cosign',
): Promise<WrittenKeyPair> {
  const privatePath = join(dir, `${prefix}.key`);
  const publicPath = join(dir, `${prefix}.pub`);
  await writeExclusive(privatePath, pair.privatePem, 0o600);
  await writeExclusive(publicPath, pair.publicPem, 0o644);
  return { privatePath, publicPath };
}

async function writeExclusive(path: string, text: string, mode: number): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'wx', mode);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BosunError('SIGN_KEY_EXISTS', `${path}: already exists, not overwriting a key`, {
        cause,
        details: { input: path },
      });
    }
    throw cause;
  }
  try {
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
  // The umask may have narrowed or (for 0644) left the mode; make it exact.
  await chmod(path, mode);
}
