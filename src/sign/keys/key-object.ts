import { createHash, type KeyObject } from 'node:crypto';
import { BosunError } from '../../util/errors.ts';
import { encodePem } from './pem.ts';
import type { KeyAlgorithm, PublicKey } from './types.ts';

const CURVES: Readonly<Record<string, KeyAlgorithm>> = {
  prime256v1: 'ecdsa-p256',
  secp384r1: 'ecdsa-p384',
  secp521r1: 'ecdsa-p521',
};

// sigstore's cryptoutils.ValidatePubKey bounds: RSA 2048..4096 bits.
const RSA_MIN_BITS = 2048;
const RSA_MAX_BITS = 4096;

/** Names the algorithm of a key, refusing what cosign refuses (other curves, small or huge RSA, DSA...). */
export function keyAlgorithmOf(key: KeyObject, input: string): KeyAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const algorithm = CURVES[details.namedCurve ?? ''];
      if (algorithm !== undefined) return algorithm;
      throw unsupported(input, `EC curve ${details.namedCurve ?? 'unknown'}`);
    }
    case 'ed25519':
      return 'ed25519';
    case 'rsa': {
      const bits = details.modulusLength ?? 0;
      if (bits >= RSA_MIN_BITS && bits <= RSA_MAX_BITS) return 'rsa';
      throw unsupported(input, `RSA key of ${bits} bits (allowed ${RSA_MIN_BITS}..${RSA_MAX_BITS})`);
    }
    default:
      throw unsupported(input, `key type ${key.asymmetricKeyType ?? 'unknown'}`);
  }
}

function unsupported(input: string, what: string): BosunError {
  return new BosunError('SIGN_KEY_UNSUPPORTED', `${input}: unsupported ${what}`, { details: { input } });
}

/** Builds the PublicKey view of a public KeyObject. */
export function toPublicKey(key: KeyObject, input: string): PublicKey {
  const algorithm = keyAlgorithmOf(key, input);
  const der = key.export({ type: 'spki', format: 'der' });
  return {
    algorithm,
    keyObject: key,
    der,
    pem: encodePem('PUBLIC KEY', der),
    hint: createHash('sha256').update(der).digest('base64'),
  };
}
