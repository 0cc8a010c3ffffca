/**
 * The steps every scan shares once an inventory exists: open the DB once, match, check model
 * files, and assemble the result with timings. Callers supply how to get the inventory and how to
 * scan one model file (from a directory, or out of image layers).
 */
import { performance } from 'node:perf_hooks';
import type { Inventory, ModelFile } from '../inventory/index.ts';
import type { ModelScanResult } from '../models/index.ts';
import { BosunError } from '../util/errors.ts';
import { matchInventory, type Finding, type MatchIssue } from '../vulndb/index.ts';
import { ensureVulnDb, type OpenedDb } from './ensure-db.ts';
import type { ScanIssue, ScanOptions, ScanResult, ScannerKind } from './types.ts';

export type ModelScanStep = (
  files: readonly ModelFile[],
  onFile: (index: number, file: ModelFile) => void,
) => Promise<{ results: ModelScanResult[]; issues: ScanIssue[] }>;

export interface ScanSteps {
  readonly inventory: () => Promise<Inventory>;
  readonly models?: ModelScanStep;
}

export function scannersOf(options: ScanOptions): readonly ScannerKind[] {
  const scanners: ScannerKind[] = [...new Set<ScannerKind>(options.scanners ?? ['vuln'])];
  return scanners.sort();
}

/** Runs the DB step first (a missing DB fails before any image byte is read), then the inventory. */
export async function runScan(options: ScanOptions, steps: ScanSteps): Promise<ScanResult> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const started = performance.now();
  const scanners = scannersOf(options);
  const emit = options.onProgress;
  let opened: OpenedDb | undefined;
  let dbMs = 0;
  if (scanners.includes('vuln')) {
    if (options.db === undefined)
      throw new BosunError('INTERNAL', 'the vuln scanner needs vulnerability DB options');
    emit?.({ kind: 'phase', phase: 'db' });
    const t = performance.now();
    opened = await ensureVulnDb(options.db, {
      now: startedAt,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onUpdate: (event) => emit?.({ kind: 'db-update', event }),
    });
    dbMs = performance.now() - t;
  }
  try {
    emit?.({ kind: 'phase', phase: 'inventory' });
    const t0 = performance.now();
    const inventory = await steps.inventory();
    const inventoryMs = performance.now() - t0;

    const issues: ScanIssue[] = [];
    let findings: Finding[] = [];
    const t1 = performance.now();
    if (opened !== undefined) {
      emit?.({ kind: 'phase', phase: 'match' });
      findings = matchInventory(
        opened.db,
        { os: inventory.os, packages: inventory.packages },
        {
          ...(options.includeOsOwned === undefined ? {} : { includeOsOwned: options.includeOsOwned }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
          onIssue: (issue: MatchIssue) =>
            issues.push({ source: 'vulndb', path: issue.package, code: issue.code, message: issue.message }),
        },
      );
    }
    const matchMs = performance.now() - t1;

    let models: ModelScanResult[] | undefined;
    const t2 = performance.now();
    if (scanners.includes('model') && steps.models !== undefined) {
      emit?.({ kind: 'phase', phase: 'models' });
      const files = inventory.modelFiles;
      const scanned = await steps.models(files, (index, file) =>
        emit?.({ kind: 'model', index, total: files.length, path: file.path }),
      );
      models = scanned.results;
      issues.push(...scanned.issues);
    }
    const modelsMs = performance.now() - t2;
    emit?.({ kind: 'phase', phase: 'done' });
    return {
      inventory,
      findings,
      ...(models === undefined ? {} : { models }),
      issues,
      warnings: opened?.warnings ?? [],
      ...(opened === undefined ? {} : { db: opened.info }),
      scanners,
      startedAt: startedAt.toISOString(),
      finishedAt: now().toISOString(),
      timings: {
        dbMs: round(dbMs),
        inventoryMs: round(inventoryMs),
        matchMs: round(matchMs),
        modelsMs: round(modelsMs),
        totalMs: round(performance.now() - started),
      },
    };
  } finally {
    opened?.close();
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
