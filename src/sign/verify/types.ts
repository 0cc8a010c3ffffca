import type { Annotations, SimpleSigningPayload } from '../simple-signing.ts';
import type { Statement, Subject } from '../in-toto.ts';
import type { SignatureFormat } from '../sign-image.ts';

/** Where a signature or attestation was read from. */
export interface VerificationSource {
  readonly format: SignatureFormat;
  /** The `.sig`/`.att` image or the referrer manifest. */
  readonly manifestDigest: string;
  /** The layer holding the payload, envelope or bundle. */
  readonly layerDigest?: string;
}

/** Why one stored signature or attestation did not count. Stable strings: tests and policies match them. */
export type FailureReason =
  /** The `.sig`/`.att` image or a referrer manifest is unreadable or not what it claims. */
  | 'storage-invalid'
  /** A `.sig` layer whose media type is not a simple-signing payload. */
  | 'unsupported-layer'
  /** No (or non-base64) `dev.cosignproject.cosign/signature` annotation. */
  | 'signature-missing'
  /** The payload/bundle blob is missing, over the size limit, or does not match its digest. */
  | 'payload-unavailable'
  /** None of the keys verifies the signature over these bytes. */
  | 'signature-mismatch'
  /** Signed, but not a cosign simple-signing payload. */
  | 'payload-invalid'
  /** Not a valid Sigstore bundle, or not a DSSE one. */
  | 'bundle-invalid'
  /** Signed, but not an in-toto statement. */
  | 'statement-invalid'
  /** A referrer manifest whose `subject` is another image. */
  | 'subject-mismatch'
  /** The signed payload names another image digest (copied from another image). */
  | 'digest-mismatch'
  /** The signed `docker-reference` (or subject name) is another repository. */
  | 'docker-reference-mismatch'
  /** A required annotation is absent from the signed claims or has another value. */
  | 'annotation-mismatch'
  /** The manifest's (unsigned) predicate type annotation disagrees with the signed statement. */
  | 'predicate-type-mismatch'
  /** The attestation verified but the caller's condition rejected it. */
  | 'condition-failed'
  /** Fewer signatures verified than `minSignatures`. */
  | 'too-few-signatures'
  /** Keyless: no certificate (a key-based signature), or no Rekor bundle annotation. */
  | 'certificate-missing'
  /** Keyless: the certificate does not chain to the trusted root at the log time, or lacks SCTs. */
  | 'certificate-untrusted'
  /** Keyless: the transparency log entry is missing, unsigned by a trusted log, or about another signature. */
  | 'tlog-invalid'
  /** Keyless: no trusted time (SET or timestamp) for the signature. */
  | 'timestamp-invalid'
  /** Keyless: the certificate's subject matches no `certificateIdentity`. */
  | 'identity-mismatch'
  /** Keyless: a subject matched but the OIDC issuer did not. */
  | 'issuer-mismatch';

export interface VerificationFailure {
  readonly reason: FailureReason;
  readonly source?: VerificationSource;
  /** Short, non-secret detail (an error code, a field name). */
  readonly detail?: string;
}

/** Who a keyless signature's certificate names (verified against the trusted root). */
export interface KeylessSignerInfo {
  readonly subjectAlternativeName: string;
  readonly issuer: string;
  /** The certificate, PEM. */
  readonly certificatePem: string;
  /** Log integration time, seconds since the epoch (when the entry carries a SET). */
  readonly integratedTime?: number;
}

interface VerifiedBase {
  readonly source: VerificationSource;
  /**
   * Index in `keys` of the key that verified it, and that key's hint (base64 SHA-256 of its DER).
   * Keyless: the index in `keyless.identities` of the identity matched, and the certificate key's hint.
   */
  readonly keyIndex: number;
  readonly keyHint: string;
  /** Keyless verification only: the certificate's identity. */
  readonly signer?: KeylessSignerInfo;
  /** The image digest the signature is for (always the verified image's). */
  readonly manifestDigest: string;
  /** The signed annotations: the payload's `optional`, or the statement subject's annotations. */
  readonly annotations: Annotations | null;
  /** The exact signed bytes (payload or statement). */
  readonly payloadBytes: Buffer;
}

export type VerifiedSignature =
  | (VerifiedBase & {
      readonly format: 'legacy';
      readonly payload: SimpleSigningPayload;
      /** The base64 signature as stored. */
      readonly signature: string;
      readonly certificatePem?: string;
    })
  | (VerifiedBase & { readonly format: 'bundle'; readonly statement: Statement; readonly subject: Subject });

/** An attestation whose envelope verified and whose statement is about the image. */
export interface VerifiedAttestation extends VerifiedBase {
  readonly format: SignatureFormat;
  readonly statement: Statement;
  readonly predicateType: string;
  readonly subject: Subject;
}

/** The digest-determined part of a verification result: what the cache holds. */
export interface Verdict<T> {
  readonly ok: boolean;
  readonly verified: readonly T[];
  readonly failures: readonly VerificationFailure[];
}

/** What every verification result says about the image, and whether it came from the cache. */
export interface VerifiedImage {
  /** The verified image, `registry/repository[:tag]@digest`. */
  readonly reference: string;
  readonly digest: string;
  /** The reference was a tag, resolved now: a signature for the digest it pointed at before does not count. */
  readonly resolvedFromTag: boolean;
}

export interface VerifyLimits {
  /** Most layers read from a `.sig`/`.att` image (1,000). */
  readonly maxLayers: number;
  /** Most candidate referrers examined (256). */
  readonly maxReferrers: number;
  /** Largest simple-signing payload fetched (1 MiB). */
  readonly maxPayloadBytes: number;
  /** Largest DSSE envelope or bundle fetched (32 MiB: attestations carry SBOMs). */
  readonly maxEnvelopeBytes: number;
}

export const DEFAULT_VERIFY_LIMITS: VerifyLimits = Object.freeze({
  maxLayers: 1000,
  maxReferrers: 256,
  maxPayloadBytes: 1024 * 1024,
  maxEnvelopeBytes: 32 * 1024 * 1024,
});
