import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedBytes, valueOrBosunError } from '../../../../test/support/parser-property.ts';
import { modelFixtureDir, modelPythonAvailable } from '../../../../test/support/model-fixtures.ts';
import type { AnalyzerInput } from '../../analyzer.ts';
import { formatFromMagic } from './detect.ts';
import { MAX_MAGIC_BYTES, modelFilesAnalyzer } from './model-files.ts';

const inputOf = (path: string, bytes: Uint8Array, size = bytes.length): AnalyzerInput => ({
  path,
  size,
  read: () => Promise.resolve(bytes),
  layerDigest: 'sha256:l1',
});

describe.runIf(modelPythonAvailable())(
  'model files written by Python (pickle, numpy, h5py, joblib, zipfile)',
  () => {
    it.each([
      ['p0.pkl', 'pickle'],
      ['p2.pkl', 'pickle'],
      ['p4.pkl', 'pickle'],
      ['p5.pkl', 'pickle'],
      ['arr.npy', 'numpy'],
      ['arrs.npz', 'numpy-zip'],
      ['model.h5', 'hdf5'],
      ['model.joblib', 'joblib'],
      ['model-z.joblib', 'joblib'],
      ['model.pt', 'pytorch-zip'],
      ['legacy.pth', 'pytorch-legacy'],
      ['model.keras', 'keras-zip'],
      ['model.safetensors', 'safetensors'],
      ['model.gguf', 'gguf'],
      ['model.onnx', 'onnx'],
      ['pytorch_model.bin', 'pytorch-zip'],
      ['other.ckpt', 'zip'],
    ])('%s → %s', async (file, format) => {
      const bytes = readFileSync(`${modelFixtureDir()}${file}`);
      const path = `models/${file}`;
      expect(modelFilesAnalyzer.wants(path, { size: bytes.length, type: 'file' })).toBe(true);
      const result = await modelFilesAnalyzer.analyze(inputOf(path, bytes), {});
      expect(result.modelFiles).toEqual([
        { path, format, size: bytes.length, evidence: 'magic', location: { path, layerDigest: 'sha256:l1' } },
      ]);
    });

    it('a .bin without model magic is not recorded', async () => {
      const bytes = readFileSync(`${modelFixtureDir()}firmware.bin`);
      expect(
        (await modelFilesAnalyzer.analyze(inputOf('lib/firmware/x.bin', bytes), {})).modelFiles,
      ).toBeUndefined();
    });
  },
);

describe('model-files analyzer', () => {
  it('files over the magic limit are recorded by extension without being read', async () => {
    const size = MAX_MAGIC_BYTES + 1;
    const input: AnalyzerInput = {
      path: 'm/model.safetensors',
      size,
      read: () => Promise.reject(new Error('must not read')),
    };
    expect((await modelFilesAnalyzer.analyze(input, {})).modelFiles).toEqual([
      {
        path: 'm/model.safetensors',
        format: 'safetensors',
        size,
        evidence: 'extension',
        location: { path: 'm/model.safetensors' },
      },
    ]);
  });

  it('a model extension with unknown bytes is still recorded', async () => {
    const bytes = new TextEncoder().encode('not a model');
    expect((await modelFilesAnalyzer.analyze(inputOf('x.pkl', bytes), {})).modelFiles?.[0]?.format).toEqual(
      'unknown',
    );
  });

  it.each([
    ['models/model.safetensors', 10, true],
    ['models/m.GGUF', 10, true],
    ['lib/firmware/big.bin', MAX_MAGIC_BYTES + 1, false],
    ['hub/pytorch_model-00001-of-00002.bin', MAX_MAGIC_BYTES + 1, true],
    ['lib/firmware/small.bin', 1000, true],
    ['app/main.py', 10, false],
  ])('wants %s (%d bytes): %s', (path, size, expected) => {
    expect(modelFilesAnalyzer.wants(path, { size, type: 'file' })).toEqual(expected);
  });
});

describe('model detection: a value or a BosunError, within limits', () => {
  it.runIf(modelPythonAvailable())('mutated model files', () => {
    const dir = modelFixtureDir();
    const seeds = ['model.pt', 'model.keras', 'model.safetensors', 'p4.pkl', 'arr.npy'].map(
      (f) => new Uint8Array(readFileSync(`${dir}${f}`)),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds).chain(mutatedBytes),
        fc.constantFrom('a.pt', 'a.bin', 'a.npz', 'a.joblib'),
        (bytes, path) => {
          valueOrBosunError(() => formatFromMagic(bytes, path), []);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('model-files and Python path files', () => {
  it('does not report a site-packages .pth path file as a model', async () => {
    const text = Buffer.from('import _distutils_hack; _distutils_hack.add_shim()\n./vendor\n');
    const result = await modelFilesAnalyzer.analyze(
      {
        path: 'usr/lib/python3/dist-packages/distutils-precedence.pth',
        size: text.length,
        read: async () => text,
      },
      {},
    );
    expect(result.modelFiles ?? []).toEqual([]);
  });
});
