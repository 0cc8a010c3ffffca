// Reads policy files from files and directories, as mounted from a ConfigMap: a directory holds
// `name.yaml -> ..data/name.yaml` symlinks and a `..data -> ..<timestamp>` symlink that the
// kubelet swaps atomically. Dot entries are skipped (they are the kubelet's), symlinks followed.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { limitError } from '../../util/errors.ts';
import type { PolicySource } from '../../policy/index.ts';

const EXTENSIONS = /\.(?:ya?ml|json)$/iu;

export interface PolicyFilesLimits {
  /** Most files read (default 1,000). */
  readonly maxFiles?: number;
  /** Most bytes over all files (default 32 MiB). */
  readonly maxBytes?: number;
}

export interface PolicyFiles {
  readonly sources: readonly PolicySource[];
  /** SHA-256 over names and contents: unchanged sets are not reloaded. */
  readonly fingerprint: string;
}

/** Reads every policy file under `paths` (files taken as given, directories one level deep, sorted). */
export async function readPolicyFiles(
  paths: readonly string[],
  limits: PolicyFilesLimits = {},
): Promise<PolicyFiles> {
  const maxFiles = limits.maxFiles ?? 1000;
  const maxBytes = limits.maxBytes ?? 32 * 1024 * 1024;
  const files: string[] = [];
  for (const p of paths) {
    const info = await stat(p);
    if (info.isDirectory()) {
      const names = (await readdir(p)).filter((n) => !n.startsWith('.') && EXTENSIONS.test(n)).sort();
      for (const n of names) {
        const full = join(p, n);
        if ((await stat(full)).isFile()) files.push(full);
      }
    } else files.push(p);
    if (files.length > maxFiles)
      throw limitError('LIMIT_EXCEEDED', 'policy files', 'files', files.length, maxFiles);
  }
  const hash = createHash('sha256');
  const sources: PolicySource[] = [];
  let total = 0;
  for (const f of files) {
    const text = await readFile(f, 'utf8');
    total += Buffer.byteLength(text);
    if (total > maxBytes) throw limitError('LIMIT_EXCEEDED', 'policy files', 'bytes', total, maxBytes);
    hash.update(f).update('\0').update(text).update('\0');
    sources.push({ name: f, text });
  }
  return { sources, fingerprint: hash.digest('hex') };
}
