// Scan benchmark (issue: scan orchestration): `scanImage` end to end on the inventory benchmark's
// image (≥200 MB uncompressed, a Debian root, Python dist-packages, node_modules, binaries) as an
// OCI layout, matched against a DB imported from the shared real OSV records (Go, PyPI, GHSA).
// - cold: empty layer cache (every layer read, inventoried, matched);
// - warm: the same scan again with every layer cached (DB opened, inventory merged from the
//   cache, every package looked up). Target: warm ≤ 1 s.
// Temp files are deleted afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { scanImage, type ScanResult } from '../src/scan/index.ts';
import { buildVulnDb } from '../src/vulndb/index.ts';
import { buildImage } from './inventory.ts';

const RUNS = 3;
const WARM_TARGET_MS = 1000;
const SHARED_OSV = fileURLToPath(new URL('../../shared/osv', import.meta.url));

export async function run(): Promise<Record<string, unknown>> {
  const work = await mkdtemp(join(tmpdir(), 'bosun-bench-scan-'));
  try {
    const layout = join(work, 'layout');
    process.stderr.write('  building the image...\n');
    const built = await buildImage(layout);
    const dbPath = join(work, 'db', 'bosun.db');
    process.stderr.write('  importing the shared OSV records...\n');
    const importStarted = performance.now();
    const imported = await buildVulnDb(dbPath, [{ kind: 'dir', path: SHARED_OSV }]);
    const importMs = Math.round(performance.now() - importStarted);

    const cold: number[] = [];
    const warm: number[] = [];
    let coldResult: ScanResult | undefined;
    let warmResult: ScanResult | undefined;
    for (let i = 0; i < RUNS; i++) {
      const cacheDir = join(work, `cache-${i}`);
      const scan = () =>
        scanImage(`oci:${layout}:bench`, { db: { path: dbPath, skipUpdate: true }, cacheDir });
      cold.push(await timed(async () => void (coldResult = await scan())));
      warm.push(await timed(async () => void (warmResult = await scan())));
      await rm(cacheDir, { recursive: true, force: true });
    }
    const warmMs = median(warm);
    const byEcosystem: Record<string, number> = {};
    for (const p of warmResult?.inventory.packages ?? [])
      byEcosystem[p.ecosystem] = (byEcosystem[p.ecosystem] ?? 0) + 1;
    return {
      image: {
        layers: built.layers.length,
        uncompressedMB: Math.round(built.uncompressedBytes / 1048576),
        compressedMB: Math.round(built.compressedBytes / 1048576),
        entries: built.entries,
      },
      db: { records: imported.reduce((n, r) => n + r.imported, 0), importMs },
      packages: byEcosystem,
      findings: warmResult?.findings.length,
      runs: RUNS,
      coldMs: median(cold),
      warmMs,
      warmTargetMs: WARM_TARGET_MS,
      warmWithinTarget: warmMs <= WARM_TARGET_MS,
      steps: { cold: coldResult?.timings, warm: warmResult?.timings },
      allRuns: { cold, warm },
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function timed(work: () => Promise<void>): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  const started = performance.now();
  await work();
  return Math.round(performance.now() - started);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
