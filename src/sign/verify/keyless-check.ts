/**
 * The keyless branch shared by every format: a bundle (a referrer's, or one rebuilt from a legacy
 * layer's certificate and Rekor bundle annotations) verified against the trusted root and the
 * identity policy. Yields what a key check yields (an index and a hint) plus the signer's identity.
 */
import type { Bundle } from '@sigstore/bundle';
import { encodePem } from '../keys/pem.ts';
import { bundleFromLegacy, type KeylessVerifier, type LegacyContent } from '../keyless/index.ts';
import { CERTIFICATE_ANNOTATION, REKOR_BUNDLE_ANNOTATION } from '../storage/index.ts';
import { fail, type Checked } from './context.ts';
import type { KeylessSignerInfo, VerificationSource } from './types.ts';

export interface KeylessChecked {
  readonly keyIndex: number;
  readonly keyHint: string;
  readonly signer: KeylessSignerInfo;
}

export function checkKeylessBundle(
  verifier: KeylessVerifier,
  bundle: Bundle,
  source: VerificationSource,
  artifact?: Uint8Array,
): Checked<KeylessChecked> {
  const result = verifier.verify(bundle, artifact);
  if (!result.ok) return fail(result.reason, source, result.detail);
  const { signer } = result;
  return {
    ok: true,
    value: {
      keyIndex: signer.identityIndex,
      keyHint: signer.keyHint,
      signer: {
        subjectAlternativeName: signer.subjectAlternativeName,
        issuer: signer.issuer,
        certificatePem: encodePem('CERTIFICATE', signer.certificate),
        ...(signer.integratedTime === undefined ? {} : { integratedTime: signer.integratedTime }),
      },
    },
  };
}

/** A legacy `.sig`/`.att` layer verified keylessly from its annotations. */
export function checkKeylessLayer(
  verifier: KeylessVerifier,
  annotations: Readonly<Record<string, string>>,
  content: LegacyContent,
  source: VerificationSource,
): Checked<KeylessChecked> {
  const rebuilt = bundleFromLegacy(
    annotations[CERTIFICATE_ANNOTATION],
    annotations[REKOR_BUNDLE_ANNOTATION],
    content,
  );
  if (!rebuilt.ok) return fail(rebuilt.reason, source, rebuilt.detail);
  return checkKeylessBundle(
    verifier,
    rebuilt.bundle,
    source,
    content.kind === 'message' ? content.payload : undefined,
  );
}
