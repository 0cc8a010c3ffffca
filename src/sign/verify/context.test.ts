import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeStdBase64, mapLimited, missingAnnotation } from './context.ts';

describe('decodeStdBase64 (Go base64.StdEncoding, as cosign reads the signature annotation)', () => {
  it.each<[string | undefined, string | undefined]>([
    ['AAEC', '000102'],
    ['AAE=', '0001'],
    ['AA==', '00'],
    ['AAEC\nAw==\n', '00010203'],
    ['AAEC\r\nAw==', '00010203'],
    ['AA', undefined],
    ['AAE', undefined],
    ['AA-_', undefined],
    ['AA==AA==', undefined],
    ['A A=', undefined],
    ['', undefined],
    ['\n', undefined],
    [undefined, undefined],
  ])('%j → %s', (text, hex) => {
    expect(decodeStdBase64(text)?.toString('hex')).toEqual(hex);
  });

  it('round-trips any bytes and never throws on any text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 600 }), (bytes) => {
        expect(decodeStdBase64(Buffer.from(bytes).toString('base64'))).toEqual(Buffer.from(bytes));
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const decoded = decodeStdBase64(text);
        // Whatever decodes re-encodes to the same text (minus newlines): nothing is silently dropped.
        if (decoded !== undefined) expect(decoded.toString('base64')).toEqual(text.replace(/[\r\n]/g, ''));
      }),
    );
  });
});

describe('missingAnnotation', () => {
  it.each<[Record<string, string>, Record<string, unknown> | null, string | undefined]>([
    [{}, null, undefined],
    [{ env: 'prod' }, { env: 'prod', extra: 1 }, undefined],
    [{ env: 'prod' }, null, 'env'],
    [{ env: 'prod' }, { env: 'dev' }, 'env'],
    [{ n: '1' }, { n: 1 }, 'n'],
    [{ toString: 'x' }, {}, 'toString'],
    [{ a: 'x', b: 'y' }, { a: 'x' }, 'b'],
  ])('%j in %j → %s', (required, signed, missing) => {
    expect(missingAnnotation(required, signed as never)).toEqual(missing);
  });
});

describe('mapLimited', () => {
  it('keeps order with at most `limit` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimited([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, n));
      inFlight--;
      return n * 10;
    });
    expect([out, peak]).toEqual([[50, 10, 40, 20, 30], 2]);
  });
});
