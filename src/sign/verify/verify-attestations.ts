/**
 * `cosign verify-attestation --key --type` for both storage formats: attestations of the wanted
 * predicate type whose envelope verifies with a trusted key and whose statement names this image
 * digest, then the caller's condition: a plain function of the statement. The CLI builds it from
 * `--condition` in src/cli/commands/attestation-condition.ts (a CEL expression compiled by the
 * policy layer's compileCelPredicate, or the vulnerability-record shortcuts).
 */
import { predicateTypeUri, type Statement } from '../in-toto.ts';
import type { SignatureFormat } from '../sign-image.ts';
import { checkBundleStatements } from './bundle-statements.ts';
import type { VerificationCache } from './cache.ts';
import { checkLegacyAttestations } from './legacy-attestations.ts';
import {
  baseCacheKey,
  positiveThreshold,
  prepare,
  targetFields,
  type VerifyCommonOptions,
} from './options.ts';
import { verifiedFromStatement, type VerifiedStatement } from './signed-statement.ts';
import type { Verdict, VerificationFailure, VerifiedAttestation, VerifiedImage } from './types.ts';

/** What a condition sees besides the statement. */
export interface AttestationConditionContext {
  readonly format: SignatureFormat;
  /** The image digest. */
  readonly digest: string;
  readonly keyIndex: number;
}

/**
 * Decides whether a verified attestation is acceptable (true) or not (false). Throwing means
 * "could not decide" and fails the whole call.
 */
export type AttestationCondition = (
  statement: Statement,
  context: AttestationConditionContext,
) => boolean | Promise<boolean>;

export interface VerifyImageAttestationsOptions extends VerifyCommonOptions {
  /** cosign `--type`: a name (`cyclonedx`, `spdxjson`, `vuln`, `custom`, ...) or a predicate type URI. */
  readonly type: string;
  readonly condition?: AttestationCondition;
  /**
   * A stable name for `condition` (a policy rule id, a CEL expression's hash): results are cached
   * only when it is given, since functions cannot be compared.
   */
  readonly conditionKey?: string;
  /** How many distinct trusted keys must attest (default 1). */
  readonly minAttestations?: number;
  readonly cache?: VerificationCache<AttestationVerdict>;
}

export type AttestationVerdict = Verdict<VerifiedAttestation>;

export interface ImageAttestationVerification extends AttestationVerdict, VerifiedImage {
  readonly predicateType: string;
  readonly fromCache: boolean;
}

/** Verifies the attestations of one predicate type attached to an image. */
export async function verifyImageAttestations(
  options: VerifyImageAttestationsOptions,
): Promise<ImageAttestationVerification> {
  const min = positiveThreshold(options.minAttestations, 'minAttestations');
  const predicateType = predicateTypeUri(options.type);
  const prepared = await prepare(options);
  const { target, context, formats } = prepared;
  const cacheable = options.condition === undefined || options.conditionKey !== undefined;
  const cacheKey = `att|${baseCacheKey(prepared)}|${predicateType}|${options.conditionKey ?? ''}|${min}`;
  const result = (verdict: AttestationVerdict, fromCache: boolean): ImageAttestationVerification => ({
    ...verdict,
    ...targetFields(target),
    predicateType,
    fromCache,
  });
  const cached = cacheable ? options.cache?.get(cacheKey) : undefined;
  if (cached !== undefined) return result(cached, true);

  const wanted = (type: string): boolean => type === predicateType;
  const empty = { verified: [], failures: [] };
  const [legacy, bundle] = await Promise.all([
    formats.has('legacy') ? checkLegacyAttestations(context, wanted) : empty,
    formats.has('bundle') ? checkBundleStatements(context, wanted) : empty,
  ]);
  const failures: VerificationFailure[] = [...legacy.failures, ...bundle.failures];
  const verified: VerifiedAttestation[] = [];
  const entries: { format: SignatureFormat; entry: VerifiedStatement }[] = [
    ...legacy.verified.map((entry) => ({ format: 'legacy' as const, entry })),
    ...bundle.verified.map((entry) => ({ format: 'bundle' as const, entry })),
  ];
  for (const { format, entry } of entries) {
    if (options.condition !== undefined) {
      const accepted = await options.condition(entry.statement, {
        format,
        digest: target.digest,
        keyIndex: entry.keyIndex,
      });
      if (!accepted) {
        failures.push({ reason: 'condition-failed', source: entry.source });
        continue;
      }
    }
    verified.push({ ...verifiedFromStatement(format, entry, target.digest), predicateType });
  }
  const attesters = new Set(verified.map((v) => v.keyIndex)).size;
  if (attesters < min) failures.push({ reason: 'too-few-signatures', detail: `${attesters} of ${min}` });
  const verdict: AttestationVerdict = { ok: attesters >= min, verified, failures };
  if (cacheable) options.cache?.set(cacheKey, verdict, verdict.ok);
  return result(verdict, false);
}
