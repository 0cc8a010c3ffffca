// Signatures interoperate with the real openssl CLI in both directions, over cosign's exact
// payload bytes, for every key type cosign signs with.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GENPKEY_ARGS,
  openssl,
  opensslOk,
  tempDir,
  type GenpkeyKind,
} from '../../test/support/openssl-cli.ts';
import { generateKeyPair, loadPrivateKey, loadPublicKey } from './keys/index.ts';
import { signBlob, verifyBlob } from './signature.ts';
import { buildSimpleSigningPayload } from './simple-signing.ts';

const PAYLOAD = buildSimpleSigningPayload({
  dockerReference: '127.0.0.1:5000/bosun/app',
  manifestDigest: `sha256:${'0123456789abcdef'.repeat(4)}`,
  annotations: { build: 'ci-42', '<html>': 'a&b' },
});

let dir = '';
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('sign-openssl'));
  await writeFile(join(dir, 'payload'), PAYLOAD);
});
afterAll(() => cleanup());

/** Signs `payload` with openssl the way each key type is used: dgst -sha256, or pkeyutl -rawin for Ed25519. */
async function opensslSign(kind: GenpkeyKind, keyFile: string, sigFile: string): Promise<void> {
  if (kind === 'ed25519') {
    await opensslOk(
      ['pkeyutl', '-sign', '-rawin', '-inkey', keyFile, '-in', 'payload', '-out', sigFile],
      dir,
    );
  } else {
    await opensslOk(['dgst', '-sha256', '-sign', keyFile, '-out', sigFile, 'payload'], dir);
  }
}

async function opensslVerify(
  kind: GenpkeyKind,
  pubFile: string,
  sigFile: string,
  dataFile = 'payload',
): Promise<number> {
  const args =
    kind === 'ed25519'
      ? ['pkeyutl', '-verify', '-rawin', '-pubin', '-inkey', pubFile, '-in', dataFile, '-sigfile', sigFile]
      : ['dgst', '-sha256', '-verify', pubFile, '-signature', sigFile, dataFile];
  return (await openssl(args, dir)).code;
}

describe('cosign keys from generateKeyPair', () => {
  it('openssl dgst -sha256 -verify accepts Bosun signatures with the cosign.pub Bosun wrote', async () => {
    const pair = await generateKeyPair('hunter2');
    await writeFile(join(dir, 'cosign.pub'), pair.publicPem);
    const key = await loadPrivateKey(pair.privatePem, 'hunter2');
    await writeFile(join(dir, 'bosun.sig'), signBlob(key, PAYLOAD));
    expect(await opensslVerify('ecdsa-p256', 'cosign.pub', 'bosun.sig')).toEqual(0);
    // Proves the check can fail: a different payload is refused by openssl.
    await writeFile(join(dir, 'other'), Buffer.concat([PAYLOAD, Buffer.from(' ')]));
    expect(await opensslVerify('ecdsa-p256', 'cosign.pub', 'bosun.sig', 'other')).not.toEqual(0);
  });

  it('openssl reads the decrypted private key exported as PKCS#8 and its signature verifies in Bosun', async () => {
    const pair = await generateKeyPair('pw');
    const key = await loadPrivateKey(pair.privatePem, 'pw');
    await writeFile(join(dir, 'exported.pem'), key.keyObject.export({ type: 'pkcs8', format: 'pem' }));
    await opensslSign('ecdsa-p256', 'exported.pem', 'exported.sig');
    const signature = await readFile(join(dir, 'exported.sig'));
    expect(verifyBlob(loadPublicKey(pair.publicPem), PAYLOAD, signature)).toEqual(true);
  });
});

describe.each(Object.keys(GENPKEY_ARGS) as GenpkeyKind[])('%s keys made by openssl', (kind) => {
  const keyFile = `${kind}.key`;
  const pubFile = `${kind}.pub`;
  beforeAll(async () => {
    await opensslOk(['genpkey', ...GENPKEY_ARGS[kind], '-out', keyFile], dir);
    await opensslOk(['pkey', '-in', keyFile, '-pubout', '-out', pubFile], dir);
  });

  it('Bosun verifies a signature openssl made', async () => {
    await opensslSign(kind, keyFile, `${kind}.openssl.sig`);
    const publicKey = loadPublicKey(await readFile(join(dir, pubFile), 'utf8'));
    const signature = await readFile(join(dir, `${kind}.openssl.sig`));
    expect(publicKey.algorithm).toEqual(kind);
    expect(verifyBlob(publicKey, PAYLOAD, signature)).toEqual(true);
  });

  it('openssl verifies a signature Bosun made with the same key', async () => {
    const privateKey = await loadPrivateKey(await readFile(join(dir, keyFile), 'utf8'));
    await writeFile(join(dir, `${kind}.bosun.sig`), signBlob(privateKey, PAYLOAD));
    expect(await opensslVerify(kind, pubFile, `${kind}.bosun.sig`)).toEqual(0);
  });

  it('tampered payload, flipped signature bit and wrong key are "no", not errors', async () => {
    const privateKey = await loadPrivateKey(await readFile(join(dir, keyFile), 'utf8'));
    const publicKey = privateKey.publicKey;
    const signature = signBlob(privateKey, PAYLOAD);
    const tampered = Buffer.from(PAYLOAD);
    tampered[10] = (tampered[10] ?? 0) ^ 0x01;
    const flipped = Buffer.from(signature);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 0x01;
    const other = await loadPrivateKey((await generateKeyPair('x')).privatePem, 'x');
    expect({
      good: verifyBlob(publicKey, PAYLOAD, signature),
      tampered: verifyBlob(publicKey, tampered, signature),
      flipped: verifyBlob(publicKey, PAYLOAD, flipped),
      wrongKey: verifyBlob(other.publicKey, PAYLOAD, signature),
      empty: verifyBlob(publicKey, PAYLOAD, Buffer.alloc(0)),
      garbage: verifyBlob(publicKey, PAYLOAD, Buffer.from('not a signature at all')),
    }).toEqual({
      good: true,
      tampered: false,
      flipped: false,
      wrongKey: false,
      empty: false,
      garbage: false,
    });
  });
});
