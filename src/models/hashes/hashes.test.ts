import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import {
  formatManifest,
  hashModelDir,
  parseManifest,
  verifyModelDir,
  verifySafetensorsIndex,
} from '../index.ts';

let dir: string;

function safetensors(names: string[]): Buffer {
  const header: Record<string, unknown> = {};
  names.forEach((n, i) => (header[n] = { dtype: 'U8', shape: [1], data_offsets: [i, i + 1] }));
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, Buffer.alloc(names.length)]);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bosun-hash-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'a.bin'), 'alpha');
  writeFileSync(join(dir, 'sub', 'b.txt'), 'beta\n');
  writeFileSync(join(dir, 'odd\\name'), 'gamma');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('hashModelDir', () => {
  it('writes a manifest that sha256sum -c accepts', async () => {
    const { manifest, entries } = await hashModelDir(dir);
    expect(entries.map((e) => e.path)).toEqual(['a.bin', 'odd\\name', 'sub/b.txt']);
    writeFileSync(join(dir, '..', `${dir.split('/').pop()}.sha256`), manifest);
    const out = execFileSync('sha256sum', ['-c', join(dir, '..', `${dir.split('/').pop()}.sha256`)], {
      cwd: dir,
    }).toString();
    expect(
      out
        .split('\n')
        .filter(Boolean)
        .every((l) => l.endsWith(': OK')),
    ).toBe(true);
    rmSync(join(dir, '..', `${dir.split('/').pop()}.sha256`));
  });

  it('matches sha256sum output byte for byte', async () => {
    const { manifest } = await hashModelDir(dir);
    const expected = execFileSync('sh', ['-c', 'sha256sum a.bin "odd\\name" sub/b.txt'], {
      cwd: dir,
    }).toString();
    expect(manifest).toEqual(expected);
  });
});

describe('verifyModelDir', () => {
  it('reports missing, extra and changed files as results', async () => {
    const { manifest } = await hashModelDir(dir);
    expect((await verifyModelDir(manifest, dir)).ok).toBe(true);
    writeFileSync(join(dir, 'a.bin'), 'tampered');
    writeFileSync(join(dir, 'new.pt'), 'x');
    rmSync(join(dir, 'sub', 'b.txt'));
    const result = await verifyModelDir(manifest, dir);
    expect({ ok: result.ok, missing: result.missing, extra: result.extra, changed: result.changed }).toEqual({
      ok: false,
      missing: ['sub/b.txt'],
      extra: ['new.pt'],
      changed: ['a.bin'],
    });
  });

  it.each([
    ['not a manifest\n'],
    [`${'a'.repeat(64)}  ../escape\n`],
    [`${'a'.repeat(64)}  /abs\n`],
    [`${'a'.repeat(64)}  x\n${'b'.repeat(64)}  x\n`],
  ])('rejects invalid manifest %j', (text) => {
    expect(() => parseManifest(text)).toThrow();
    try {
      parseManifest(text);
    } catch (error) {
      expect(isBosunError(error, 'MODEL_MANIFEST_INVALID')).toBe(true);
    }
  });

  it('round-trips escaped names', () => {
    const entries = [{ path: 'new\nline', sha256: 'c'.repeat(64) }];
    expect(parseManifest(formatManifest(entries))).toEqual(entries);
  });
});

describe('verifySafetensorsIndex', () => {
  it('checks pins and that shards hold exactly the indexed tensors', async () => {
    writeFileSync(join(dir, 'model-1.safetensors'), safetensors(['a', 'b']));
    writeFileSync(join(dir, 'model-2.safetensors'), safetensors(['c']));
    writeFileSync(
      join(dir, 'model.safetensors.index.json'),
      JSON.stringify({
        metadata: { total_size: 3 },
        weight_map: { a: 'model-1.safetensors', b: 'model-1.safetensors', c: 'model-2.safetensors' },
      }),
    );
    const { manifest } = await hashModelDir(dir);
    expect((await verifySafetensorsIndex(dir, 'model.safetensors.index.json', manifest)).ok).toBe(true);
    writeFileSync(join(dir, 'model-2.safetensors'), safetensors(['c', 'injected']));
    const result = await verifySafetensorsIndex(dir, 'model.safetensors.index.json', manifest);
    expect({ ok: result.ok, changed: result.changed, tensorMismatches: result.tensorMismatches }).toEqual({
      ok: false,
      changed: ['model-2.safetensors'],
      tensorMismatches: ['model-2.safetensors: injected not in the index'],
    });
  });
});
