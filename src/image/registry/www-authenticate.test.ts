import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import { MAX_CHALLENGE_HEADER_LENGTH, parseWwwAuthenticate, quoteAuthParam } from './www-authenticate.ts';

type Plain = { scheme: string; params: Record<string, string>; token68?: string };

const plain = (header: string): Plain[] =>
  parseWwwAuthenticate(header).map((c) => ({
    scheme: c.scheme,
    params: Object.fromEntries(c.params),
    ...(c.token68 === undefined ? {} : { token68: c.token68 }),
  }));

describe('parseWwwAuthenticate', () => {
  it.each<[string, Plain[]]>([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/alpine:pull',
          },
        },
      ],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    // distribution's insufficient_scope form, extra spaces and token (unquoted) values.
    [
      'Bearer  realm = "https://a/t" , error=insufficient_scope,scope="repository:x:pull,push"',
      [
        {
          scheme: 'bearer',
          params: { realm: 'https://a/t', error: 'insufficient_scope', scope: 'repository:x:pull,push' },
        },
      ],
    ],
    // Several challenges in one header, params containing commas inside quotes.
    [
      'Basic realm="a, b", Bearer realm="https://t",service=s',
      [
        { scheme: 'basic', params: { realm: 'a, b' } },
        { scheme: 'bearer', params: { realm: 'https://t', service: 's' } },
      ],
    ],
    // Escapes inside quoted strings; parameter names are case-insensitive, first one wins.
    ['Bearer REALM="x\\"y\\\\z", realm="second"', [{ scheme: 'bearer', params: { realm: 'x"y\\z' } }]],
    [
      'Negotiate abc+/def==, Basic realm=x',
      [
        { scheme: 'negotiate', params: {}, token68: 'abc+/def==' },
        { scheme: 'basic', params: { realm: 'x' } },
      ],
    ],
    ['Basic', [{ scheme: 'basic', params: {} }]],
    // Grammatically a token68 (trailing `=` padding), not an empty parameter.
    ['Bearer realm=', [{ scheme: 'bearer', params: {}, token68: 'realm=' }]],
    [
      'Basic, Bearer',
      [
        { scheme: 'basic', params: {} },
        { scheme: 'bearer', params: {} },
      ],
    ],
    ['', []],
  ])('%s', (header, expected) => {
    expect(plain(header)).toEqual(expected);
  });

  it.each([
    'Bearer realm="unterminated',
    '=x',
    'Bearer realm="a" service="b"',
    'Bearer realm="a",,=',
    'Bearer/x',
    'x'.repeat(MAX_CHALLENGE_HEADER_LENGTH + 1),
    `Bearer ${Array.from({ length: 40 }, (_, i) => `p${i}=v`).join(',')}`,
  ])('rejects %j with REGISTRY_PROTOCOL', (header) => {
    expect(() => parseWwwAuthenticate(header)).toThrow(
      expect.objectContaining({ code: 'REGISTRY_PROTOCOL' }),
    );
  });

  it('property: any string gives challenges or a BosunError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (header) => {
        try {
          const result = parseWwwAuthenticate(header);
          expect(Array.isArray(result)).toBe(true);
        } catch (error) {
          expect(isBosunError(error, 'REGISTRY_PROTOCOL')).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,11}$/);
  const challenge = fc.record({
    scheme: token,
    params: fc.uniqueArray(fc.tuple(token, fc.string({ maxLength: 40 })), {
      minLength: 1,
      maxLength: 5,
      selector: ([k]) => k.toLowerCase(),
    }),
  });

  it('property: serialised challenges parse back to the same schemes and params', () => {
    fc.assert(
      fc.property(fc.array(challenge, { minLength: 1, maxLength: 4 }), (challenges) => {
        const header = challenges
          .map((c) => `${c.scheme} ${c.params.map(([k, v]) => `${k}=${quoteAuthParam(v)}`).join(', ')}`)
          .join(', ');
        expect(plain(header)).toEqual(
          challenges.map((c) => ({
            scheme: c.scheme.toLowerCase(),
            params: Object.fromEntries(c.params.map(([k, v]) => [k.toLowerCase(), v])),
          })),
        );
      }),
      { numRuns: 500 },
    );
  });
});
