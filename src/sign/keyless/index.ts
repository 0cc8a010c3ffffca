/** Keyless (Fulcio certificate + Rekor entry) signing and verification against a trusted root. */
export { parseTrustedRoot, type ParsedTrustedRoot, type ParseTrustedRootOptions } from './trusted-root.ts';
export {
  compileIdentities,
  matchIdentity,
  type CertificateIdentity,
  type CompiledIdentity,
  type IdentityMatch,
  type SignerIdentity,
} from './identity.ts';
export {
  createKeylessVerifier,
  type KeylessOptions,
  type KeylessVerifier,
  type KeylessVerification,
  type KeylessFailureReason,
  type KeylessSigner,
} from './verify-keyless.ts';
export {
  bundleFromLegacy,
  legacyAnnotationsFromBundle,
  type LegacyBundle,
  type LegacyContent,
} from './legacy-bundle.ts';
export {
  signDsseKeyless,
  signMessageKeyless,
  serializeBundle,
  checkIdentityToken,
  DEFAULT_FULCIO_URL,
  DEFAULT_REKOR_URL,
  type KeylessSigningOptions,
} from './keyless-signer.ts';
export {
  signImageKeyless,
  attestImageKeyless,
  type SignImageKeylessOptions,
  type AttestImageKeylessOptions,
  type KeylessSignResult,
  type KeylessAttestResult,
} from './sign-image-keyless.ts';
export { fetchTrustedRoot, DEFAULT_TUF_MIRROR_URL, type TufTrustedRootOptions } from './tuf.ts';
