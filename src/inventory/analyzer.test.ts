import { describe, expect, it } from 'vitest';
import { BosunError } from '../util/errors.ts';
import { analyzeFile, locationOf, readInput, type Analyzer, type AnalyzerInput } from './analyzer.ts';

const LAYER = 'sha256:' + 'd'.repeat(64);

function inputOf(text: string, extra: Partial<AnalyzerInput> = {}): AnalyzerInput {
  const bytes = new TextEncoder().encode(text);
  return { path: 'etc/thing', size: bytes.byteLength, read: async () => bytes, layerDigest: LAYER, ...extra };
}

function analyzerThatThrows(error: unknown): Analyzer {
  return {
    id: 'thrower',
    version: 1,
    wants: () => true,
    analyze: async () => {
      throw error;
    },
  };
}

describe('analyzer helpers', () => {
  it('reads an input within its limit', async () => {
    expect(new TextDecoder().decode(await readInput(inputOf('hello'), 5))).toEqual('hello');
  });

  it('refuses a declared size over the limit before reading', async () => {
    let read = false;
    const input = { ...inputOf('hello'), read: async () => ((read = true), new Uint8Array(6)) };
    await expect(readInput(input, 4)).rejects.toMatchObject({ code: 'INVENTORY_LIMIT' });
    expect(read).toBe(false);
  });

  it('refuses more bytes than the limit even when the declared size lied', async () => {
    await expect(readInput({ ...inputOf('hello'), size: 1 }, 4)).rejects.toMatchObject({
      code: 'INVENTORY_LIMIT',
    });
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(readInput(inputOf('x'), 10, controller.signal)).rejects.toThrow();
  });

  it('names the layer in locations', () => {
    expect(locationOf(inputOf('x', { diffId: 'sha256:' + 'e'.repeat(64) }))).toEqual({
      path: 'etc/thing',
      layerDigest: LAYER,
      diffId: 'sha256:' + 'e'.repeat(64),
    });
    expect(locationOf({ path: 'a', size: 0, read: async () => new Uint8Array() })).toEqual({ path: 'a' });
  });

  it('turns a BosunError into an issue for that file', async () => {
    const analyzer = analyzerThatThrows(new BosunError('INVENTORY_PARSE', 'etc/thing: bad'));
    expect(await analyzeFile(analyzer, inputOf('x'), {})).toEqual({
      packages: [],
      issues: [
        {
          analyzer: 'thrower',
          path: 'etc/thing',
          layerDigest: LAYER,
          code: 'INVENTORY_PARSE',
          message: 'etc/thing: bad',
        },
      ],
    });
  });

  it('lets other errors and aborts through', async () => {
    await expect(analyzeFile(analyzerThatThrows(new TypeError('bug')), inputOf('x'), {})).rejects.toThrow(
      TypeError,
    );
    const controller = new AbortController();
    controller.abort();
    const parse = analyzerThatThrows(new BosunError('INVENTORY_PARSE', 'x'));
    await expect(analyzeFile(parse, inputOf('x'), { signal: controller.signal })).rejects.toMatchObject({
      code: 'INVENTORY_PARSE',
    });
  });
});
