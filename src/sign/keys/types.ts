import type { KeyObject } from 'node:crypto';

/** Key algorithms cosign signs and verifies with (sigstore's cryptoutils.ValidatePubKey set). */
export type KeyAlgorithm = 'ecdsa-p256' | 'ecdsa-p384' | 'ecdsa-p521' | 'ed25519' | 'rsa';

/** A public key Bosun verifies with. */
export interface PublicKey {
  readonly algorithm: KeyAlgorithm;
  readonly keyObject: KeyObject;
  /** PKIX (SubjectPublicKeyInfo) DER. */
  readonly der: Buffer;
  /** `PUBLIC KEY` PEM of `der`, as cosign writes `cosign.pub`. */
  readonly pem: string;
  /** base64(sha256(der)): the bundle `publicKey.hint` sigstore-go and cosign write. */
  readonly hint: string;
}

/** A private key Bosun signs with, and its public half. */
export interface PrivateKey {
  readonly algorithm: KeyAlgorithm;
  readonly keyObject: KeyObject;
  readonly publicKey: PublicKey;
}

/** A key pair as cosign writes it: `cosign.key` (encrypted) and `cosign.pub`. */
export interface KeyPairPem {
  readonly privatePem: string;
  readonly publicPem: string;
}
