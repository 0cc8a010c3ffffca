// Property: whatever the layers hold (files, directories, whiteouts, opaque markers, in any order
// and overlap), the merge never throws and keeps exactly the results whose file is in the final
// filesystem, as computed by a small independent model of the OCI whiteout rules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Package } from '../types.ts';
import type { FileResult, LayerRecord, RecordEntry } from './layer-record.ts';
import { mergeLayers } from './merge.ts';

const PATHS = ['a', 'a/b', 'a/b/c', 'a/d', 'e', 'e/f', 'e/f/g'] as const;
const OPAQUE = ['', 'a', 'a/b', 'e'] as const;

type Spec = { readonly entry: RecordEntry; readonly analysed: boolean };

const specArb: fc.Arbitrary<Spec> = fc.oneof(
  fc.record({
    entry: fc.record({ path: fc.constantFrom(...PATHS), type: fc.constant<'file'>('file') }),
    analysed: fc.boolean(),
  }),
  fc.record({
    entry: fc.record({
      path: fc.constantFrom(...PATHS),
      type: fc.constantFrom<RecordEntry['type']>('dir', 'whiteout', 'other'),
    }),
    analysed: fc.constant(false),
  }),
  fc.record({
    entry: fc.record({ path: fc.constantFrom(...OPAQUE), type: fc.constant<'opaque'>('opaque') }),
    analysed: fc.constant(false),
  }),
);

function pkg(path: string, layer: number): Package {
  const name = `p-${path.replace(/\//g, '-')}-${layer}`;
  return {
    ecosystem: 'npm',
    name,
    version: '1.0.0',
    licenses: [],
    purl: `pkg:npm/${name}@1.0.0`,
    locations: [{ path }],
  };
}

function recordOf(specs: readonly Spec[], layer: number): LayerRecord {
  const results: FileResult[] = [];
  const entries: RecordEntry[] = [];
  for (const { entry, analysed } of specs) {
    entries.push(entry);
    // A tar may hold the same path twice: the last entry wins, so only its result may survive.
    const index = results.findIndex((r) => r.path === entry.path);
    if (index >= 0) results.splice(index, 1);
    if (analysed)
      results.push({
        analyzer: 'npm-installed',
        path: entry.path,
        result: { packages: [pkg(entry.path, layer)], issues: [] },
      });
  }
  return { diffId: undefined, entries, results, issues: [], uncompressedBytes: 0 };
}

const under = (path: string, dir: string): boolean => dir === '' || path.startsWith(`${dir}/`);

/** The model: path → { type, layer }, applied as overlayfs does. */
function finalFiles(layers: readonly (readonly Spec[])[]): Map<string, { type: string; layer: number }> {
  const state = new Map<string, { type: string; layer: number }>();
  layers.forEach((specs, layer) => {
    for (const { entry } of specs) {
      const { path, type } = entry;
      if (type === 'whiteout' || type === 'opaque') {
        for (const [key, value] of state) {
          const hit = type === 'whiteout' ? key === path || under(key, path) : under(key, path);
          if (hit && value.layer < layer) state.delete(key);
        }
        continue;
      }
      const parts = path.split('/');
      const blocked = parts.slice(0, -1).some((_, i) => {
        const ancestor = state.get(parts.slice(0, i + 1).join('/'));
        return ancestor !== undefined && ancestor.type !== 'dir';
      });
      if (blocked) continue;
      if (type !== 'dir') for (const key of [...state.keys()]) if (under(key, path)) state.delete(key);
      state.set(path, { type, layer });
    }
  });
  return state;
}

describe('mergeLayers (property)', () => {
  it('keeps exactly the analysed files of the final filesystem', () => {
    fc.assert(
      fc.property(fc.array(fc.array(specArb, { maxLength: 8 }), { minLength: 1, maxLength: 4 }), (layers) => {
        const records = layers.map((specs, layer) => recordOf(specs, layer));
        const merged = mergeLayers(
          records.map((record, i) => ({ digest: `sha256:${i}`, record })),
          { mode: 'image' },
        );
        const expected: string[] = [];
        for (const [path, { type, layer }] of finalFiles(layers)) {
          if (type === 'file' && records[layer]?.results.some((r) => r.path === path))
            expected.push(`${path}@${layer}`);
        }
        const actual = merged.packages.map((p) => `${p.locations[0]?.path}@${p.name.split('-').at(-1)}`);
        expect(actual.sort()).toEqual(expected.sort());
        for (const p of merged.packages)
          expect(p.locations[0]?.layerDigest).toBe(`sha256:${p.name.split('-').at(-1)}`);
      }),
      { numRuns: 2000 },
    );
  });
});
