/**
 * The property every parser of untrusted input must hold: it returns a value or throws a
 * `BosunError` with one of the allowed codes; any other exception (TypeError, RangeError) fails.
 */
import fc from 'fast-check';
import { isBosunError, type ErrorCode } from '../../src/util/errors.ts';

export function valueOrBosunError<T>(run: () => T, codes: readonly ErrorCode[]): T | undefined {
  try {
    return run();
  } catch (error) {
    if (isBosunError(error) && codes.includes(error.code)) return undefined;
    throw error;
  }
}

/** Random edits of a known-good text: byte flips, truncation, duplication, insertion of junk. */
export function mutatedText(seed: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: 2000 }),
    fc.nat({ max: seed.length }).map((n) => seed.slice(0, n)),
    fc
      .tuple(fc.nat({ max: seed.length }), fc.string({ maxLength: 40 }))
      .map(([at, junk]) => seed.slice(0, at) + junk + seed.slice(at)),
    fc
      .tuple(fc.nat({ max: seed.length }), fc.nat({ max: seed.length }))
      .map(([a, b]) => seed.slice(0, Math.min(a, b)) + seed.slice(Math.max(a, b))),
    fc
      .array(
        fc.tuple(
          fc.nat({ max: Math.max(0, seed.length - 1) }),
          fc.constantFrom('{', '}', '"', ':', '\n', ' ', '-', '[', '@', '/', '(', '\t'),
        ),
        {
          maxLength: 8,
        },
      )
      .map((edits) => {
        const chars = [...seed];
        for (const [at, c] of edits) chars[at] = c;
        return chars.join('');
      }),
  );
}

/** Random edits of known-good bytes. */
export function mutatedBytes(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 4096 }),
    fc.nat({ max: seed.length }).map((n) => seed.slice(0, n)),
    fc
      .array(fc.tuple(fc.nat({ max: Math.max(0, seed.length - 1) }), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 16,
      })
      .map((edits) => {
        const copy = new Uint8Array(seed); // a copy: Buffer#slice would share (and mutate) the seed
        for (const [at, b] of edits) copy[at] = b;
        return copy;
      }),
  );
}
