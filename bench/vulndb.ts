// Vulnerability DB benchmark (issue: vulndb): import a synthetic OSV dump of 300,000 records from
// an `all.zip`-style archive (time, rate, DB size), then match a 2,000-package inventory against it
// (target ≤ 200 ms). Temp files live under the OS temp dir and are removed at the end.
// Wall and CPU time are both reported: on a shared machine wall time includes waiting for a core.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Package } from '../src/inventory/index.ts';
import { buildVulnDb, dbStatus, matchInventory, openVulnDb } from '../src/vulndb/index.ts';
import { syntheticName, syntheticOsvRecords, syntheticVersion } from '../test/builders/osv.ts';
import { buildZip } from '../test/builders/zip.ts';

const RECORDS = 300_000;
const NAMES_PER_ECOSYSTEM = 10_000;
const PACKAGES = 2_000;
const MATCH_RUNS = 7;

export async function run(): Promise<Record<string, unknown>> {
  const work = await mkdtemp(join(tmpdir(), 'bosun-bench-vulndb-'));
  try {
    const zipPath = join(work, 'all.zip');
    let started = performance.now();
    const entries = [];
    let i = 0;
    for (const record of syntheticOsvRecords(RECORDS, NAMES_PER_ECOSYSTEM)) {
      entries.push({ name: `${i++}.json`, data: Buffer.from(JSON.stringify(record)) });
    }
    await writeFile(zipPath, buildZip(entries));
    entries.length = 0;
    const zipBytes = (await stat(zipPath)).size;
    process.stderr.write(
      `  synthetic all.zip: ${RECORDS} records, ${(zipBytes / 1e6).toFixed(1)} MB in ${s(started)} s\n`,
    );

    const dbPath = join(work, 'vulns.db');
    const rssBefore = process.memoryUsage().rss;
    started = performance.now();
    const cpuBefore = process.cpuUsage();
    const [result] = await buildVulnDb(dbPath, [{ kind: 'zip', path: zipPath }]);
    const importSeconds = (performance.now() - started) / 1000;
    const importUsage = process.cpuUsage(cpuBefore);
    const importCpu = importUsage.user + importUsage.system;
    const rssAfter = process.memoryUsage().rss;
    const status = await dbStatus(dbPath);
    process.stderr.write(
      `  import: ${importSeconds.toFixed(1)} s, DB ${(status.sizeBytes / 1e6).toFixed(1)} MB\n`,
    );

    const packages = inventory();
    const db = openVulnDb(dbPath);
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let findings = 0;
    try {
      for (let r = 0; r < MATCH_RUNS; r++) {
        const cpu = process.cpuUsage();
        const t = performance.now();
        findings = matchInventory(db, { os: { family: 'debian', version: '12' }, packages }).length;
        times.push(performance.now() - t);
        const used = process.cpuUsage(cpu);
        cpuTimes.push((used.user + used.system) / 1000);
      }
    } finally {
      db.close();
    }
    const sorted = [...times].sort((a, b) => a - b);
    const sortedCpu = [...cpuTimes].sort((a, b) => a - b);
    return {
      records: RECORDS,
      imported: result?.imported,
      invalid: result?.invalid,
      zipBytes,
      importSeconds: round(importSeconds),
      recordsPerSecond: Math.round(RECORDS / importSeconds),
      dbBytes: status.sizeBytes,
      importCpuSeconds: round(importCpu / 1e6),
      recordsPerCpuSecond: Math.round(RECORDS / (importCpu / 1e6)),
      rssGrowthBytes: rssAfter - rssBefore,
      counts: status.counts,
      match: {
        packages: packages.length,
        findings,
        // The first run is what one `bosun scan` pays: statements prepared, code not yet optimised, no parsed versions cached.
        firstRunMs: round(times[0] ?? 0),
        firstRunCpuMs: round(cpuTimes[0] ?? 0),
        medianMs: round(sorted[Math.floor(sorted.length / 2)] ?? 0),
        minMs: round(sorted[0] ?? 0),
        maxMs: round(sorted[sorted.length - 1] ?? 0),
        // CPU time of this process: on a shared machine wall time includes waiting for a core.
        medianCpuMs: round(sortedCpu[Math.floor(sortedCpu.length / 2)] ?? 0),
        targetMs: 200,
      },
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** 2,000 packages named like the dump's: npm, PyPI, Go and Maven libraries plus Debian source packages. */
function inventory(): Package[] {
  const kinds = [
    { ecosystem: 'npm', osv: 'npm' },
    { ecosystem: 'pypi', osv: 'PyPI' },
    { ecosystem: 'golang', osv: 'Go' },
    { ecosystem: 'maven', osv: 'Maven' },
    { ecosystem: 'deb', osv: 'Debian:12' },
  ] as const;
  const out: Package[] = [];
  for (let i = 0; i < PACKAGES; i++) {
    const kind = kinds[i % kinds.length] as (typeof kinds)[number];
    const name = syntheticName(kind.osv, i * 7);
    const version = syntheticVersion(kind.osv, i % 5, i % 20, i % 13);
    out.push({
      ecosystem: kind.ecosystem,
      name,
      version: kind.ecosystem === 'golang' ? `v${version}` : version,
      ...(kind.ecosystem === 'deb' ? { sourceName: name, sourceVersion: version, osOwned: true } : {}),
      licenses: [],
      purl: `pkg:${kind.ecosystem}/${name}@${version}`,
      locations: [{ path: 'bench', layerDigest: 'sha256:bench' }],
    });
  }
  return out;
}

function s(started: number): string {
  return ((performance.now() - started) / 1000).toFixed(1);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
