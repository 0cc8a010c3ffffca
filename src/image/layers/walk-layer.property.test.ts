import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import { buildTar } from '../../../test/builders/tar.ts';
import { gzip } from '../../../test/builders/gzip.ts';
import { readBounded } from './read-bounded.ts';
import { walkLayer } from './walk-layer.ts';

const limits = { maxEntries: 1000, maxTotalBytes: 1 << 22, maxHeaderBytes: 1 << 16, maxPathLength: 1024 };

/** A value or a BosunError, never another error, a crash or a hang. */
async function outcome(bytes: Uint8Array, chunk: number): Promise<string> {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.byteLength; i += chunk) parts.push(Buffer.from(bytes.subarray(i, i + chunk)));
  try {
    const r = await walkLayer(Readable.from(parts, { objectMode: false }), {
      name: 'fuzz',
      limits,
      wants: () => true,
      onFile: async (e, body) => {
        await readBounded(body, 4096, e.path).catch((err: unknown) => {
          if (!isBosunError(err)) throw err;
        });
      },
    });
    expect(r.entries).toBeLessThanOrEqual(limits.maxEntries);
    return 'ok';
  } catch (error) {
    if (isBosunError(error)) return error.code;
    throw error;
  }
}

const seedTar = buildTar(
  [
    { name: 'etc/os-release', body: 'ID=alpine\n' },
    { name: `long/${'x'.repeat(150)}`, body: 'pax' },
    { name: 'l', type: 'symlink', linkname: 'etc' },
    { name: 'h', type: 'hardlink', linkname: 'etc/os-release' },
    { name: 'a/.wh.b', body: '' },
  ],
  { format: 'pax' },
);
const seedGnu = buildTar([{ name: `g/${'y'.repeat(200)}`, body: 'gnu' }], { format: 'gnu' });

function mutate(seed: Buffer) {
  return fc
    .array(fc.tuple(fc.nat({ max: seed.length - 1 }), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 8,
    })
    .map((edits) => {
      const copy = Buffer.from(seed);
      for (const [at, value] of edits) copy[at] = value;
      return copy;
    });
}

describe('walkLayer properties', () => {
  it('random bytes → a value or a BosunError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 4096 }),
        fc.integer({ min: 1, max: 2000 }),
        async (bytes, chunk) => {
          await outcome(bytes, chunk);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ['pax tar', seedTar],
    ['gnu tar', seedGnu],
  ])('mutated %s (plain and gzip) → a value or a BosunError', async (_name, seed) => {
    await fc.assert(
      fc.asyncProperty(
        mutate(seed),
        fc.boolean(),
        fc.integer({ min: 1, max: 1500 }),
        async (bytes, compress, chunk) => {
          await outcome(compress ? gzip(bytes) : bytes, chunk);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('mutated gzip stream → a value or a BosunError', async () => {
    await fc.assert(
      fc.asyncProperty(mutate(gzip(seedTar)), async (bytes) => {
        await outcome(bytes, 700);
      }),
      { numRuns: 300 },
    );
  });

  it('truncated at any point → a value or a BosunError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: seedTar.length }), async (n) => {
        const code = await outcome(seedTar.subarray(0, n), 512);
        // A cut inside an entry (a pax record without its entry included) is never silently
        // accepted. A cut exactly between two entries (the first entry, header + one body block,
        // ends at 1024) is a tar without its end-of-archive blocks, which tar tools accept too.
        const betweenEntries = n === 1024;
        if (n > 0 && n < 512 * 6 && !betweenEntries) expect(code).not.toBe('ok');
      }),
      { numRuns: 200 },
    );
  });
});
