// Hugging Face sharded checkpoints: `*.safetensors.index.json` maps each tensor to a shard.
// Verified against a pinned manifest: every shard pinned and unchanged, and every shard holding
// exactly the tensors the index gives it (no injected or missing tensors).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BosunError } from '../../util/errors.ts';
import { fileSource } from '../scan/source.ts';
import { parseManifest } from './manifest.ts';
import { sha256File } from './hash-dir.ts';

export interface IndexVerifyResult {
  readonly ok: boolean;
  readonly shards: readonly string[];
  readonly unpinned: readonly string[];
  readonly missing: readonly string[];
  readonly changed: readonly string[];
  /** `shard: tensor` entries that the index and the shard headers disagree on. */
  readonly tensorMismatches: readonly string[];
}

async function shardTensors(path: string, maxHeader: number): Promise<Set<string>> {
  const source = await fileSource(path, () => undefined);
  try {
    const head = await source.read(0, 8);
    const n =
      head.length === 8
        ? new DataView(head.buffer, head.byteOffset, 8).getUint32(0, true) +
          new DataView(head.buffer, head.byteOffset, 8).getUint32(4, true) * 2 ** 32
        : -1;
    if (n < 2 || n > maxHeader || n > source.size - 8) throw new Error('bad header length');
    const header = JSON.parse(new TextDecoder().decode(await source.read(8, n))) as Record<string, unknown>;
    return new Set(Object.keys(header).filter((k) => k !== '__metadata__'));
  } finally {
    await source.close();
  }
}

export async function verifySafetensorsIndex(
  dir: string,
  indexName: string,
  manifest: string,
): Promise<IndexVerifyResult> {
  let index: { weight_map?: Record<string, string> };
  try {
    index = JSON.parse(await readFile(join(dir, indexName), 'utf8')) as typeof index;
  } catch (cause) {
    throw new BosunError('MODEL_MANIFEST_INVALID', `${indexName}: not a readable safetensors index`, {
      cause,
      details: { input: indexName },
    });
  }
  const weightMap = index.weight_map;
  if (!weightMap || typeof weightMap !== 'object') {
    throw new BosunError('MODEL_MANIFEST_INVALID', `${indexName}: no weight_map`, {
      details: { input: indexName },
    });
  }
  const pinned = new Map(parseManifest(manifest).map((e) => [e.path, e.sha256]));
  const byShard = new Map<string, Set<string>>();
  for (const [tensor, shard] of Object.entries(weightMap)) {
    if (typeof shard !== 'string' || shard.startsWith('/') || shard.split('/').includes('..')) {
      throw new BosunError(
        'MODEL_MANIFEST_INVALID',
        `${indexName}: tensor ${tensor} maps to an unsafe shard path`,
        { details: { input: indexName } },
      );
    }
    byShard.set(shard, (byShard.get(shard) ?? new Set()).add(tensor));
  }
  const shards = [...byShard.keys()].sort();
  const unpinned: string[] = [];
  const missing: string[] = [];
  const changed: string[] = [];
  const tensorMismatches: string[] = [];
  if (!pinned.has(indexName)) unpinned.push(indexName);
  else if ((await sha256File(join(dir, indexName))).sha256 !== pinned.get(indexName)) changed.push(indexName);
  for (const shard of shards) {
    const expected = pinned.get(shard);
    if (expected === undefined) unpinned.push(shard);
    let actual: string;
    try {
      actual = (await sha256File(join(dir, shard))).sha256;
    } catch {
      missing.push(shard);
      continue;
    }
    if (expected !== undefined && actual !== expected) changed.push(shard);
    let present: Set<string>;
    try {
      present = await shardTensors(join(dir, shard), 100 * 1024 * 1024);
    } catch {
      tensorMismatches.push(`${shard}: header unreadable`);
      continue;
    }
    const wanted = byShard.get(shard) ?? new Set<string>();
    for (const t of wanted) if (!present.has(t)) tensorMismatches.push(`${shard}: ${t} missing from shard`);
    for (const t of present) if (!wanted.has(t)) tensorMismatches.push(`${shard}: ${t} not in the index`);
  }
  const ok = unpinned.length + missing.length + changed.length + tensorMismatches.length === 0;
  return { ok, shards, unpinned, missing, changed, tensorMismatches: tensorMismatches.sort() };
}
