import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { valueOrBosunError } from '../../../test/support/parser-property.ts';
import { decodePem, encodePem } from './pem.ts';

describe('PEM', () => {
  it('encodes like Go pem.EncodeToMemory: 64-column lines and a final newline', () => {
    const text = encodePem('PUBLIC KEY', Buffer.alloc(60, 0xff));
    expect(text.split('\n')).toEqual([
      '-----BEGIN PUBLIC KEY-----',
      '/'.repeat(64),
      '/'.repeat(16),
      '-----END PUBLIC KEY-----',
      '',
    ]);
  });

  it.each([
    ['text before the block', `comment\n${encodePem('PUBLIC KEY', Buffer.from('abc'))}`],
    ['CRLF line endings', encodePem('PUBLIC KEY', Buffer.from('abc')).replaceAll('\n', '\r\n')],
    ['no final newline', encodePem('PUBLIC KEY', Buffer.from('abc')).trimEnd()],
  ])('decodes with %s', (_name, text) => {
    expect(decodePem(text, 'key')).toEqual({ label: 'PUBLIC KEY', der: Buffer.from('abc') });
  });

  it.each([
    ['mismatched END label', '-----BEGIN PUBLIC KEY-----\nYWJj\n-----END PRIVATE KEY-----\n'],
    ['empty body', '-----BEGIN PUBLIC KEY-----\n\n-----END PUBLIC KEY-----\n'],
    ['PEM headers', '-----BEGIN PUBLIC KEY-----\nProc-Type: 4,ENCRYPTED\n\nYWJj\n-----END PUBLIC KEY-----\n'],
    ['truncated base64', '-----BEGIN PUBLIC KEY-----\nYWJjZ\n-----END PUBLIC KEY-----\n'],
    ['many unterminated blocks', '-----BEGIN A-----\n'.repeat(3000)],
  ])('refuses %s with SIGN_KEY_INVALID', (_name, text) => {
    expect(() => decodePem(text, 'key')).toThrow(expect.objectContaining({ code: 'SIGN_KEY_INVALID' }));
  });

  it('round-trips any bytes and turns random text into a value or a BosunError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (bytes) => {
        expect(decodePem(encodePem('X Y', bytes), 'key').der).toEqual(Buffer.from(bytes));
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (text, bytes) => {
        valueOrBosunError(() => decodePem(`-----BEGIN K-----\n${text}`, 'key'), ['SIGN_KEY_INVALID']);
        valueOrBosunError(() => decodePem(bytes, 'key'), ['SIGN_KEY_INVALID']);
      }),
      { numRuns: 500 },
    );
  });
});
