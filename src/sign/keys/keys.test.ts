import { stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENPKEY_ARGS, opensslOk, tempDir, type GenpkeyKind } from '../../../test/support/openssl-cli.ts';
import { mutatedText } from '../../../test/support/parser-property.ts';
import { isBosunError } from '../../util/errors.ts';
import { generateKeyPair } from './generate.ts';
import { loadPrivateKey, loadPublicKey } from './load.ts';
import { decodePem, encodePem } from './pem.ts';
import { writeKeyPair } from './write.ts';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('sign-keys'));
});
afterAll(() => cleanup());

async function codeOf(run: () => unknown): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    if (!isBosunError(error)) throw error;
    return error.code;
  }
}

describe('generateKeyPair', () => {
  it('writes cosign v2+ PEM labels around the encrypted JSON and a PKIX public key', async () => {
    const pair = await generateKeyPair('pw');
    const block = decodePem(pair.privatePem, 'cosign.key');
    const body = JSON.parse(block.der.toString()) as Record<string, unknown>;
    expect({ label: block.label, keys: Object.keys(body) }).toEqual({
      label: 'ENCRYPTED SIGSTORE PRIVATE KEY',
      keys: ['kdf', 'cipher', 'ciphertext'],
    });
    expect(decodePem(pair.publicPem, 'cosign.pub').label).toEqual('PUBLIC KEY');
    const key = await loadPrivateKey(pair.privatePem, 'pw');
    expect(key.algorithm).toEqual('ecdsa-p256');
    expect(key.publicKey.pem).toEqual(pair.publicPem);
  });

  it('accepts an empty password, as cosign does', async () => {
    const pair = await generateKeyPair('');
    expect((await loadPrivateKey(pair.privatePem, '')).algorithm).toEqual('ecdsa-p256');
  });

  it('openssl reads the public key Bosun wrote', async () => {
    const pair = await generateKeyPair('pw');
    await writeKeyPair(dir, pair, 'gen');
    const text = await opensslOk(['pkey', '-pubin', '-in', 'gen.pub', '-noout', '-text'], dir);
    expect(text).toMatch(/ASN1 OID: prime256v1/);
  });
});

describe('loadPrivateKey and loadPublicKey', () => {
  it.each(Object.keys(GENPKEY_ARGS) as GenpkeyKind[])(
    'load %s keys from openssl in each PEM flavour',
    async (kind) => {
      await opensslOk(['genpkey', ...GENPKEY_ARGS[kind], '-out', `${kind}.pkcs8.pem`], dir);
      await opensslOk(['pkey', '-in', `${kind}.pkcs8.pem`, '-pubout', '-out', `${kind}.pub.pem`], dir);
      const pkcs8 = await loadPrivateKey(await readFile(join(dir, `${kind}.pkcs8.pem`)));
      const publicKey = loadPublicKey(await readFile(join(dir, `${kind}.pub.pem`)));
      expect({ algorithm: pkcs8.algorithm, samePublic: pkcs8.publicKey.der.equals(publicKey.der) }).toEqual({
        algorithm: kind,
        samePublic: true,
      });
      if (kind === 'ecdsa-p256' || kind === 'ecdsa-p384' || kind === 'rsa') {
        // Traditional formats (`EC PRIVATE KEY`, `RSA PRIVATE KEY`), as cosign import-key-pair reads.
        await opensslOk(
          ['pkey', '-in', `${kind}.pkcs8.pem`, '-traditional', '-out', `${kind}.trad.pem`],
          dir,
        );
        const traditional = await readFile(join(dir, `${kind}.trad.pem`), 'utf8');
        expect(traditional).toMatch(kind === 'rsa' ? /BEGIN RSA PRIVATE KEY/ : /BEGIN EC PRIVATE KEY/);
        expect((await loadPrivateKey(traditional)).publicKey.der).toEqual(publicKey.der);
      }
    },
  );

  it('computes the bundle hint as base64 SHA-256 of the PKIX DER (openssl agrees)', async () => {
    const pair = await generateKeyPair('pw');
    await writeKeyPair(dir, pair, 'hint');
    await opensslOk(['pkey', '-pubin', '-in', 'hint.pub', '-outform', 'DER', '-out', 'hint.der'], dir);
    const digest = await opensslOk(['dgst', '-sha256', '-binary', '-out', 'hint.sha', 'hint.der'], dir);
    expect(digest).toEqual('');
    expect(loadPublicKey(pair.publicPem).hint).toEqual(
      (await readFile(join(dir, 'hint.sha'))).toString('base64'),
    );
  });

  it.each([
    ['RSA 1024 bits', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024']],
    ['secp256k1', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1']],
    ['X25519', ['-algorithm', 'X25519']],
  ])('refuses %s as cosign does (SIGN_KEY_UNSUPPORTED)', async (name, args) => {
    const file = `unsupported-${name.replace(/\W/g, '')}.pem`;
    await opensslOk(['genpkey', ...args, '-out', file], dir);
    const pem = await readFile(join(dir, file), 'utf8');
    expect(await codeOf(() => loadPrivateKey(pem))).toEqual('SIGN_KEY_UNSUPPORTED');
  });

  it('negative cases carry stable codes', async () => {
    const pair = await generateKeyPair('right');
    const lines = pair.privatePem.trim().split('\n');
    const truncated = [...lines.slice(0, 3), lines.at(-1)].join('\n');
    const cut = pair.privatePem.slice(0, pair.privatePem.length / 2);
    expect({
      wrongPassword: await codeOf(() => loadPrivateKey(pair.privatePem, 'wrong')),
      noPassword: await codeOf(() => loadPrivateKey(pair.privatePem)),
      truncatedBody: await codeOf(() => loadPrivateKey(truncated, 'right')),
      cutInHalf: await codeOf(() => loadPrivateKey(cut, 'right')),
      garbage: await codeOf(() => loadPrivateKey('hello world')),
      publicAsPrivate: await codeOf(() => loadPrivateKey(pair.publicPem)),
      privateAsPublic: await codeOf(() => loadPublicKey(pair.privatePem)),
      junkDer: await codeOf(() => loadPublicKey(encodePem('PUBLIC KEY', Buffer.from('junk junk junk')))),
      certificate: await codeOf(() => loadPublicKey(encodePem('CERTIFICATE', Buffer.from('x')))),
      huge: await codeOf(() => loadPublicKey(`${'A'.repeat(70_000)}`)),
    }).toEqual({
      wrongPassword: 'SIGN_KEY_PASSWORD',
      noPassword: 'SIGN_KEY_PASSWORD',
      truncatedBody: 'SIGN_KEY_INVALID',
      cutInHalf: 'SIGN_KEY_INVALID',
      garbage: 'SIGN_KEY_INVALID',
      publicAsPrivate: 'SIGN_KEY_INVALID',
      privateAsPublic: 'SIGN_KEY_INVALID',
      junkDer: 'SIGN_KEY_INVALID',
      certificate: 'SIGN_KEY_INVALID',
      huge: 'SIGN_KEY_INVALID',
    });
  });

  it('random or mutated PEM text yields a key or a BosunError', async () => {
    const pair = await generateKeyPair('pw');
    const codes = ['ok', 'SIGN_KEY_INVALID', 'SIGN_KEY_PASSWORD', 'SIGN_KEY_UNSUPPORTED', 'LIMIT_EXCEEDED'];
    await fc.assert(
      fc.asyncProperty(mutatedText(pair.publicPem), async (text) => {
        expect(codes).toContain(await codeOf(() => loadPublicKey(text)));
      }),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(mutatedText(pair.privatePem), async (text) => {
        expect(codes).toContain(await codeOf(() => loadPrivateKey(text, 'pw')));
      }),
      { numRuns: 60 },
    );
  });

  it('random bytes wrapped as encrypted-key PEM yield a BosunError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        const pem = encodePem('ENCRYPTED SIGSTORE PRIVATE KEY', bytes);
        expect(['SIGN_KEY_INVALID', 'SIGN_KEY_PASSWORD', 'LIMIT_EXCEEDED']).toContain(
          await codeOf(() => loadPrivateKey(pem, 'pw')),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('writeKeyPair', () => {
  it('writes cosign.key with mode 0600 and cosign.pub with 0644, and never overwrites', async () => {
    const { dir: out, cleanup: done } = await tempDir('sign-write');
    try {
      const pair = await generateKeyPair('pw');
      const written = await writeKeyPair(out, pair);
      const modes = {
        key: (await stat(written.privatePath)).mode & 0o777,
        pub: (await stat(written.publicPath)).mode & 0o777,
      };
      expect(modes).toEqual({ key: 0o600, pub: 0o644 });
      expect(written.privatePath).toEqual(join(out, 'cosign.key'));
      expect(await readFile(written.privatePath, 'utf8')).toEqual(pair.privatePem);
      expect(await codeOf(() => writeKeyPair(out, pair))).toEqual('SIGN_KEY_EXISTS');
    } finally {
      await done();
    }
  });
});
