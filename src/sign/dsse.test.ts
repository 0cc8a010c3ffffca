import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslOk, tempDir } from '../../test/support/openssl-cli.ts';
import { mutatedText, valueOrBosunError } from '../../test/support/parser-property.ts';
import {
  IN_TOTO_PAYLOAD_TYPE,
  parseDsse,
  preAuthEncoding,
  serializeDsse,
  signDsse,
  verifyDsse,
} from './dsse.ts';
import { generateKeyPair, loadPrivateKey } from './keys/index.ts';
import type { PrivateKey } from './keys/types.ts';

let key: PrivateKey;
let other: PrivateKey;
let dir = '';
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  key = await loadPrivateKey((await generateKeyPair('a')).privatePem, 'a');
  other = await loadPrivateKey((await generateKeyPair('b')).privatePem, 'b');
  ({ dir, cleanup } = await tempDir('sign-dsse'));
});
afterAll(() => cleanup());

describe('preAuthEncoding', () => {
  it.each([
    // The DSSE specification's worked example.
    [
      'http://example.com/HelloWorld',
      'hello world',
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    ],
    ['', '', 'DSSEv1 0  0 '],
    // Lengths count UTF-8 bytes, not characters.
    ['tÿpe', 'é', 'DSSEv1 5 tÿpe 2 é'],
  ])('PAE(%j, %j)', (type, body, expected) => {
    expect(preAuthEncoding(type, Buffer.from(body)).toString()).toEqual(expected);
  });
});

describe('signDsse / verifyDsse', () => {
  it('signs the PAE, so openssl verifies the signature over the PAE bytes', async () => {
    const payload = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');
    const envelope = signDsse(key, IN_TOTO_PAYLOAD_TYPE, payload);
    await writeFile(join(dir, 'pae'), preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload));
    await writeFile(join(dir, 'sig'), envelope.signatures[0]?.sig ?? Buffer.alloc(0));
    await writeFile(join(dir, 'key.pub'), key.publicKey.pem);
    const out = await opensslOk(['dgst', '-sha256', '-verify', 'key.pub', '-signature', 'sig', 'pae'], dir);
    expect(out.trim()).toEqual('Verified OK');
  });

  it('verifies its own envelopes and answers "no" for tampering or the wrong key', () => {
    const envelope = signDsse(key, IN_TOTO_PAYLOAD_TYPE, Buffer.from('{}'));
    const sig = Buffer.from(envelope.signatures[0]?.sig ?? []);
    sig[5] = (sig[5] ?? 0) ^ 0x80;
    expect({
      good: verifyDsse(envelope, key.publicKey),
      wrongKey: verifyDsse(envelope, other.publicKey),
      payload: verifyDsse({ ...envelope, payload: Buffer.from('{ }') }, key.publicKey),
      payloadType: verifyDsse({ ...envelope, payloadType: 'text/plain' }, key.publicKey),
      flipped: verifyDsse({ ...envelope, signatures: [{ keyid: '', sig }] }, key.publicKey),
      anyOfTwo: verifyDsse(
        { ...envelope, signatures: [{ keyid: 'x', sig }, ...envelope.signatures] },
        key.publicKey,
      ),
    }).toEqual({
      good: true,
      wrongKey: false,
      payload: false,
      payloadType: false,
      flipped: false,
      anyOfTwo: true,
    });
  });
});

describe('serializeDsse / parseDsse', () => {
  it('serialises in go-securesystemslib field order and parses back', () => {
    const envelope = signDsse(key, IN_TOTO_PAYLOAD_TYPE, Buffer.from('hi'));
    const text = serializeDsse(envelope).toString();
    expect(text).toMatch(
      /^\{"payloadType":"application\/vnd\.in-toto\+json","payload":"aGk=","signatures":\[\{"keyid":"","sig":"[^"]+"\}\]\}$/,
    );
    expect(parseDsse(text)).toEqual(envelope);
  });

  it('accepts URL-safe and unpadded base64, as DSSE readers must', () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xfe]);
    const parsed = parseDsse(`{"payloadType":"t","payload":"-__-","signatures":[{"sig":"+//+"}]}`);
    expect({
      payload: parsed.payload,
      sig: parsed.signatures[0]?.sig,
      keyid: parsed.signatures[0]?.keyid,
    }).toEqual({
      payload: bytes,
      sig: bytes,
      keyid: '',
    });
  });

  it.each([
    ['no signatures', '{"payloadType":"t","payload":"aGk=","signatures":[]}', 'SIGN_ENVELOPE_INVALID'],
    ['empty sig', '{"payloadType":"t","payload":"aGk=","signatures":[{"sig":""}]}', 'SIGN_ENVELOPE_INVALID'],
    [
      'payload not base64',
      '{"payloadType":"t","payload":"a b","signatures":[{"sig":"aGk="}]}',
      'SIGN_ENVELOPE_INVALID',
    ],
    [
      'mixed alphabets',
      '{"payloadType":"t","payload":"+-","signatures":[{"sig":"aGk="}]}',
      'SIGN_ENVELOPE_INVALID',
    ],
    ['no payloadType', '{"payload":"aGk=","signatures":[{"sig":"aGk="}]}', 'SIGN_ENVELOPE_INVALID'],
    [
      'keyid a number',
      '{"payloadType":"t","payload":"aGk=","signatures":[{"keyid":1,"sig":"aGk="}]}',
      'SIGN_ENVELOPE_INVALID',
    ],
    [
      'too many signatures',
      `{"payloadType":"t","payload":"aGk=","signatures":[${Array(17).fill('{"sig":"aGk="}').join(',')}]}`,
      'LIMIT_EXCEEDED',
    ],
  ])('refuses %s', (_name, text, code) => {
    expect(() => parseDsse(text)).toThrow(expect.objectContaining({ code }));
  });

  it('random or mutated envelopes yield a value or a BosunError', () => {
    const seed = serializeDsse(signDsse(key, IN_TOTO_PAYLOAD_TYPE, Buffer.from('{"a":1}'))).toString();
    fc.assert(
      fc.property(mutatedText(seed), (text) => {
        valueOrBosunError(() => parseDsse(text), ['SIGN_ENVELOPE_INVALID', 'LIMIT_EXCEEDED']);
      }),
      { numRuns: 1000 },
    );
  });
});
