/**
 * Cosign-compatible keys, payloads, signatures, DSSE envelopes, in-toto statements and Sigstore
 * bundles, and their storage in OCI registries (legacy `.sig`/`.att` tags, bundle referrers).
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
export { signImage, type SignImageOptions, type SignImageResult, type SignatureFormat } from './sign-image.ts';
export { attestImage, type AttestImageOptions, type AttestImageResult } from './attest.ts';
export {
  verifyImageSignatures,
  verifyImageAttestations,
  VerificationCache,
  DEFAULT_VERIFY_LIMITS,
  type VerifyImageSignaturesOptions,
  type ImageSignatureVerification,
  type SignatureVerdict,
  type VerifyImageAttestationsOptions,
  type ImageAttestationVerification,
  type AttestationVerdict,
  type AttestationCondition,
  type AttestationConditionContext,
  type VerificationCacheOptions,
  type VerifyCommonOptions,
  type FailureReason,
  type VerificationFailure,
  type VerificationSource,
  type VerifiedAttestation,
  type VerifiedSignature,
  type VerifyLimits,
} from './verify/index.ts';
export {
  SIGNATURE_ANNOTATION,
  CERTIFICATE_ANNOTATION,
  CHAIN_ANNOTATION,
  PREDICATE_TYPE_ANNOTATION,
  BUNDLE_PREDICATE_TYPE_ANNOTATION,
  cosignTag,
  buildSignatureImage,
  buildBundleManifest,
  isBundleMediaType,
  type StorageOptions,
} from './storage/index.ts';
