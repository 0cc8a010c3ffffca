/**
 * `cosign verify --key` for both storage formats: every stored signature is checked and reported,
 * and the image passes when at least `minSignatures` of them verify with the trusted keys and
 * carry the required claims. "No" is a value (`ok: false` with failure reasons); a thrown error
 * means the answer could not be decided (registry unreachable, bad options).
 */
import { repositoryAliases } from '../storage/index.ts';
import { checkBundleStatements } from './bundle-statements.ts';
import type { VerificationCache } from './cache.ts';
import { missingAnnotation } from './context.ts';
import { checkLegacySignatures } from './legacy-signatures.ts';
import {
  baseCacheKey,
  positiveThreshold,
  prepare,
  targetFields,
  type VerifyCommonOptions,
} from './options.ts';
import { verifiedFromStatement } from './signed-statement.ts';
import type { Verdict, VerificationFailure, VerifiedImage, VerifiedSignature } from './types.ts';
import { PREDICATE_TYPES } from '../in-toto.ts';
import { marshalGoJson } from '../json/go-json.ts';

export interface VerifyImageSignaturesOptions extends VerifyCommonOptions {
  /** Claims every counted signature must carry (cosign `-a key=value`). */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * How many distinct trusted keys must each have a verifying signature (default 1): re-signing
   * with one key cannot meet a threshold of 2. Keyless: distinct matched `keyless.identities`.
   */
  readonly minSignatures?: number;
  /**
   * Require the signed `docker-reference` (legacy) or subject name (bundle, when present: cosign v3
   * leaves it out) to be this image's repository, so a signature made for another repository
   * holding the same digest does not count.
   */
  readonly checkDockerReference?: boolean;
  /** Reuse results by digest (warm path); a tag is still resolved on every call. */
  readonly cache?: VerificationCache<SignatureVerdict>;
}

/** The digest-determined part of a result: what the cache holds. */
export type SignatureVerdict = Verdict<VerifiedSignature>;

export interface ImageSignatureVerification extends SignatureVerdict, VerifiedImage {
  readonly fromCache: boolean;
}

/** Verifies the signatures of an image (legacy `.sig` and bundle referrers). */
export async function verifyImageSignatures(
  options: VerifyImageSignaturesOptions,
): Promise<ImageSignatureVerification> {
  const minSignatures = positiveThreshold(options.minSignatures, 'minSignatures');
  const prepared = await prepare(options);
  const { target, context, formats } = prepared;
  const required = options.annotations ?? {};
  const checkReference = options.checkDockerReference ?? false;
  const cacheKey = `sig|${baseCacheKey(prepared)}|${marshalGoJson(required)}|${minSignatures}|${checkReference}`;
  const result = (verdict: SignatureVerdict, fromCache: boolean): ImageSignatureVerification => ({
    ...verdict,
    ...targetFields(target),
    fromCache,
  });
  const cached = options.cache?.get(cacheKey);
  if (cached !== undefined) return result(cached, true);

  const [legacy, bundle] = await Promise.all([
    formats.has('legacy') ? checkLegacySignatures(context) : { verified: [], failures: [] },
    formats.has('bundle')
      ? checkBundleStatements(context, (type) => type === PREDICATE_TYPES.sign)
      : { verified: [], failures: [] },
  ]);
  const failures: VerificationFailure[] = [...legacy.failures, ...bundle.failures];
  const candidates: VerifiedSignature[] = [
    ...legacy.verified,
    ...bundle.verified.map((v): VerifiedSignature => verifiedFromStatement('bundle', v, target.digest)),
  ];
  const aliases = new Set(repositoryAliases(target.image));
  const verified: VerifiedSignature[] = [];
  const seen = new Set<string>();
  for (const signature of candidates) {
    const claimed =
      signature.format === 'legacy' ? signature.payload.dockerReference : signature.subject.name;
    if (checkReference && claimed !== undefined && claimed !== '' && !aliases.has(claimed)) {
      failures.push({
        reason: 'docker-reference-mismatch',
        source: signature.source,
        detail: claimed.slice(0, 200),
      });
      continue;
    }
    const missing = missingAnnotation(required, signature.annotations);
    if (missing !== undefined) {
      failures.push({
        reason: 'annotation-mismatch',
        source: signature.source,
        detail: missing.slice(0, 200),
      });
      continue;
    }
    // The same signature stored twice (identical layers, two referrers of one bundle) is listed once.
    const identity = `${signature.format}|${signature.source.layerDigest ?? ''}|${signature.format === 'legacy' ? signature.signature : ''}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    verified.push(signature);
  }
  // The threshold counts distinct trusted keys: one key signing twice is still one signer.
  const signers = new Set(verified.map((v) => v.keyIndex)).size;
  if (signers < minSignatures) {
    failures.push({ reason: 'too-few-signatures', detail: `${signers} of ${minSignatures}` });
  }
  const verdict: SignatureVerdict = { ok: signers >= minSignatures, verified, failures };
  options.cache?.set(cacheKey, verdict, verdict.ok);
  return result(verdict, false);
}
