/**
 * rpm's SQLite backend (`rpmdb.sqlite`, rpm ≥ 4.16: Fedora 33+, RHEL 9, UBI 9, Amazon Linux 2023):
 * table `Packages(hnum INTEGER PRIMARY KEY, blob BLOB)` holds one header blob per package.
 *
 * SQLite needs a file, so the bytes are written to a private temp directory we create (mode 0700)
 * and remove afterwards; it is opened read-only, with extensions off and the defensive flag on
 * where Node offers it. SQLite is built to read corrupt files safely; its errors become
 * `INVENTORY_PARSE`. rpm keeps the file in WAL mode; the copy is switched to rollback-journal mode
 * (header bytes 18-19) so SQLite does not look for `-wal`/`-shm` files we do not have. A `-wal`
 * file left in the image with uncheckpointed transactions is not read (rpm checkpoints on close).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BosunError, limitError } from '../../../util/errors.ts';

const SQLITE_MAGIC = 'SQLite format 3\0';

export async function readRpmSqliteBlobs(
  bytes: Uint8Array,
  input: string,
  options: { readonly maxPackages: number; readonly signal?: AbortSignal },
): Promise<Uint8Array[]> {
  if (bytes.byteLength < 100 || new TextDecoder('latin1').decode(bytes.subarray(0, 16)) !== SQLITE_MAGIC) {
    throw new BosunError('INVENTORY_PARSE', `${input}: not an SQLite database`, { details: { input } });
  }
  const copy = bytes.slice();
  if (copy[18] === 2) copy[18] = 1; // WAL → legacy journal (read and write versions)
  if (copy[19] === 2) copy[19] = 1;
  const { DatabaseSync } = await import('node:sqlite');
  const dir = await mkdtemp(join(tmpdir(), 'bosun-rpmdb-'));
  try {
    const file = join(dir, 'rpmdb.sqlite');
    await writeFile(file, copy, { mode: 0o600 });
    let db: InstanceType<typeof DatabaseSync> | undefined;
    try {
      db = new DatabaseSync(file, { readOnly: true, allowExtension: false });
      if (typeof db.enableDefensive === 'function') db.enableDefensive(true);
      const blobs: Uint8Array[] = [];
      for (const row of db.prepare('SELECT blob FROM Packages ORDER BY hnum').iterate()) {
        options.signal?.throwIfAborted();
        if (blobs.length >= options.maxPackages) {
          throw limitError('INVENTORY_LIMIT', input, 'packages', blobs.length + 1, options.maxPackages);
        }
        const blob = (row as { blob?: unknown }).blob;
        if (!(blob instanceof Uint8Array))
          throw new BosunError('INVENTORY_PARSE', `${input}: Packages.blob is not a blob`, {
            details: { input },
          });
        blobs.push(blob);
      }
      return blobs;
    } catch (error) {
      if (error instanceof BosunError || options.signal?.aborted === true) throw error;
      throw new BosunError('INVENTORY_PARSE', `${input}: unreadable rpm SQLite database`, {
        cause: error,
        details: { input },
      });
    } finally {
      db?.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
