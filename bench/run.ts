// `npm run bench [-- name...]`: runs the benchmarks and prints one JSON document on stdout.
// Each benchmark module exports `run(): Promise<object>`; progress goes to stderr.
import { performance } from 'node:perf_hooks';

interface BenchModule {
  run(): Promise<Record<string, unknown>>;
}

const benchmarks: Record<string, () => Promise<BenchModule>> = {
  image: () => import('./image-pull.ts'),
  inventory: () => import('./inventory.ts'),
  vulndb: () => import('./vulndb.ts'),
  sign: () => import('./sign.ts'),
  policy: () => import('./policy.ts'),
  models: () => import('./models.ts'),
  scan: () => import('./scan.ts'),
  webhook: () => import('./webhook.ts'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(benchmarks);
const results: Record<string, unknown> = {};
for (const name of names) {
  const load = benchmarks[name];
  if (!load) {
    process.stderr.write(`unknown benchmark ${name}; known: ${Object.keys(benchmarks).join(', ')}\n`);
    process.exitCode = 2;
    continue;
  }
  process.stderr.write(`bench ${name}...\n`);
  const started = performance.now();
  try {
    results[name] = await (await load()).run();
  } catch (error) {
    results[name] = { error: error instanceof Error ? error.message : String(error) };
    process.exitCode = 1;
  }
  process.stderr.write(`bench ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
process.stdout.write(
  `${JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2)}\n`,
);
