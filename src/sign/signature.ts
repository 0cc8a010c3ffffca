import { sign, verify } from 'node:crypto';
import type { KeyAlgorithm, PrivateKey, PublicKey } from './keys/types.ts';

export type SignatureHash = 'sha256' | 'sha384' | 'sha512';

export interface SignOptions {
  /**
   * Digest for ECDSA and RSA. cosign loads every ECDSA and RSA key with SHA-256
   * (`signature.LoadSignerVerifier(key, crypto.SHA256)`), whatever the curve, so that is the default.
   * Ed25519 signs the message itself and ignores this.
   */
  readonly hash?: SignatureHash;
}

/**
 * Signs `bytes` as cosign does: ECDSA as ASN.1 DER (r, s), RSA as PKCS#1 v1.5, Ed25519 pure.
 * The caller base64-encodes the result for the `dev.cosignproject.cosign/signature` annotation.
 */
export function signBlob(key: PrivateKey, bytes: Uint8Array, options: SignOptions = {}): Buffer {
  return sign(digestFor(key.algorithm, options.hash), bytes, key.keyObject);
}

/**
 * Verifies a signature made by {@link signBlob}, cosign or `openssl dgst -sign`. "No" is a value:
 * a wrong key, tampered bytes or malformed signature bytes all return false.
 */
export function verifyBlob(
  key: PublicKey,
  bytes: Uint8Array,
  signature: Uint8Array,
  options: SignOptions = {},
): boolean {
  if (signature.byteLength === 0 || signature.byteLength > MAX_SIGNATURE_BYTES) return false;
  try {
    return verify(digestFor(key.algorithm, options.hash), bytes, key.keyObject, signature);
  } catch {
    // OpenSSL rejects some malformed encodings by throwing rather than returning false.
    return false;
  }
}

// An RSA-4096 signature is 512 bytes, ECDSA P-521 DER at most 139: anything far larger is not one.
const MAX_SIGNATURE_BYTES = 4096;

function digestFor(algorithm: KeyAlgorithm, hash: SignatureHash | undefined): string | null {
  switch (algorithm) {
    case 'ed25519':
      return null;
    case 'ecdsa-p256':
    case 'ecdsa-p384':
    case 'ecdsa-p521':
    case 'rsa':
      return hash ?? 'sha256';
  }
}
