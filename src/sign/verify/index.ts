/** Verifying cosign-compatible image signatures and attestations stored in a registry. */
export {
  verifyImageSignatures,
  type VerifyImageSignaturesOptions,
  type ImageSignatureVerification,
  type SignatureVerdict,
} from './verify-image.ts';
export {
  verifyImageAttestations,
  type VerifyImageAttestationsOptions,
  type ImageAttestationVerification,
  type AttestationVerdict,
  type AttestationCondition,
  type AttestationConditionContext,
} from './verify-attestations.ts';
export { VerificationCache, type VerificationCacheOptions } from './cache.ts';
export type { VerifyCommonOptions } from './options.ts';
export {
  DEFAULT_VERIFY_LIMITS,
  type FailureReason,
  type KeylessSignerInfo,
  type VerificationFailure,
  type VerificationSource,
  type VerifiedAttestation,
  type VerifiedSignature,
  type VerifyLimits,
} from './types.ts';
