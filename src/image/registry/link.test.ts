import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import { MAX_LINK_HEADER_LENGTH, parseNextLink } from './link.ts';

describe('parseNextLink', () => {
  it.each<[string | undefined, string | undefined]>([
    [undefined, undefined],
    ['</v2/a/tags/list?last=b&n=2>; rel="next"', '/v2/a/tags/list?last=b&n=2'],
    ['</v2/a/tags/list?last=b&n=2>; rel=next', '/v2/a/tags/list?last=b&n=2'],
    ['<https://r/x?p=1>; rel="prev", <https://r/x?p=3>; rel="next"', 'https://r/x?p=3'],
    ['</x>; title="a;b, c"; REL="next last"', '/x'],
    ['</x>; rel="prev"', undefined],
    ['', undefined],
  ])('%j → %j', (header, expected) => {
    expect(parseNextLink(header)).toEqual(expected);
  });

  it.each([
    '/x; rel=next',
    '</x; rel=next',
    '</x>; ="next"',
    '</x> junk',
    'x'.repeat(MAX_LINK_HEADER_LENGTH + 1),
  ])('rejects %j with REGISTRY_PROTOCOL', (header) => {
    expect(() => parseNextLink(header)).toThrow(expect.objectContaining({ code: 'REGISTRY_PROTOCOL' }));
  });

  it('property: any string gives a target, undefined or a BosunError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (header) => {
        try {
          const next = parseNextLink(header);
          expect(next === undefined || typeof next === 'string').toBe(true);
        } catch (error) {
          expect(isBosunError(error, 'REGISTRY_PROTOCOL')).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('property: the next target of a built header is found', () => {
    const target = fc.stringMatching(/^\/v2\/[a-z]{1,8}\/tags\/list\?n=\d{1,3}&last=[A-Za-z0-9._-]{1,20}$/);
    fc.assert(
      fc.property(target, fc.boolean(), (t, withPrev) => {
        const header = `${withPrev ? '</prev>; rel="prev", ' : ''}<${t}>; rel="next"`;
        expect(parseNextLink(header)).toEqual(t);
      }),
    );
  });
});
