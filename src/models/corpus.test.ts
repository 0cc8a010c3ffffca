// The python-generated corpus: benign checkpoints written by torch/numpy/h5py/joblib and
// malicious files for every payload family and scanner bypass in generate.py. Every benign
// file must pass, every malicious one must fail with the expected finding.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModelCorpus, type CorpusEntry } from '../../test/builders/models/corpus.ts';
import { convertCheck, scanModelFile, scanModelPath } from './index.ts';

let corpus: { dir: string; entries: CorpusEntry[] };

beforeAll(() => {
  corpus = buildModelCorpus();
});

describe('model corpus', () => {
  it('has benign and malicious files', () => {
    expect(corpus.entries.filter((e) => e.verdict === 'pass').length).toBeGreaterThan(25);
    expect(corpus.entries.filter((e) => e.verdict === 'fail').length).toBeGreaterThan(120);
  });

  it('gives every file its expected verdict and finding', async () => {
    const mismatches: string[] = [];
    for (const entry of corpus.entries) {
      const result = await scanModelFile(join(corpus.dir, entry.file));
      const found =
        entry.kind === undefined ||
        result.findings.some(
          (f) => f.kind === entry.kind && (entry.callable === undefined || f.callable === entry.callable),
        );
      if (result.verdict !== entry.verdict || !found) {
        mismatches.push(
          `${entry.file}: expected ${entry.verdict} ${entry.kind ?? ''} ${entry.callable ?? ''}, got ${result.verdict} ${result.findings.map((f) => `${f.severity}:${f.kind}:${f.callable ?? ''}`).join(' ')}`,
        );
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('reports offsets and call chains for dangerous callables', async () => {
    const [result] = await scanModelPath(join(corpus.dir, 'malicious', 'getattr_indirection.pkl'));
    const finding = result?.findings.find((f) => f.callable === 'builtins.getattr');
    expect(finding?.severity).toEqual('CRITICAL');
    expect(finding?.offset).toEqual(2);
    expect(finding?.callChain[0]).toEqual('GLOBAL builtins.getattr @2');
    expect(finding?.callChain.some((c) => c.includes('calls the result'))).toBe(true);
  });

  it('locates payloads inside containers', async () => {
    const result = await scanModelFile(join(corpus.dir, 'malicious', 'evil.pkl.bz2'));
    expect(result.findings.find((f) => f.kind === 'dangerous-callable')?.location).toEqual(['bzip2']);
    const nested = await scanModelFile(join(corpus.dir, 'malicious', 'nested_zip.zip'));
    expect(nested.findings.find((f) => f.kind === 'dangerous-callable')?.location).toEqual([
      'inner/model.pt',
      'archive/data.pkl',
    ]);
  });

  it('scans a directory, skipping files that are no model format', async () => {
    const results = await scanModelPath(join(corpus.dir, 'benign'));
    expect(results.every((r) => r.verdict === 'pass')).toBe(true);
    expect(results.find((r) => r.file === 'README.md')?.skipped).toEqual('not a recognised model format');
  });

  it.each([
    ['benign/state_dict_zip.pt', true],
    ['benign/state_dict_legacy.pt', true],
    ['benign/whole_module_zip.pt', false],
    ['benign/numpy_in_pickle.pkl', false],
    ['malicious/torch_zip_evil.pt', false],
    ['benign/model.safetensors', false],
  ])('convertCheck(%s) is %s', async (file, tensorsOnly) => {
    expect((await convertCheck(join(corpus.dir, file))).tensorsOnly).toEqual(tensorsOnly);
  });

  it('can fail files in no known format', async () => {
    const file = join(corpus.dir, 'benign', 'README.md');
    expect((await scanModelFile(file)).verdict).toEqual('pass');
    expect((await scanModelFile(file, { unknownFormats: 'fail' })).verdict).toEqual('fail');
  });
});
