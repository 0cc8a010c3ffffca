/**
 * The in-toto statement inside a DSSE envelope whose signer is already established: the part of
 * the check legacy `.att` layers and bundle referrers share (payload type, statement, predicate
 * type, subject naming this digest).
 */
import { isBosunError } from '../../util/errors.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../dsse.ts';
import { parseStatement, type Statement, type Subject } from '../in-toto.ts';
import { fail, type CheckContext, type Checked } from './context.ts';
import type { SignatureFormat } from '../sign-image.ts';
import type { KeylessSignerInfo, VerificationSource, VerifiedAttestation } from './types.ts';

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

/** Which trusted key (or keyless identity) signed the envelope. */
export interface StatementSigner {
  readonly keyIndex: number;
  readonly keyHint: string;
  readonly signer?: KeylessSignerInfo;
}

/**
 * Checks the signed envelope's statement. `undefined`: a statement of another predicate type
 * whose unsigned annotation (`claimed`) did not claim a wanted one, to be skipped silently.
 */
export function checkSignedStatement(
  context: CheckContext,
  envelope: { readonly payloadType: string; readonly payload: Uint8Array },
  signer: StatementSigner,
  wanted: (predicateType: string) => boolean,
  claimed: string | undefined,
  source: VerificationSource,
  layerDigest: string,
): Checked<VerifiedStatement> | undefined {
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) return fail('statement-invalid', source, 'payloadType');
  let statement: Statement;
  try {
    statement = parseStatement(envelope.payload, { input: `statement in ${layerDigest}` });
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

/** The fields a verified signature or attestation record takes from a verified statement. */
export function verifiedFromStatement<F extends SignatureFormat>(
  format: F,
  entry: VerifiedStatement,
  manifestDigest: string,
): Omit<VerifiedAttestation, 'format' | 'predicateType'> & { readonly format: F } {
  return {
    format,
    source: entry.source,
    keyIndex: entry.keyIndex,
    keyHint: entry.keyHint,
    ...(entry.signer === undefined ? {} : { signer: entry.signer }),
    manifestDigest,
    annotations: entry.subject.annotations ?? null,
    payloadBytes: entry.payloadBytes,
    statement: entry.statement,
    subject: entry.subject,
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
