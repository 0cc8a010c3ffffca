// Bosun's Go-compatible JSON against Go's own encoding/json (the serialiser cosign signs with).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goMarshal } from '../../../test/support/go-json.ts';
import { compareUtf8, marshalGoJson, type JsonValue } from './go-json.ts';

describe('marshalGoJson', () => {
  it.each([
    ['sorted keys', { b: 1, a: 2, B: 3 }, '{"B":3,"a":2,"b":1}'],
    [
      'HTML characters escaped',
      { k: '<a href="x">&</a>' },
      '{"k":"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"}',
    ],
    ['line separators escaped', ['\u2028\u2029'], '["\\u2028\\u2029"]'],
    ['control characters', ['\u0000\u001f\n\t\b\f'], '["\\u0000\\u001f\\n\\t\\b\\f"]'],
    [
      'numbers in shortest form',
      [1e21, 1e20, 1e-7, 0.000001, -0, 1.5],
      '[1e+21,100000000000000000000,1e-7,0.000001,-0,1.5]',
    ],
    ['null, booleans, nesting', { z: [null, true, false, { y: {} }] }, '{"z":[null,true,false,{"y":{}}]}'],
    ['lone surrogate becomes U+FFFD', ['\ud800x'], '["\ufffdx"]'],
  ] as const)('%s', (_name, value, expected) => {
    expect(marshalGoJson(value as JsonValue)).toEqual(expected);
  });

  it('orders keys by UTF-8 bytes like Go, not by UTF-16 units', () => {
    // U+FF5E sorts after U+1F600 in UTF-16 code units but before it in UTF-8 bytes.
    expect(['\u{1F600}', '\uFF5E'].sort(compareUtf8)).toEqual(['\uFF5E', '\u{1F600}']);
  });

  it('matches Go byte for byte on random JSON values', async () => {
    // Round-trip through JSON text so both sides see the same value (JSON.stringify writes -0 as 0).
    const values = fc
      .sample(fc.jsonValue({ maxDepth: 4 }), 300)
      .map((v) => JSON.parse(JSON.stringify(v) ?? 'null') as JsonValue);
    // Also the characters where JSON encoders disagree most.
    values.push({
      '<>&': '\u2028\u2029\u007f\u0000\b\f',
      é: 'ü',
      '\u{1F600}': 1,
      '\uFF5E': [0.1, 1e21, 123456789012],
    });
    const go = await goMarshal(values.map((value) => ({ mode: 'any', value })));
    expect(values.map((v) => marshalGoJson(v))).toEqual(go);
  });
});
