// Inventory benchmark (issue: inventory engine): a ≥200 MB (uncompressed) image in several gzip
// layers with a realistic mix — a Debian root (this machine's dpkg database, copyright files and
// /usr/bin programs), Debian's Python dist-packages, node_modules with package.json files, large
// random binaries, and shared libraries as filler — written as an OCI layout. Measured:
// - floor: in-process streaming gunzip of the same blobs (read from disk, inflated, discarded);
// - cold: open layout + resolve + inventoryImage with every registered analyzer, empty cache
//   (layers in flight: 1 and the default 2);
// - warm: the same image again (its merged entry is in the cache);
// - warm, layers only: an image with the same layers under another manifest (a relabelled
//   image): every layer comes from the cache and is merged again.
// Targets: cold / floor ≤ 1.5, warm / cold ≤ 0.10. Temp files are deleted afterwards.
import { createReadStream } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { openOciLayout, resolveImage } from '../src/image/index.ts';
import { inventoryImage, type Inventory } from '../src/inventory/index.ts';
import { layerFromTar, type BuiltLayer } from '../test/builders/layer.ts';
import { OciBlobs, writeFiles } from '../test/builders/oci-image.ts';
import { buildTar, type TarEntrySpec } from '../test/builders/tar.ts';

const RUNS = 3;
const MB = 1024 * 1024;

export async function run(): Promise<Record<string, unknown>> {
  const work = await mkdtemp(join(tmpdir(), 'bosun-bench-inventory-'));
  try {
    const layout = join(work, 'layout');
    const built = await buildImage(layout);
    const blobFiles = built.layers.map((l) =>
      join(layout, 'blobs', 'sha256', l.digest.slice('sha256:'.length)),
    );

    const floor: number[] = [];
    const cold1: number[] = [];
    const cold2: number[] = [];
    const warm: number[] = [];
    const warmLayers: number[] = [];
    let inventory: Inventory | undefined;
    for (let i = 0; i < RUNS; i++) {
      floor.push(await timed(() => gunzipAll(blobFiles), floor));
      cold1.push(await timed(async () => void (await scan(layout, { concurrency: 1 })), cold1));
      const cacheDir = join(work, `cache-${i}`);
      cold2.push(
        await timed(async () => {
          inventory = await scan(layout, { cacheDir });
        }, cold2),
      );
      warm.push(await timed(async () => void (await scan(layout, { cacheDir })), warm));
      warmLayers.push(
        await timed(async () => void (await scan(layout, { cacheDir, tag: 'relabelled' })), warmLayers),
      );
      await rm(cacheDir, { recursive: true, force: true });
    }
    const floorMs = median(floor);
    const coldMs = median(cold2);
    const warmMs = median(warm);
    const warmLayersMs = median(warmLayers);
    const cpuOf = (list: number[]): number => median(cpu.get(list) ?? [0]);
    const counts: Record<string, number> = {};
    for (const pkg of inventory?.packages ?? []) counts[pkg.ecosystem] = (counts[pkg.ecosystem] ?? 0) + 1;
    return {
      image: {
        layers: built.layers.length,
        uncompressedMB: round(built.uncompressedBytes / MB),
        compressedMB: round(built.compressedBytes / MB),
        entries: built.entries,
        parts: built.parts,
      },
      runs: RUNS,
      floorGunzipMs: floorMs,
      coldMs,
      coldOneLayerAtATimeMs: median(cold1),
      warmMs,
      coldToFloor: round(coldMs / floorMs),
      coldOneLayerAtATimeToFloor: round(median(cold1) / floorMs),
      warmToCold: round(warmMs / coldMs),
      warmLayersOnlyMs: warmLayersMs,
      warmLayersOnlyToCold: round(warmLayersMs / coldMs),
      cpuMs: {
        floor: cpuOf(floor),
        cold: cpuOf(cold2),
        coldOneLayerAtATime: cpuOf(cold1),
        warm: cpuOf(warm),
        warmLayersOnly: cpuOf(warmLayers),
      },
      cpuColdToFloor: round(cpuOf(cold2) / cpuOf(floor)),
      cpuWarmToCold: round(cpuOf(warm) / cpuOf(cold2)),
      cpuWarmLayersOnlyToCold: round(cpuOf(warmLayers) / cpuOf(cold2)),
      loadAverage: loadavg().map(round),
      targets: { coldToFloor: 1.5, warmToCold: 0.1 },
      found: {
        os: inventory?.os,
        packages: counts,
        osOwned: inventory?.packages.filter((p) => p.osOwned === true && p.ecosystem !== 'deb').length,
        modelFiles: inventory?.modelFiles.length,
        issues: inventory?.issues.length,
      },
      allRuns: {
        floor,
        cold: cold2,
        coldOneLayerAtATime: cold1,
        warm,
        warmLayersOnly: warmLayers,
        cpu: Object.fromEntries([
          ['floor', cpu.get(floor)],
          ['cold', cpu.get(cold2)],
          ['coldOneLayerAtATime', cpu.get(cold1)],
          ['warm', cpu.get(warm)],
          ['warmLayersOnly', cpu.get(warmLayers)],
        ]),
      },
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function scan(
  layout: string,
  options: { readonly cacheDir?: string; readonly concurrency?: number; readonly tag?: string },
): Promise<Inventory> {
  const { tag = 'bench', ...rest } = options;
  const source = await openOciLayout(layout, { tag });
  try {
    return await inventoryImage(await resolveImage(source), rest);
  } finally {
    await source.close();
  }
}

async function gunzipAll(files: readonly string[]): Promise<void> {
  for (const file of files) {
    await pipeline(
      createReadStream(file, { highWaterMark: 256 * 1024 }),
      createGunzip(),
      new Writable({ write: (_chunk, _encoding, done) => done() }),
    );
  }
}

/** CPU time (user + system, all threads: zlib inflates on the thread pool) of each measurement. */
const cpu = new Map<number[], number[]>();

/** Wall time in ms; the CPU time is recorded beside it (the machine may be shared). */
async function timed(work: () => Promise<void>, into?: number[]): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  const started = performance.now();
  const usage = process.cpuUsage();
  await work();
  const used = process.cpuUsage(usage);
  if (into !== undefined) {
    const list = cpu.get(into) ?? [];
    list.push(Math.round((used.user + used.system) / 1000));
    cpu.set(into, list);
  }
  return Math.round(performance.now() - started);
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Regular files under `dir` (sorted walk), up to `budget` bytes, as tar entries at `prefix`. */
async function hostFiles(
  dir: string,
  prefix: string,
  budget: number,
  accept: (path: string) => boolean = () => true,
): Promise<TarEntrySpec[]> {
  const entries: TarEntrySpec[] = [];
  let used = 0;
  const visit = async (rel: string): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(join(dir, rel))).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (used >= budget) return;
      const path = rel === '' ? name : `${rel}/${name}`;
      const info = await lstat(join(dir, path)).catch(() => undefined);
      if (info === undefined) continue;
      if (info.isDirectory()) await visit(path);
      else if (info.isFile() && info.size + used <= budget && accept(path)) {
        const body = await readFile(join(dir, path)).catch(() => undefined);
        if (body === undefined) continue;
        entries.push({ name: `${prefix}/${path}`, body, mode: info.mode & 0o777 });
        used += body.length;
      }
    }
  };
  await visit('');
  return entries;
}

function nodeModules(count: number): TarEntrySpec[] {
  const entries: TarEntrySpec[] = [];
  const source = (i: number, j: number): string =>
    `'use strict';\n// module ${i} file ${j}\n` +
    Array.from(
      { length: 120 },
      (_, k) => `exports.f${k} = function f${k}(a, b) { return a * ${k} + b - ${i}; };\n`,
    ).join('');
  for (let i = 0; i < count; i++) {
    const name = i % 7 === 0 ? `@scope${i % 13}/pkg-${i}` : `pkg-${i}`;
    const dir = `app/node_modules/${name}`;
    entries.push({
      name: `${dir}/package.json`,
      body: JSON.stringify({ name, version: `1.${i % 50}.${i % 7}`, license: 'MIT', main: 'index.js' }),
    });
    for (let j = 0; j < 3; j++) entries.push({ name: `${dir}/lib/file${j}.js`, body: source(i, j) });
  }
  entries.push({
    name: 'app/package.json',
    body: JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { 'pkg-1': '^1.0.0' } }),
  });
  return entries;
}

export async function buildImage(layout: string): Promise<{
  layers: BuiltLayer[];
  uncompressedBytes: number;
  compressedBytes: number;
  entries: number;
  parts: Record<string, number>;
}> {
  const parts: Record<string, TarEntrySpec[]> = {
    'debian-root': [
      ...(await hostFiles('/usr/lib', 'usr/lib', MB, (p) => p === 'os-release')),
      { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
      ...(await hostFiles('/var/lib/dpkg', 'var/lib/dpkg', 80 * MB)),
      ...(await hostFiles('/usr/share/doc', 'usr/share/doc', 20 * MB, (p) => p.endsWith('/copyright'))),
      ...(await hostFiles('/usr/bin', 'usr/bin', 40 * MB)),
    ],
    'python-dist-packages': await hostFiles(
      '/usr/lib/python3/dist-packages',
      'usr/lib/python3/dist-packages',
      40 * MB,
    ),
    'node-modules': nodeModules(1500),
    'random-binaries': [
      { name: 'opt/data/blob-a.dat', body: randomBytes(25 * MB) },
      { name: 'opt/data/blob-b.dat', body: randomBytes(25 * MB) },
    ],
    'shared-libraries': await hostFiles('/usr/lib/x86_64-linux-gnu', 'usr/lib/x86_64-linux-gnu', 45 * MB),
  };
  const blobs = new OciBlobs();
  const layers: BuiltLayer[] = [];
  const sizes: Record<string, number> = {};
  let uncompressedBytes = 0;
  let entries = 0;
  for (const [name, specs] of Object.entries(parts)) {
    process.stderr.write(`  building layer ${name} (${specs.length} files)\n`);
    const layer = layerFromTar(buildTar(specs, { format: 'pax' }));
    layers.push(layer);
    sizes[name] = round(layer.tar.length / MB);
    uncompressedBytes += layer.tar.length;
    entries += specs.length;
  }
  const image = blobs.image(layers);
  const relabelled = blobs.image(layers, { config: { config: { Labels: { relabelled: 'yes' } } } });
  await writeFiles(
    layout,
    blobs.layoutFiles([
      { descriptor: image.manifest, refName: 'bench' },
      { descriptor: relabelled.manifest, refName: 'relabelled' },
    ]),
  );
  return {
    layers,
    uncompressedBytes,
    compressedBytes: layers.reduce((sum, l) => sum + l.size, 0),
    entries,
    parts: sizes,
  };
}
