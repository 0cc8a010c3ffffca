import { generateKeyPairSync } from 'node:crypto';
import { encryptSecret, type ScryptCost } from './encrypted.ts';
import { ENCRYPTED_KEY_LABELS } from './load.ts';
import { encodePem } from './pem.ts';
import type { KeyPairPem } from './types.ts';

export interface GenerateKeyPairOptions {
  /** scrypt N for the encrypted private key; 65536 unless told. */
  readonly cost?: ScryptCost;
  /** PEM label; cosign v2+ writes the SIGSTORE one, cosign v1 the COSIGN one. */
  readonly label?: (typeof ENCRYPTED_KEY_LABELS)[number];
}

/**
 * Generates an ECDSA P-256 key pair in `cosign generate-key-pair` format: the PKCS#8 DER of the
 * private key encrypted with the password (scrypt + NaCl secretbox) under
 * `ENCRYPTED SIGSTORE PRIVATE KEY`, and the PKIX public key under `PUBLIC KEY`.
 * An empty password is allowed, as in cosign.
 */
export async function generateKeyPair(
  password: string | Uint8Array,
  options: GenerateKeyPairOptions = {},
): Promise<KeyPairPem> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  try {
    const encrypted = await encryptSecret(
      pkcs8,
      password,
      options.cost === undefined ? {} : { cost: options.cost },
    );
    return {
      privatePem: encodePem(options.label ?? ENCRYPTED_KEY_LABELS[0], encrypted),
      publicPem: encodePem('PUBLIC KEY', publicKey.export({ type: 'spki', format: 'der' })),
    };
  } finally {
    pkcs8.fill(0);
  }
}
