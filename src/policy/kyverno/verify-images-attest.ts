// Attestor sets and attestations of a verifyImages entry checked through ImageFacts, with Kyverno's
// counting: an attestor set passes when `count` of its entries verify (every entry when `count`
// is absent; nested sets count as one entry), every set must pass; an attestation must verify with
// its attestors, and every statement of its predicate type must satisfy its conditions, evaluated
// with the predicate's fields at the top of the variables document.
import { asObject, isObject, type JsonObject, type JsonValue } from '../common/json.ts';
import type { ImageFacts } from '../image-facts.ts';
import { evaluateConditions } from './conditions.ts';
import type { AttestationSpec, AttestorEntry, AttestorSet } from './verify-images-spec.ts';

/** Raised for an attestor Bosun does not verify (keyless, certificates, KMS...). */
export class AttestorUnsupported extends Error {}

export interface VerifyTarget {
  readonly facts: ImageFacts;
  /** Normalised reference (`registry/path:tag` or `@digest`), for messages and queries. */
  readonly reference: string;
  readonly digest: string;
  readonly format: 'Cosign' | 'SigstoreBundle';
  readonly repository?: string;
  readonly signal?: AbortSignal;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly message: string };

function unsupported(what: string): never {
  throw new AttestorUnsupported(`verifyImages: ${what} is not supported by Bosun`);
}

function query(
  target: VerifyTarget,
  entry: AttestorEntry & { kind: 'key' },
): {
  reference: string;
  digest: string;
  attestor: { kind: 'keys'; publicKeys: string[] };
  format: 'Cosign' | 'SigstoreBundle';
  annotations?: Readonly<Record<string, string>>;
  repository?: string;
} {
  const repository = entry.repository ?? target.repository;
  return {
    reference: target.reference,
    digest: target.digest,
    attestor: { kind: 'keys', publicKeys: [entry.publicKey] },
    format: target.format,
    ...(entry.annotations === undefined ? {} : { annotations: entry.annotations }),
    ...(repository === undefined ? {} : { repository }),
  };
}

async function verifyEntry(entry: AttestorEntry, target: VerifyTarget): Promise<Verdict> {
  switch (entry.kind) {
    case 'unsupported':
      return unsupported(entry.what);
    case 'nested':
      return verifySet(entry.set, target);
    case 'key': {
      const check = await target.facts.verifySignature(query(target, entry), target.signal);
      return check.verified ? { ok: true } : { ok: false, message: check.reason ?? 'no matching signatures' };
    }
  }
}

async function verifySet(set: AttestorSet, target: VerifyTarget): Promise<Verdict> {
  let verified = 0;
  const reasons: string[] = [];
  for (const entry of set.entries) {
    if (verified >= set.required) break;
    const v = await verifyEntry(entry, target);
    if (v.ok) verified++;
    else reasons.push(v.message);
  }
  if (verified >= set.required) return { ok: true };
  return {
    ok: false,
    message: `${verified} of ${set.required} required signatures verified${reasons.length > 0 ? ` (${[...new Set(reasons)].join('; ')})` : ''}`,
  };
}

/** Every attestor set must pass. */
export async function verifyAttestorSets(
  sets: readonly AttestorSet[],
  target: VerifyTarget,
): Promise<Verdict> {
  for (let i = 0; i < sets.length; i++) {
    const v = await verifySet(sets[i]!, target);
    if (!v.ok)
      return {
        ok: false,
        message: `image signature verification failed for ${target.reference}: .attestors[${i}]: ${v.message}`,
      };
  }
  return { ok: true };
}

function conditionsHold(
  conditions: readonly JsonValue[],
  data: JsonObject,
): { ok: boolean; message: string } {
  for (const block of conditions) {
    const r = evaluateConditions(block, data);
    if (!r.result) return { ok: false, message: r.message ?? 'conditions not met' };
  }
  return { ok: true, message: '' };
}

function keyEntries(set: AttestorSet): AttestorEntry[] {
  return set.entries.flatMap((e) => (e.kind === 'nested' ? keyEntries(e.set) : [e]));
}

/** Verifies one attestation: signatures by its attestors (or the entry's), then its conditions. */
export async function verifyAttestation(
  spec: AttestationSpec,
  index: number,
  fallbackAttestors: readonly AttestorSet[],
  target: VerifyTarget,
  data: JsonObject,
): Promise<Verdict> {
  const path = `.attestations[${index}]`;
  if (spec.predicateType === '') return { ok: false, message: `${path}: missing type` };
  const sets = spec.attestors.length > 0 ? spec.attestors : fallbackAttestors;
  if (sets.length === 0)
    return { ok: false, message: `${path}: no attestors to verify the attestation with` };
  for (const set of sets) {
    let verified = 0;
    for (const entry of keyEntries(set)) {
      if (verified >= set.required) break;
      if (entry.kind !== 'key') unsupported(entry.kind === 'unsupported' ? entry.what : 'nested attestors');
      const check = await target.facts.verifyAttestations(
        { ...query(target, entry), predicateType: spec.predicateType },
        target.signal,
      );
      const statements = check.verified
        ? check.statements.filter(
            (s) => s['predicateType'] === spec.predicateType || s['predicateType'] === undefined,
          )
        : [];
      if (statements.length === 0) {
        return {
          ok: false,
          message: `${path}: attestations not found for predicate type ${spec.predicateType}${check.reason === undefined ? '' : ` (${check.reason})`}`,
        };
      }
      for (const statement of statements) {
        const predicate = statement['predicate'];
        if (!isObject(predicate))
          return { ok: false, message: `${path}: statement without a predicate object` };
        // Kyverno adds the predicate to the top of the variables document for the conditions.
        const d: JsonObject = { ...data, ...asObject(predicate) };
        const r = conditionsHold(spec.conditions, d);
        if (!r.ok) {
          return {
            ok: false,
            message: `${path}: attestation checks failed for ${target.reference} and predicate ${spec.predicateType}: ${r.message}`,
          };
        }
      }
      verified++;
    }
    if (verified < set.required) {
      return {
        ok: false,
        message: `${path}: image attestations verification failed, verifiedCount: ${verified}, requiredCount: ${set.required}`,
      };
    }
  }
  return { ok: true };
}
