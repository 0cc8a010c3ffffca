import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import { mergeScopes, parseTokenResponse, repositoryScope } from './auth.ts';

const context = { registry: 'r.example', operation: 'get token' };

describe('scopes', () => {
  it.each<[string[], string[]]>([
    [[repositoryScope('a', 'pull'), repositoryScope('a', 'pull,push')], ['repository:a:pull,push']],
    [
      ['repository:b:pull', 'repository:a:push', 'repository:a:pull'],
      ['repository:a:pull,push', 'repository:b:pull'],
    ],
    [['registry:catalog:*'], ['registry:catalog:*']],
    [['repository:a:delete', 'repository:a:pull'], ['repository:a:delete,pull']],
    [[], []],
  ])('%j merge to %j', (scopes, expected) => {
    expect(mergeScopes(scopes)).toEqual(expected);
  });
});

describe('parseTokenResponse', () => {
  it.each<[string, { token: string; expiresAt: number }]>([
    ['{"token":"abc","expires_in":300}', { token: 'abc', expiresAt: 1000 + 300_000 - 30_000 }],
    ['{"access_token":"xyz"}', { token: 'xyz', expiresAt: 1000 + 60_000 - 6_000 }],
    // Less than the spec's 60 s minimum is treated as 60 s.
    ['{"token":"t","access_token":"ignored","expires_in":5}', { token: 't', expiresAt: 1000 + 54_000 }],
  ])('%s', (text, expected) => {
    expect(parseTokenResponse(text, 1000, context)).toEqual(expected);
  });

  it.each(['not json', '{}', '{"token":""}', '{"token":"a b"}', 'null', `{"token":"${'x'.repeat(70_000)}"}`])(
    'rejects %j with REGISTRY_PROTOCOL',
    (text) => {
      expect(() => parseTokenResponse(text, 0, context)).toThrow(
        expect.objectContaining({ code: 'REGISTRY_PROTOCOL' }),
      );
    },
  );

  it('property: any text or JSON gives a usable token or REGISTRY_PROTOCOL', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 3 })), (text) => {
        try {
          const { token, expiresAt } = parseTokenResponse(text, 0, context);
          expect(token.length > 0 && !/\s/.test(token) && expiresAt >= 54_000).toBe(true);
        } catch (error) {
          expect(isBosunError(error, 'REGISTRY_PROTOCOL')).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
