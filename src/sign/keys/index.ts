export { generateKeyPair, type GenerateKeyPairOptions } from './generate.ts';
export { loadPrivateKey, loadPublicKey, ENCRYPTED_KEY_LABELS, type LoadKeyOptions } from './load.ts';
export { writeKeyPair, type WrittenKeyPair } from './write.ts';
export {
  encryptSecret,
  decryptSecret,
  SCRYPT_COSTS,
  type ScryptCost,
  type EncryptOptions,
} from './encrypted.ts';
export { decodePem, encodePem, type PemBlock } from './pem.ts';
export type { KeyAlgorithm, KeyPairPem, PrivateKey, PublicKey } from './types.ts';
