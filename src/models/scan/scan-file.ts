// Public scanning entry points: one file, in-memory bytes, or every file under a directory.
import { readdir, lstat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { BosunError } from '../../util/errors.ts';
import { compileAllowList, type AllowList } from '../pickle/classify.ts';
import type { ModelFinding, ModelFormat, ModelScanOptions, ModelScanResult } from '../types.ts';
import { DEFAULT_LIMITS, ROOT, type ScanContext } from './context.ts';
import { createItemScanner } from './dispatch.ts';
import { bufferSource, fileSource, type ByteSource } from './source.ts';

const SEVERITY_RANK = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, INFO: 4 } as const;

function newContext(file: string, options: ModelScanOptions, allow: AllowList): ScanContext {
  return {
    file,
    allow,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    signal: options.signal,
    findings: [],
    formats: new Set<ModelFormat>(),
    decompressed: 0,
    bytesRead: 0,
    unknownFormats: options.unknownFormats ?? 'skip',
  };
}

function sortFindings(findings: readonly ModelFinding[]): ModelFinding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      a.location.join('/').localeCompare(b.location.join('/')) ||
      a.offset - b.offset ||
      a.kind.localeCompare(b.kind),
  );
}

async function scanSource(ctx: ScanContext, source: ByteSource): Promise<ModelScanResult> {
  const unknownFormats = ctx.unknownFormats;
  const scanItem = createItemScanner(ctx);
  let matched: boolean;
  try {
    matched = await scanItem(ROOT, source);
  } catch (error) {
    if (error instanceof BosunError || (error as { name?: string }).name === 'AbortError') throw error;
    // A scanner bug on hostile input must not pass the file: report it as unscannable.
    ctx.findings.push({
      file: ctx.file,
      location: [],
      format: [...ctx.formats][0] ?? 'pickle',
      offset: 0,
      kind: 'unscannable',
      severity: 'HIGH',
      verdict: 'unscannable',
      callChain: [],
      message: `scanner error: ${error instanceof Error ? error.message.slice(0, 200) : 'unknown'}`,
    });
    matched = true;
  }
  if (!matched && ctx.formats.size === 0 && unknownFormats === 'fail') {
    ctx.findings.push({
      file: ctx.file,
      location: [],
      format: 'pickle',
      offset: 0,
      kind: 'unscannable',
      severity: 'HIGH',
      verdict: 'unscannable',
      callChain: [],
      message: 'not a recognised model format',
    });
  }
  const findings = sortFindings(ctx.findings);
  const fail = findings.some((f) => f.severity === 'CRITICAL' || f.severity === 'HIGH');
  return {
    file: ctx.file,
    formats: [...ctx.formats].sort(),
    findings,
    verdict: fail ? 'fail' : 'pass',
    ...(matched || ctx.formats.size > 0
      ? ctx.unknownContent !== undefined && findings.length === 0
        ? { skipped: ctx.unknownContent }
        : {}
      : { skipped: 'not a recognised model format' }),
    bytesRead: ctx.bytesRead,
  };
}

/** Scans one model file by content (the name is never used to pick a format). */
export async function scanModelFile(path: string, options: ModelScanOptions = {}): Promise<ModelScanResult> {
  const ctx = newContext(path, options, compileAllowList(options.allow));
  const source = await fileSource(path, (n) => {
    ctx.bytesRead += n;
  });
  try {
    return await scanSource(ctx, source);
  } finally {
    await source.close();
  }
}

/** Scans model bytes held in memory; `name` only labels the findings. */
export async function scanModelBytes(
  bytes: Uint8Array,
  name: string,
  options: ModelScanOptions = {},
): Promise<ModelScanResult> {
  const ctx = newContext(name, options, compileAllowList(options.allow));
  ctx.bytesRead = bytes.length;
  return scanSource(ctx, bufferSource(bytes));
}

async function listFiles(root: string, signal?: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    signal?.throwIfAborted();
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  await walk(root);
  return out;
}

/** Scans a file, or every regular file under a directory (symlinks are not followed), in parallel. */
export async function scanModelPath(
  path: string,
  options: ModelScanOptions = {},
): Promise<ModelScanResult[]> {
  const info = await lstat(path);
  if (!info.isDirectory()) return [await scanModelFile(path, options)];
  const files = await listFiles(path, options.signal);
  const results: ModelScanResult[] = new Array<ModelScanResult>(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const result = await scanModelFile(files[i] as string, options);
      results[i] = {
        ...result,
        file: relative(path, result.file) || result.file,
        findings: result.findings.map((f) => ({ ...f, file: relative(path, f.file) })),
      };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return results;
}
