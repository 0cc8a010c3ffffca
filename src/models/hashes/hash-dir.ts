// Streaming SHA-256 of every file under a model directory, several files at a time.
import { createHash } from 'node:crypto';
import { open, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { formatManifest, parseManifest, type ManifestEntry } from './manifest.ts';

export interface HashOptions {
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Relative paths to leave out (e.g. the manifest file itself). */
  readonly exclude?: readonly string[];
}

export interface ModelDirHashes {
  readonly entries: readonly (ManifestEntry & { readonly size: number })[];
  /** sha256sum-compatible text (`sha256sum -c` accepts it from inside the directory). */
  readonly manifest: string;
}

const CHUNK = 4 * 1024 * 1024;

export async function sha256File(
  path: string,
  signal?: AbortSignal,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  const buffer = Buffer.allocUnsafe(CHUNK);
  let size = 0;
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return { sha256: hash.digest('hex'), size };
}

export async function listRelativeFiles(dir: string, signal?: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string): Promise<void> => {
    signal?.throwIfAborted();
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  await walk(dir);
  return out.sort();
}

export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Hashes every regular file under `dir` (symlinks are not followed) into a sha256sum manifest. */
export async function hashModelDir(dir: string, options: HashOptions = {}): Promise<ModelDirHashes> {
  const exclude = new Set(options.exclude ?? []);
  const files = (await listRelativeFiles(dir, options.signal)).filter((f) => !exclude.has(f));
  const entries = await mapLimit(files, options.concurrency ?? 4, async (path) => ({
    path,
    ...(await sha256File(join(dir, path), options.signal)),
  }));
  return { entries, manifest: formatManifest(entries) };
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly matched: readonly string[];
  readonly missing: readonly string[];
  readonly extra: readonly string[];
  readonly changed: readonly string[];
}

/** Compares a directory against a manifest: missing, extra and changed files are results, not errors. */
export async function verifyModelDir(
  manifest: string,
  dir: string,
  options: HashOptions = {},
): Promise<VerifyResult> {
  const expected = parseManifest(manifest);
  const exclude = new Set(options.exclude ?? []);
  const present = new Set((await listRelativeFiles(dir, options.signal)).filter((f) => !exclude.has(f)));
  const missing = expected.filter((e) => !present.has(e.path)).map((e) => e.path);
  const listed = new Set(expected.map((e) => e.path));
  const extra = [...present].filter((p) => !listed.has(p)).sort();
  const checks = await mapLimit(
    expected.filter((e) => present.has(e.path)),
    options.concurrency ?? 4,
    async (e) => ({
      path: e.path,
      same: (await sha256File(join(dir, e.path), options.signal)).sha256 === e.sha256,
    }),
  );
  const changed = checks.filter((c) => !c.same).map((c) => c.path);
  const matched = checks.filter((c) => c.same).map((c) => c.path);
  return {
    ok: missing.length === 0 && extra.length === 0 && changed.length === 0,
    matched,
    missing,
    extra,
    changed,
  };
}
