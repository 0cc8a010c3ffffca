import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import { parseTagPage } from './tags.ts';

const page = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

describe('parseTagPage', () => {
  it.each<[string, string[]]>([
    ['{"name":"a","tags":["v1","latest"]}', ['v1', 'latest']],
    ['{"name":"a","tags":null}', []],
    ['{"name":"a"}', []],
  ])('%s', (text, expected) => {
    expect(parseTagPage(page(text), 'tags')).toEqual(expected);
  });

  it.each(['nope', '{"tags":"v1"}', '{"tags":[1]}', `{"tags":["${'x'.repeat(129)}"]}`])(
    'rejects %j with REGISTRY_PROTOCOL',
    (text) => {
      expect(() => parseTagPage(page(text), 'tags')).toThrow(
        expect.objectContaining({ code: 'REGISTRY_PROTOCOL' }),
      );
    },
  );

  it('property: any bytes give a list of strings or REGISTRY_PROTOCOL', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 3 })), (text) => {
        try {
          const tags = parseTagPage(page(text), 'tags');
          expect(tags.every((t) => typeof t === 'string')).toBe(true);
        } catch (error) {
          expect(isBosunError(error, 'REGISTRY_PROTOCOL')).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
