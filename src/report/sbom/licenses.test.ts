import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyLicense, normalizeLicenseExpression } from './licenses.ts';

describe('classifyLicense', () => {
  it.each([
    ['MIT', { kind: 'id', id: 'MIT' }],
    ['mit', { kind: 'id', id: 'MIT' }],
    ['apache-2.0', { kind: 'id', id: 'Apache-2.0' }],
    ['GPL-2.0+', { kind: 'expression', expression: 'GPL-2.0+' }],
    ['MIT OR Apache-2.0', { kind: 'expression', expression: 'MIT OR Apache-2.0' }],
    [
      '(MIT OR Apache-2.0) AND BSD-3-Clause',
      { kind: 'expression', expression: '(MIT OR Apache-2.0) AND BSD-3-Clause' },
    ],
    [
      'GPL-2.0-only WITH Classpath-exception-2.0',
      { kind: 'expression', expression: 'GPL-2.0-only WITH Classpath-exception-2.0' },
    ],
    ['LicenseRef-my-license', { kind: 'expression', expression: 'LicenseRef-my-license' }],
    ['Apache 2.0', { kind: 'name', name: 'Apache 2.0' }],
    ['MIT or Apache-2.0', { kind: 'name', name: 'MIT or Apache-2.0' }],
    ['MIT AND', { kind: 'name', name: 'MIT AND' }],
    ['(MIT', { kind: 'name', name: '(MIT' }],
    ['MIT WITH LicenseRef-x', { kind: 'name', name: 'MIT WITH LicenseRef-x' }],
    ['public-domain', { kind: 'name', name: 'public-domain' }],
    // Found by the property test: names of Object.prototype members are not license ids.
    ['__proto__', { kind: 'name', name: '__proto__' }],
    ['constructor', { kind: 'name', name: 'constructor' }],
    ['MIT AND toString', { kind: 'name', name: 'MIT AND toString' }],
  ])('%s', (text, expected) => {
    expect(classifyLicense(text)).toEqual(expected);
  });
});

describe('normalizeLicenseExpression', () => {
  it('rejects deep nesting and long input instead of recursing without bound', () => {
    expect(normalizeLicenseExpression(`${'('.repeat(40)}MIT${')'.repeat(40)}`)).toBeUndefined();
    expect(normalizeLicenseExpression(`${'('.repeat(10)}MIT${')'.repeat(10)}`)).toEqual(
      `${'('.repeat(10)}MIT${')'.repeat(10)}`,
    );
    expect(normalizeLicenseExpression(Array(300).fill('MIT').join(' AND '))).toBeUndefined();
  });

  it('property: any string gives a string or undefined, and a result re-normalises to itself', () => {
    const word = fc.constantFrom(
      '__proto__',
      'hasOwnProperty',
      'MIT',
      'mit',
      'Apache-2.0',
      'AND',
      'OR',
      'WITH',
      '(',
      ')',
      'GPL-2.0+',
      'Classpath-exception-2.0',
      'LicenseRef-a',
      'x',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.array(word, { maxLength: 30 }).map((w) => w.join(' ')),
        ),
        (text) => {
          const result = normalizeLicenseExpression(text);
          if (result !== undefined) expect(normalizeLicenseExpression(result)).toEqual(result);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
