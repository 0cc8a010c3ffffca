/**
 * Cosign-compatible keys, payloads, signatures, DSSE envelopes, in-toto statements and Sigstore
 * bundles. Nothing here touches a registry.
 */
export {
  generateKeyPair,
  loadPrivateKey,
  loadPublicKey,
  writeKeyPair,
  encryptSecret,
  decryptSecret,
  decodePem,
  encodePem,
  ENCRYPTED_KEY_LABELS,
  SCRYPT_COSTS,
} from './keys/index.ts';
export type {
  GenerateKeyPairOptions,
  LoadKeyOptions,
  WrittenKeyPair,
  ScryptCost,
  EncryptOptions,
  PemBlock,
  KeyAlgorithm,
  KeyPairPem,
  PrivateKey,
  PublicKey,
} from './keys/index.ts';
export { signBlob, verifyBlob, type SignOptions, type SignatureHash } from './signature.ts';
export {
  buildSimpleSigningPayload,
  parseSimpleSigningPayload,
  COSIGN_SIGNATURE_TYPE,
  SIMPLE_SIGNING_MEDIA_TYPE,
  MAX_PAYLOAD_BYTES,
  type SimpleSigningPayload,
  type ParsePayloadOptions,
  type Annotations,
} from './simple-signing.ts';
export {
  preAuthEncoding,
  signDsse,
  verifyDsse,
  serializeDsse,
  parseDsse,
  IN_TOTO_PAYLOAD_TYPE,
  DSSE_ENVELOPE_MEDIA_TYPE,
  type DsseEnvelope,
  type DsseSignature,
  type ParseDsseOptions,
} from './dsse.ts';
export {
  buildStatement,
  parseStatement,
  buildCosignAttestation,
  buildCosignSignStatement,
  predicateTypeUri,
  statementHasSubject,
  PREDICATE_TYPES,
  STATEMENT_TYPE_V01,
  STATEMENT_TYPE_V1,
  type Statement,
  type Subject,
  type PredicateTypeName,
  type CosignAttestationOptions,
  type ParseStatementOptions,
} from './in-toto.ts';
export {
  createDsseBundle,
  createMessageSignatureBundle,
  parseBundle,
  verifyBundle,
  BUNDLE_V03_MEDIA_TYPE,
  type ParsedBundle,
  type BundleContent,
  type BundleKeyMaterial,
  type BundleVerification,
  type ParseBundleOptions,
} from './bundle.ts';
export { marshalGoJson, RawJson, type JsonValue } from './json/go-json.ts';
