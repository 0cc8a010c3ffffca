// Foundation benchmark (issue: image layer): build a ≥200 MB (uncompressed) image in several gzip
// layers, serve it from a real local registry, and compare Bosun's pull + verify + walk of every
// layer against the decompression floor: (a) a bare streaming gunzip of the same blobs in Node,
// (b) `gzip -dc`. Each measurement runs in a fresh child process so peak RSS is Bosun's alone.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { startRegistry } from '../test/support/registry.ts';
import { buildTar, type TarEntrySpec } from '../test/builders/tar.ts';

const exec = promisify(execFile);
const LAYERS = 5;
const LAYER_UNCOMPRESSED = 44 * 1024 * 1024;
const RUNS = 3;

export async function run(): Promise<Record<string, unknown>> {
  const work = await mkdtemp(join(tmpdir(), 'bosun-bench-image-'));
  const registry = await startRegistry();
  try {
    const layout = join(work, 'layout');
    const built = await buildImage(layout);
    await exec(
      'skopeo',
      ['copy', '--dest-tls-verify=false', `oci:${layout}:bench`, `docker://${registry.host}/bench/image:1`],
      {
        maxBuffer: 1 << 24,
      },
    );
    const blobDir = join(layout, 'blobs', 'sha256');
    const layerFiles = built.layerDigests.map((d) => join(blobDir, d.slice('sha256:'.length)));

    const bosun: ChildResult[] = [];
    const floorNode: ChildResult[] = [];
    const floorGzip: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      bosun.push(await child(['pull', `${registry.host}/bench/image:1`]));
      floorNode.push(await child(['gunzip', ...layerFiles]));
      floorGzip.push(await gzipDc(layerFiles));
    }
    const median = (values: number[]): number =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const bosunMs = median(bosun.map((r) => r.ms));
    const nodeMs = median(floorNode.map((r) => r.ms));
    const gzipMs = median(floorGzip);
    return {
      image: {
        layers: LAYERS,
        uncompressedBytes: built.uncompressedBytes,
        compressedBytes: built.compressedBytes,
        files: built.files,
      },
      runs: RUNS,
      bosunPullVerifyWalkMs: bosunMs,
      floorNodeGunzipMs: nodeMs,
      floorGzipDcMs: gzipMs,
      ratioToNodeGunzip: round(bosunMs / nodeMs),
      ratioToGzipDc: round(bosunMs / gzipMs),
      bosunPeakRssMB: Math.max(...bosun.map((r) => r.maxRssMB)),
      bosunEntriesWalked: bosun[0]?.entries,
      targets: { ratioToNodeGunzip: 1.3, peakRssMB: 250 },
      allRuns: {
        bosunMs: bosun.map((r) => r.ms),
        nodeGunzipMs: floorNode.map((r) => r.ms),
        gzipDcMs: floorGzip,
      },
    };
  } finally {
    await registry.stop();
    await rm(work, { recursive: true, force: true });
  }
}

interface ChildResult {
  ms: number;
  maxRssMB: number;
  entries?: number;
}

async function child(args: string[]): Promise<ChildResult> {
  const script = new URL('./image-pull-child.ts', import.meta.url).pathname;
  const { stdout } = await exec(process.execPath, [script, ...args], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as ChildResult;
}

async function gzipDc(files: string[]): Promise<number> {
  const started = performance.now();
  for (const file of files) {
    await new Promise<void>((resolve, reject) => {
      const proc = spawn('gzip', ['-dc', file], { stdio: ['ignore', 'ignore', 'inherit'] });
      proc.on('error', reject);
      proc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`gzip exited ${code}`))));
    });
  }
  return Math.round(performance.now() - started);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Deterministic pseudo-random words: compressible like source code and text, not like zeros. */
function* words(seed: number): Generator<string> {
  const vocabulary = [
    'const',
    'function',
    'return',
    'import',
    'export',
    'value',
    'layer',
    'image',
    'digest',
    'stream',
    'error',
    'config',
    'package',
    'version',
    'module',
    'index',
  ];
  let state = seed >>> 0 || 1;
  for (;;) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    yield `${vocabulary[(state >>> 0) % vocabulary.length]}${(state >>> 8) % 1000}`;
  }
}

function textFile(seed: number, size: number): Buffer {
  const parts: string[] = [];
  let length = 0;
  const gen = words(seed);
  while (length < size) {
    const word = gen.next().value as string;
    parts.push(word);
    length += word.length + 1;
  }
  return Buffer.from(parts.join(' ').slice(0, size));
}

async function buildImage(layout: string): Promise<{
  layerDigests: string[];
  uncompressedBytes: number;
  compressedBytes: number;
  files: number;
}> {
  const blobs = join(layout, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const put = async (bytes: Buffer): Promise<{ digest: string; size: number }> => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    await writeFile(join(blobs, hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const layers: { digest: string; size: number; diffId: string }[] = [];
  let uncompressedBytes = 0;
  let files = 0;
  for (let l = 0; l < LAYERS; l++) {
    // Mostly many small text files (like a root filesystem or node_modules), plus a few binaries.
    const entries: TarEntrySpec[] = [];
    let size = 0;
    let n = 0;
    while (size < LAYER_UNCOMPRESSED * 0.75) {
      const body = textFile(l * 1_000_003 + n, 2_000 + ((n * 7919) % 30_000));
      entries.push({ name: `usr/share/layer${l}/dir${n % 50}/file${n}.txt`, body });
      size += body.length;
      n++;
    }
    for (let b = 0; size < LAYER_UNCOMPRESSED; b++) {
      const body = randomBytes(2 * 1024 * 1024);
      entries.push({ name: `usr/lib/layer${l}/blob${b}.bin`, body });
      size += body.length;
      n++;
    }
    const tar = buildTar(entries, { format: 'pax' });
    uncompressedBytes += tar.length;
    files += n;
    const diffId = `sha256:${createHash('sha256').update(tar).digest('hex')}`;
    const blob = await put(gzipSync(tar, { level: 6 }));
    layers.push({ ...blob, diffId });
  }
  const config = await put(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
        config: {},
      }),
    ),
  );
  const manifest = await put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: layers.map((l) => ({
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: l.digest,
          size: l.size,
        })),
      }),
    ),
  );
  await writeFile(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': 'bench' },
        },
      ],
    }),
  );
  const compressedBytes = (
    await Promise.all((await readdir(blobs)).map(async (f) => (await stat(join(blobs, f))).size))
  ).reduce((a, b) => a + b, 0);
  return { layerDigests: layers.map((l) => l.digest), uncompressedBytes, compressedBytes, files };
}
