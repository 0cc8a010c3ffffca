/**
 * Bundle referrers (cosign v3): Sigstore bundles attached to the image, found through the referrers
 * API or its `sha256-<hex>` fallback index. Each bundle is checked as cosign does with `--key`: the
 * DSSE signature over the PAE, then the in-toto statement, whose subject must be this digest.
 */
import { isBosunError } from '../../util/errors.ts';
import { parseBundle, verifyBundle } from '../bundle.ts';
import { inspectReferrer, listBundleReferrers, type StoredBundle } from '../storage/index.ts';
import {
  fail,
  fetchLayer,
  mapLimited,
  partitionChecked,
  type CheckContext,
  type Checked,
} from './context.ts';
import { checkKeylessBundle } from './keyless-check.ts';
import { checkSignedStatement, type StatementSigner, type VerifiedStatement } from './signed-statement.ts';
import type { VerificationFailure, VerificationSource } from './types.ts';

/**
 * Verifies the bundles attached to `context.digest` whose predicate type `wanted` accepts.
 * Bundles of other predicate types are skipped silently (they are other kinds of attestation),
 * unless the referrer's unsigned annotation claimed a wanted type: that mismatch is a failure.
 */
export async function checkBundleStatements(
  context: CheckContext,
  wanted: (predicateType: string) => boolean,
): Promise<{ readonly verified: VerifiedStatement[]; readonly failures: VerificationFailure[] }> {
  const { candidates } = await listBundleReferrers(context.location, context.digest, {
    maxReferrers: context.limits.maxReferrers,
    ...(context.signal === undefined ? {} : { signal: context.signal }),
  });
  const results = await mapLimited(
    candidates,
    8,
    async (descriptor): Promise<Checked<VerifiedStatement> | undefined> => {
      const inspected = await inspectReferrer(context.location, descriptor, context.signal);
      const source: VerificationSource = { format: 'bundle', manifestDigest: descriptor.digest };
      switch (inspected.kind) {
        case 'other':
          return undefined;
        case 'invalid':
          return fail('storage-invalid', source, inspected.detail);
        case 'bundle':
          return checkBundle(context, inspected.bundle, wanted);
      }
    },
  );
  return partitionChecked(results);
}

async function checkBundle(
  context: CheckContext,
  stored: StoredBundle,
  wanted: (predicateType: string) => boolean,
): Promise<Checked<VerifiedStatement> | undefined> {
  const claimed = stored.predicateType;
  if (claimed !== undefined && !wanted(claimed)) return undefined;
  const source: VerificationSource = {
    format: 'bundle',
    manifestDigest: stored.manifestDigest,
    layerDigest: stored.layer.digest,
  };
  if (stored.subjectDigest !== context.digest)
    return fail('subject-mismatch', source, stored.subjectDigest ?? 'none');
  const fetched = await fetchLayer(context, stored.layer, context.limits.maxEnvelopeBytes, source);
  if (!fetched.ok) return fetched;
  let parsed;
  try {
    parsed = parseBundle(fetched.value, {
      input: `bundle ${stored.layer.digest}`,
      maxBytes: context.limits.maxEnvelopeBytes,
    });
  } catch (error) {
    if (isBosunError(error)) return fail('bundle-invalid', source, error.code);
    throw error;
  }
  if (parsed.content.kind !== 'dsse') return fail('bundle-invalid', source, 'not a DSSE bundle');
  let signer: StatementSigner;
  if (context.keyless !== undefined) {
    const checked = checkKeylessBundle(context.keyless, parsed.bundle, source);
    if (!checked.ok) return checked;
    signer = checked.value;
  } else {
    const keyIndex = context.keys.findIndex((key) => verifyBundle(parsed, key).verified);
    const key = context.keys[keyIndex];
    if (key === undefined) return fail('signature-mismatch', source);
    signer = { keyIndex, keyHint: key.hint };
  }
  return checkSignedStatement(
    context,
    parsed.content.envelope,
    signer,
    wanted,
    claimed,
    source,
    stored.layer.digest,
  );
}
