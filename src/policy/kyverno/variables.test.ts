import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { substituteAll, substituteString, SubstitutionError } from './variables.ts';
import { queryJmesPath } from './jmespath.ts';
import type { JsonObject, JsonValue } from '../common/json.ts';

const VARIABLE_RE = /(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/gu;
const ESCAPED_RE = /\\(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/gu;

function render(value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (value === null) return 'null';
  return JSON.stringify(value);
}

/** Substitution as it was before templates were parsed once (regex scan of every round). */
function reference(text: string, data: JsonObject): JsonValue {
  if (!text.includes('{{')) return text;
  let value: JsonValue = text;
  for (let round = 0; round < 10 && typeof value === 'string' && value.includes('{{'); round++) {
    const current: string = value;
    const matches = [...current.matchAll(VARIABLE_RE)];
    if (matches.length === 0) break;
    let out = '';
    let last = 0;
    let whole: JsonValue | undefined;
    for (const m of matches) {
      const full = m[2]!;
      const start = m.index + m[1]!.length;
      let resolved: JsonValue;
      try {
        resolved = queryJmesPath(data, full.slice(2, -2).trim());
      } catch (e) {
        throw new SubstitutionError(`failed to substitute variables in /: ${(e as Error).message}`, '/', e);
      }
      if (matches.length === 1 && start === 0 && full.length === current.length) {
        whole = resolved;
        break;
      }
      out += current.slice(last, start) + render(resolved);
      last = start + full.length;
    }
    if (whole !== undefined) {
      value = whole;
      break;
    }
    value = out + current.slice(last);
  }
  if (typeof value === 'string') value = value.replace(ESCAPED_RE, '$1');
  return value;
}

function attempt(f: () => JsonValue): unknown {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).constructor.name, message: (e as Error).message };
  }
}

const data: JsonObject = {
  a: 'x',
  n: 3,
  obj: { k: 'c0', list: [1, 2] },
  images: { containers: { c0: { registry: 'ghcr.io' } } },
  element: { name: 'c0' },
  nil: null,
};
const piece = fc.constantFrom(
  'text',
  ' ',
  '-',
  '{{a}}',
  '{{ n }}',
  '{{obj}}',
  '{{ obj.list }}',
  '{{ nil }}',
  '{{ missing }}',
  '{{ images.containers."{{element.name}}".registry }}',
  '{{ obj.{{a}} }}',
  '\\{{a}}',
  '{{',
  '}}',
  '{{ length(obj.list) }}',
  '{{ @ | a }}',
);

describe('substituteString', () => {
  it('agrees with the per-round regex scan it replaced', () => {
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 5 }), (pieces) => {
        const text = pieces.join('');
        expect(attempt(() => substituteString(text, data))).toEqual(attempt(() => reference(text, data)));
      }),
      { numRuns: 3000 },
    );
  });

  it.each<[string, JsonValue]>([
    ['{{ n }}', 3],
    ['n={{ n }}', 'n=3'],
    ['{{ images.containers."{{element.name}}".registry }}', 'ghcr.io'],
    ['\\{{a}}', '{{a}}'],
  ])('%s', (text, want) => {
    expect(substituteString(text, data)).toEqual(want);
  });

  it('leaves variable-free trees as they are and substitutes keys and values', () => {
    const plain = { a: ['b', { c: 1 }] };
    expect(substituteAll(plain, data)).toBe(plain);
    expect(substituteAll({ '{{a}}': ['{{n}}'] }, data)).toEqual({ x: [3] });
  });
});
