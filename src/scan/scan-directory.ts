import { join } from 'node:path';
import { inventoryDirectory, type InventoryOptions } from '../inventory/index.ts';
import { scanModelFile } from '../models/index.ts';
import { runScan, type ModelScanStep } from './run-scan.ts';
import type { ScanIssue, ScanOptions, ScanResult } from './types.ts';

export interface ScanDirectoryOptions extends ScanOptions {
  readonly inventory?: Omit<InventoryOptions, 'signal' | 'onProgress'>;
}

/**
 * Scans a directory (a root filesystem or a source tree): lockfiles count as much as installed
 * metadata. Errors: IMAGE_NOT_FOUND (not a directory), VULNDB_MISSING/VULNDB_STALE, LAYER_LIMIT, ABORTED.
 */
export async function scanDirectory(dir: string, options: ScanDirectoryOptions): Promise<ScanResult> {
  const { signal } = options;
  const models: ModelScanStep = async (files, onFile) => {
    const results = [];
    const issues: ScanIssue[] = [];
    for (const [index, file] of files.entries()) {
      onFile(index, file);
      try {
        const result = await scanModelFile(join(dir, file.path), {
          ...options.models,
          ...(signal === undefined ? {} : { signal }),
        });
        results.push({
          ...result,
          file: file.path,
          findings: result.findings.map((f) => ({ ...f, file: file.path })),
        });
      } catch (error) {
        if (signal?.aborted === true) throw error;
        const code =
          typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'MODEL_READ';
        issues.push({
          source: 'models',
          path: file.path,
          code,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return { results, issues };
  };
  return runScan(options, {
    inventory: () =>
      inventoryDirectory(dir, {
        ...options.inventory,
        ...(signal === undefined ? {} : { signal }),
        onProgress: (event) => options.onProgress?.({ kind: 'inventory', event }),
      }),
    models,
  });
}
