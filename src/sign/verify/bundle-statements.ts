/**
 * Bundle referrers (cosign v3): Sigstore bundles attached to the image, found through the referrers
 * API or its `sha256-<hex>` fallback index. Each bundle is checked as cosign does with `--key`: the
 * DSSE signature over the PAE, then the in-toto statement, whose subject must be this digest.
 */
import { isBosunError } from '../../util/errors.ts';
import { parseBundle, verifyBundle } from '../bundle.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../dsse.ts';
import { parseStatement, type Statement, type Subject } from '../in-toto.ts';
import { inspectReferrer, listBundleReferrers, type StoredBundle } from '../storage/index.ts';
import { fail, fetchLayer, mapLimited, type CheckContext, type Checked } from './context.ts';
import { checkKeylessBundle } from './keyless-check.ts';
import type { KeylessSignerInfo, VerificationFailure, VerificationSource } from './types.ts';

/** A statement signed by one of the keys, about this image. */
export interface VerifiedStatement {
  readonly source: VerificationSource;
  readonly keyIndex: number;
  readonly keyHint: string;
  readonly signer?: KeylessSignerInfo;
  readonly statement: Statement;
  /** The subject entry naming this digest. */
  readonly subject: Subject;
  readonly payloadBytes: Buffer;
}

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
  const verified: VerifiedStatement[] = [];
  const failures: VerificationFailure[] = [];
  for (const result of results) {
    if (result === undefined) continue;
    if (result.ok) verified.push(result.value);
    else failures.push(result.failure);
  }
  return { verified, failures };
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
  let signer: { keyIndex: number; keyHint: string; signer?: KeylessSignerInfo };
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
  const envelope = parsed.content.envelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) return fail('statement-invalid', source, 'payloadType');
  let statement: Statement;
  try {
    statement = parseStatement(envelope.payload, { input: `statement in ${stored.layer.digest}` });
  } catch (error) {
    if (isBosunError(error)) return fail('statement-invalid', source, error.code);
    throw error;
  }
  if (!wanted(statement.predicateType)) {
    // Only a lying annotation gets here (an absent one means "look inside").
    return claimed === undefined
      ? undefined
      : fail('predicate-type-mismatch', source, statement.predicateType.slice(0, 200));
  }
  const subject = subjectFor(statement, context.digest);
  if (subject === undefined) return fail('digest-mismatch', source, firstSubjectDigest(statement));
  return {
    ok: true,
    value: {
      source,
      ...signer,
      statement,
      subject,
      payloadBytes: Buffer.from(envelope.payload),
    },
  };
}

/** The subject naming `digest` (`sha256:<hex>` → `{sha256: hex}`). */
export function subjectFor(statement: Statement, digest: string): Subject | undefined {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  return statement.subjects.find((s) => s.digest[algorithm] === hex);
}

export function firstSubjectDigest(statement: Statement): string {
  const first = statement.subjects[0];
  const entry = first === undefined ? undefined : Object.entries(first.digest)[0];
  return entry === undefined ? 'none' : `${entry[0]}:${entry[1]}`.slice(0, 200);
}
