import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { valueOrBosunError } from '../../../test/support/parser-property.ts';
import { decryptSecret, encryptSecret, SCRYPT_COSTS } from './encrypted.ts';

// Known-answer vectors published in go-securesystemslib's encrypted package tests (the Go code
// cosign uses), password "supersecret". The per-strength vectors were made with its `Marshal`,
// so their plaintext is the JSON of []byte("reallyimportant"): a quoted base64 string.
const MARSHALLED_PLAINTEXT = JSON.stringify(Buffer.from('reallyimportant').toString('base64'));
const GO_RAW_VECTOR =
  '{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"N9a7x5JFGbrtB2uBR81jPwp0eiLR4A7FV3mjVAQrg1g="},"cipher":{"name":"nacl/secretbox","nonce":"2h8HxMmgRfuYdpswZBQaU3xJ1nkA/5Ik"},"ciphertext":"SEW6sUh0jf2wfdjJGPNS9+bkk2uB+Cxamf32zR8XkQ=="}';
const GO_VECTORS: readonly (readonly [number, string])[] = [
  [
    32768,
    '{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"WO3mVvyTwJ9vwT5/Tk5OW5WPIBUofMjcpEfrLnfY4uA="},"cipher":{"name":"nacl/secretbox","nonce":"tCy7HcTFr4uxv4Nrg/DWmncuZ148U1MX"},"ciphertext":"08n43p5G5yviPEZpO7tPPF4aZQkWiWjkv4taFdhDBA0tamKH4nw="}',
  ],
  [
    65536,
    '{"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"FhzPOt9/bJG4PTq6lQ6ecG6GzaOuOy/ynG5+yRiFlNs="},"cipher":{"name":"nacl/secretbox","nonce":"aw1ng1jHaDz/tQ7V2gR9O2+IGQ8xJEuE"},"ciphertext":"HycvuLZL4sYH0BrYTh4E/H20VtAW6u5zL5Pr+IBjYLYnCPzDkq8="}',
  ],
  [
    131072,
    '{"kdf":{"name":"scrypt","params":{"N":131072,"r":8,"p":1},"salt":"m38E3kouJTtiheLQN22NQ8DTito5hrjpUIskqcd375k="},"cipher":{"name":"nacl/secretbox","nonce":"Y6PM13yA+o44pE/W1ZBwczeGnTV/m9Zc"},"ciphertext":"6H8sqj1K6B6yDjtH5AQ6lbFigg/C2yDDJc4rYJ79w9aVPImFIPI="}',
  ],
];

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code';
  }
}

describe('go-securesystemslib encrypted format', () => {
  it.each(GO_VECTORS)('decrypts the Go vector with N=%i', async (_n, json) => {
    const plaintext = await decryptSecret(Buffer.from(json), 'supersecret', 'vector');
    expect(plaintext.toString()).toEqual(MARSHALLED_PLAINTEXT);
  });

  it('decrypts the raw Go vector', async () => {
    const plaintext = await decryptSecret(Buffer.from(GO_RAW_VECTOR), 'supersecret', 'vector');
    expect(plaintext.toString()).toEqual('reallyimportant');
  });

  it.each(SCRYPT_COSTS)('round-trips with N=%i and writes the Go field layout', async (cost) => {
    const json = await encryptSecret(Buffer.from('secret key bytes'), 'pässword', { cost });
    expect(json.toString()).toMatch(
      new RegExp(
        `^\\{"kdf":\\{"name":"scrypt","params":\\{"N":${cost},"r":8,"p":1\\},"salt":"[A-Za-z0-9+/]{43}="\\},` +
          '"cipher":\\{"name":"nacl/secretbox","nonce":"[A-Za-z0-9+/]{32}"\\},"ciphertext":"[A-Za-z0-9+/=]+"\\}$',
      ),
    );
    expect((await decryptSecret(json, 'pässword', 'key')).toString()).toEqual('secret key bytes');
  });

  it('defaults to N=65536', async () => {
    const json = JSON.parse((await encryptSecret(Buffer.from('x'), '')).toString()) as {
      kdf: { params: { N: number } };
    };
    expect(json.kdf.params.N).toEqual(65536);
  });

  it.each([
    ['wrong password', 'supersecreT', GO_VECTORS[0]?.[1] ?? '', 'SIGN_KEY_PASSWORD'],
    [
      'tampered ciphertext',
      'supersecret',
      (GO_VECTORS[0]?.[1] ?? '').replace('"08n4', '"18n4'),
      'SIGN_KEY_PASSWORD',
    ],
    [
      'N outside the allowed set',
      'supersecret',
      (GO_VECTORS[0]?.[1] ?? '').replace('32768', '1048576'),
      'SIGN_KEY_INVALID',
    ],
    ['r changed', 'supersecret', (GO_VECTORS[0]?.[1] ?? '').replace('"r":8', '"r":16'), 'SIGN_KEY_INVALID'],
    [
      'short nonce',
      'supersecret',
      (GO_VECTORS[0]?.[1] ?? '').replace('tCy7HcTFr4uxv4Nrg/DWmncuZ148U1MX', 'AAAA'),
      'SIGN_KEY_INVALID',
    ],
    [
      'other cipher',
      'supersecret',
      (GO_VECTORS[0]?.[1] ?? '').replace('nacl/secretbox', 'aes-gcm'),
      'SIGN_KEY_INVALID',
    ],
    ['not JSON', 'supersecret', '{"kdf":', 'SIGN_KEY_INVALID'],
    ['JSON array', 'supersecret', '[]', 'SIGN_KEY_INVALID'],
  ])('%s → %s', async (_name, password, json, code) => {
    expect(await codeOf(decryptSecret(Buffer.from(json), password, 'key'))).toEqual(code);
  });

  it('random or mutated documents yield a value or a BosunError, never scrypt with hostile parameters', async () => {
    const seed = GO_VECTORS[0]?.[1] ?? '';
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 512 }),
          fc.string({ maxLength: 400 }).map((s) => Buffer.from(s)),
          fc.nat({ max: seed.length }).map((n) => Buffer.from(seed.slice(0, n))),
          fc
            .tuple(fc.nat({ max: seed.length - 1 }), fc.constantFrom('"', '{', '9', 'A', '}', ','))
            .map(([at, c]) => Buffer.from(seed.slice(0, at) + c + seed.slice(at + 1))),
        ),
        async (bytes) => {
          const code = await codeOf(decryptSecret(bytes, 'supersecret', 'key'));
          expect(['ok', 'SIGN_KEY_INVALID', 'SIGN_KEY_PASSWORD', 'LIMIT_EXCEEDED']).toContain(code);
        },
      ),
      { numRuns: 150 },
    );
    expect(valueOrBosunError(() => 1, [])).toEqual(1);
  });
});
