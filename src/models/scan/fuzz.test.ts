// Property tests: random and mutated inputs never crash or hang the scanner; the result is a
// value (or a BosunError), and malformed containers never pass silently as clean pickles.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { benignPickle, callPickle } from '../../../test/builders/models/pickle.ts';
import { buildZip } from '../../../test/builders/models/zip.ts';
import { analyzePickle } from '../pickle/analyze.ts';
import { scanModelBytes } from '../index.ts';
import { isBosunError } from '../../util/errors.ts';

const limits = {
  maxPickleBytes: 1 << 20,
  maxDecompressedBytes: 4 << 20,
  maxMemberBytes: 1 << 20,
  maxDepth: 4,
};

function mutate(base: Uint8Array, edits: Array<[number, number]>, cut: number): Uint8Array {
  const out = Uint8Array.from(base);
  for (const [at, value] of edits) out[at % out.length] = value;
  return out.subarray(0, Math.max(1, out.length - (cut % out.length)));
}

async function scanOk(bytes: Uint8Array): Promise<void> {
  try {
    const r = await scanModelBytes(bytes, 'fuzz', { limits });
    expect(['pass', 'fail']).toContain(r.verdict);
  } catch (error) {
    expect(isBosunError(error)).toBe(true);
  }
}

function safetensorsSeed(): Uint8Array {
  const json = Buffer.from(
    JSON.stringify({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, __metadata__: { k: 'v' } }),
  );
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, Buffer.alloc(8)]);
}

function ggufSeed(): Uint8Array {
  const s = (t: string): Buffer =>
    Buffer.concat([Buffer.from(new BigUint64Array([BigInt(t.length)]).buffer), Buffer.from(t)]);
  const head = Buffer.alloc(24);
  head.write('GGUF', 0);
  head.writeUInt32LE(3, 4);
  head.writeBigUInt64LE(1n, 8);
  head.writeBigUInt64LE(1n, 16);
  const kv = Buffer.concat([s('tokenizer.chat_template'), Buffer.from([8, 0, 0, 0]), s('{{ messages }}')]);
  const tensor = Buffer.concat([
    s('w'),
    Buffer.from([1, 0, 0, 0]),
    Buffer.from(new BigUint64Array([4n]).buffer),
    Buffer.alloc(4),
    Buffer.alloc(8),
  ]);
  return Buffer.concat([head, kv, tensor, Buffer.alloc(64)]);
}

function npySeed(): Uint8Array {
  const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }".padEnd(117, ' ') + '\n';
  return Buffer.concat([
    Buffer.from([0x93]),
    Buffer.from('NUMPY'),
    Buffer.from([1, 0, header.length, 0]),
    Buffer.from(header),
    Buffer.alloc(8),
  ]);
}

const seeds = [
  safetensorsSeed(),
  ggufSeed(),
  npySeed(),
  benignPickle(5),
  callPickle('os', 'system'),
  buildZip({
    members: [
      { name: 'a/data.pkl', data: benignPickle(2) },
      { name: 'a/data/0', data: new Uint8Array(64) },
    ],
  }),
  buildZip({ members: [{ name: 'a/data.pkl', data: callPickle('os', 'system'), method: 8 }] }),
];

describe('scanner robustness', () => {
  it.each([
    ['safetensors', safetensorsSeed()],
    ['gguf', ggufSeed()],
    ['numpy', npySeed()],
  ])('seed %s is a valid file of its format', async (format, bytes) => {
    const r = await scanModelBytes(bytes, 'seed');
    expect({ formats: r.formats, verdict: r.verdict }).toEqual({ formats: [format], verdict: 'pass' });
  });

  it('analyzePickle returns a value for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const a = analyzePickle(bytes);
        expect(a.end).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('scans random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), scanOk), { numRuns: 300 });
  });

  it('scans mutated pickles and zips', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
        async (seed, edits, cut) => scanOk(mutate(seed, edits, cut % 4 === 0 ? cut : 0)),
      ),
      { numRuns: 400 },
    );
  });

  it('never passes a mutated payload whose callable survives', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 20, max: 40 }), fc.integer({ min: 0, max: 255 })), {
          maxLength: 3,
        }),
        async (edits) => {
          const bytes = mutate(callPickle('os', 'system'), edits, 0);
          const r = await scanModelBytes(bytes, 'fuzz', { limits });
          const a = analyzePickle(bytes);
          if (a.globals.some((g) => g.module === 'os')) expect(r.verdict).toEqual('fail');
        },
      ),
      { numRuns: 300 },
    );
  });
});
