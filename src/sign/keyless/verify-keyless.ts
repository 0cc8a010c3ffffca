/**
 * Keyless verification of one Sigstore bundle, as `cosign verify --certificate-identity ...` does
 * with a trusted root: the Fulcio leaf must chain to a trusted CA at the time the transparency log
 * integrated the entry, carry `ctlogThreshold` valid SCTs, the log entry must be included (SET or
 * inclusion proof signed by a trusted Rekor key) and describe this very signature, the signature
 * must verify with the leaf's key, and the leaf's SAN and OIDC issuer must match an identity.
 * @sigstore/verify does the cryptography; "no" is a value with a stable reason.
 */
import { createHash } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { toSignedEntity, Verifier, VerificationError } from '@sigstore/verify';
import { BosunError } from '../../util/errors.ts';
import {
  compileIdentities,
  matchIdentity,
  type CertificateIdentity,
  type CompiledIdentity,
  type SignerIdentity,
} from './identity.ts';
import type { ParsedTrustedRoot } from './trusted-root.ts';

/** Keyless verification settings: whom to trust (the root) and whom to accept (identities). */
export interface KeylessOptions {
  readonly trustedRoot: ParsedTrustedRoot;
  readonly identities: readonly CertificateIdentity[];
  /** Transparency log entries required (cosign: 1). */
  readonly tlogThreshold?: number;
  /** Signed certificate timestamps required in the leaf (cosign: 1). */
  readonly ctlogThreshold?: number;
}

/** Stable reasons a keyless signature does not count. */
export type KeylessFailureReason =
  /** The bundle names a public key, not a certificate. */
  | 'certificate-missing'
  /** The leaf does not chain to a trusted CA at the log time, or lacks valid SCTs. */
  | 'certificate-untrusted'
  /** The log entry is missing, not signed by a trusted log, or describes another signature. */
  | 'tlog-invalid'
  /** No trusted time for the signature (no SET and no timestamp). */
  | 'timestamp-invalid'
  | 'signature-mismatch'
  /** No identity's subject rule matches the certificate's SANs. */
  | 'identity-mismatch'
  /** A subject matched but that identity's issuer rule did not. */
  | 'issuer-mismatch'
  /** Structurally unusable (unparseable certificate or log body). */
  | 'bundle-invalid';

export interface KeylessSigner {
  /** Index in `identities` of the identity matched. */
  readonly identityIndex: number;
  readonly subjectAlternativeName: string;
  readonly issuer: string;
  /** The leaf certificate (DER) and the base64 SHA-256 of its public key (PKIX DER). */
  readonly certificate: Buffer;
  readonly keyHint: string;
  /** The earliest log integration time (seconds since the epoch), when the bundle has a SET. */
  readonly integratedTime?: number;
}

export type KeylessVerification =
  | { readonly ok: true; readonly signer: KeylessSigner }
  | { readonly ok: false; readonly reason: KeylessFailureReason; readonly detail?: string };

/** A compiled policy, reusable across bundles. */
export interface KeylessVerifier {
  /** Verifies `bundle`; `artifact` is the signed bytes of a message-signature bundle. */
  verify(bundle: Bundle, artifact?: Uint8Array): KeylessVerification;
  /** Identifies root + identities + thresholds, for result caches. */
  readonly cacheKey: string;
}

/** Compiles the identities and builds the verifier. Errors: SIGN_OPTIONS_INVALID. */
export function createKeylessVerifier(options: KeylessOptions): KeylessVerifier {
  const identities = compileIdentities(options.identities);
  const tlogThreshold = threshold(options.tlogThreshold, 'tlogThreshold');
  const ctlogThreshold = threshold(options.ctlogThreshold, 'ctlogThreshold');
  const verifier = new Verifier(options.trustedRoot.material, {
    tlogThreshold,
    ctlogThreshold,
    timestampThreshold: 1,
  });
  const cacheKey = createHash('sha256')
    .update(
      JSON.stringify([
        options.trustedRoot.fingerprint,
        options.identities.map((i) => [i.subject, i.subjectRegExp, i.issuer, i.issuerRegExp]),
        tlogThreshold,
        ctlogThreshold,
      ]),
    )
    .digest('hex');
  return { cacheKey, verify: (bundle, artifact) => verifyWith(verifier, identities, bundle, artifact) };
}

function threshold(value: number | undefined, input: string): number {
  const n = value ?? 1;
  if (!Number.isSafeInteger(n) || n < 0 || n > 16) {
    throw new BosunError('SIGN_OPTIONS_INVALID', `${input} must be an integer from 0 to 16`, {
      details: { input },
    });
  }
  return n;
}

function verifyWith(
  verifier: Verifier,
  identities: readonly CompiledIdentity[],
  bundle: Bundle,
  artifact: Uint8Array | undefined,
): KeylessVerification {
  const material = bundle.verificationMaterial.content;
  if (material.$case === 'publicKey') return { ok: false, reason: 'certificate-missing' };
  let leaf: X509Certificate;
  let signer;
  let identity: SignerIdentity;
  try {
    const entity = toSignedEntity(bundle, artifact === undefined ? undefined : Buffer.from(artifact));
    if (entity.key.$case !== 'certificate') return { ok: false, reason: 'certificate-missing' };
    leaf = entity.key.certificate;
    signer = verifier.verify(entity);
    identity = signerIdentity(leaf, signer.identity?.extensions?.issuer);
  } catch (error) {
    // The bundle is hostile input: whatever the libraries throw on it is a "no", never a crash.
    if (error instanceof VerificationError)
      return { ok: false, reason: reasonFor(error.code), detail: error.code };
    return { ok: false, reason: 'bundle-invalid', detail: error instanceof Error ? error.name : 'error' };
  }
  const match = matchIdentity(identities, identity);
  if (!match.ok) return { ok: false, reason: match.reason, detail: match.detail };
  const times = bundle.verificationMaterial.tlogEntries
    .filter((e) => e.inclusionPromise !== undefined)
    .map((e) => Number(e.integratedTime));
  const spki = signer.key.export({ type: 'spki', format: 'der' });
  return {
    ok: true,
    signer: {
      identityIndex: match.index,
      subjectAlternativeName: match.subjectAlternativeName,
      issuer: match.issuer,
      certificate: leafDer(bundle),
      keyHint: createHash('sha256').update(spki).digest('base64'),
      ...(times.length === 0 ? {} : { integratedTime: Math.min(...times) }),
    },
  };
}

function reasonFor(code: string): KeylessFailureReason {
  switch (code) {
    case 'CERTIFICATE_ERROR':
      return 'certificate-untrusted';
    case 'SIGNATURE_ERROR':
      return 'signature-mismatch';
    case 'TIMESTAMP_ERROR':
      return 'timestamp-invalid';
    case 'PUBLIC_KEY_ERROR':
      return 'certificate-missing';
    default:
      return code.startsWith('TLOG_') ? 'tlog-invalid' : 'bundle-invalid';
  }
}

// Fulcio's username SAN (an otherName), matched like the others as cosign does.
const OID_FULCIO_USERNAME = '1.3.6.1.4.1.57264.1.7';

function signerIdentity(leaf: X509Certificate, issuer: string | undefined): SignerIdentity {
  const san = leaf.extSubjectAltName;
  const names = [san?.uri, san?.rfc822Name, san?.otherName(OID_FULCIO_USERNAME)].filter(
    (n): n is string => n !== undefined && n !== '',
  );
  return { subjectAlternativeNames: names, issuer };
}

function leafDer(bundle: Bundle): Buffer {
  const material = bundle.verificationMaterial.content;
  switch (material.$case) {
    case 'certificate':
      return Buffer.from(material.certificate.rawBytes);
    case 'x509CertificateChain':
      return Buffer.from(material.x509CertificateChain.certificates[0]?.rawBytes ?? []);
    case 'publicKey':
      return Buffer.alloc(0);
  }
}
