import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { BosunError, isBosunError } from '../../util/errors.ts';
import { decryptSecret } from './encrypted.ts';
import { keyAlgorithmOf, toPublicKey } from './key-object.ts';
import { decodePem } from './pem.ts';
import type { PrivateKey, PublicKey } from './types.ts';

/** PEM labels of cosign's password-encrypted private keys (v2+ and v1). */
export const ENCRYPTED_KEY_LABELS = [
  'ENCRYPTED SIGSTORE PRIVATE KEY',
  'ENCRYPTED COSIGN PRIVATE KEY',
] as const;

export interface LoadKeyOptions {
  /** Names the key in errors (a file name, `--key`); never the key itself. */
  readonly input?: string;
}

/**
 * Loads a private key from PEM: cosign's encrypted formats (`password` required), or a plain
 * `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY` (SEC 1) or `RSA PRIVATE KEY` (PKCS#1), as
 * `cosign import-key-pair` accepts. Wrong password is SIGN_KEY_PASSWORD; anything malformed is
 * SIGN_KEY_INVALID; a key cosign would refuse is SIGN_KEY_UNSUPPORTED.
 */
export async function loadPrivateKey(
  pem: string | Uint8Array,
  password?: string | Uint8Array,
  options: LoadKeyOptions = {},
): Promise<PrivateKey> {
  const input = options.input ?? 'private key';
  const block = decodePem(pem, input);
  let keyObject: KeyObject;
  if ((ENCRYPTED_KEY_LABELS as readonly string[]).includes(block.label)) {
    if (password === undefined) {
      throw new BosunError('SIGN_KEY_PASSWORD', `${input}: the key is encrypted and no password was given`, {
        details: { input },
      });
    }
    const der = await decryptSecret(block.der, password, input);
    keyObject = importPrivate(der, 'pkcs8', input);
  } else if (block.label === 'PRIVATE KEY') {
    keyObject = importPrivate(block.der, 'pkcs8', input);
  } else if (block.label === 'EC PRIVATE KEY') {
    keyObject = importPrivate(block.der, 'sec1', input);
  } else if (block.label === 'RSA PRIVATE KEY') {
    keyObject = importPrivate(block.der, 'pkcs1', input);
  } else {
    throw new BosunError('SIGN_KEY_INVALID', `${input}: unsupported PEM label "${block.label}"`, {
      details: { input, label: block.label },
    });
  }
  const algorithm = keyAlgorithmOf(keyObject, input);
  return { algorithm, keyObject, publicKey: toPublicKey(createPublicKey(keyObject), input) };
}

/** Loads a `PUBLIC KEY` (PKIX) or `RSA PUBLIC KEY` (PKCS#1) PEM, as `cosign verify --key` reads it. */
export function loadPublicKey(pem: string | Uint8Array, options: LoadKeyOptions = {}): PublicKey {
  const input = options.input ?? 'public key';
  const block = decodePem(pem, input);
  let type: 'spki' | 'pkcs1';
  if (block.label === 'PUBLIC KEY') type = 'spki';
  else if (block.label === 'RSA PUBLIC KEY') type = 'pkcs1';
  else {
    throw new BosunError('SIGN_KEY_INVALID', `${input}: unsupported PEM label "${block.label}"`, {
      details: { input, label: block.label },
    });
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: block.der, format: 'der', type });
  } catch (cause) {
    throw new BosunError('SIGN_KEY_INVALID', `${input}: malformed public key`, { cause, details: { input } });
  }
  return toPublicKey(keyObject, input);
}

function importPrivate(der: Buffer, type: 'pkcs8' | 'sec1' | 'pkcs1', input: string): KeyObject {
  try {
    return createPrivateKey({ key: der, format: 'der', type });
  } catch (cause) {
    if (isBosunError(cause)) throw cause;
    throw new BosunError('SIGN_KEY_INVALID', `${input}: malformed ${type} private key`, {
      cause,
      details: { input },
    });
  }
}
