// One `verifyImages` entry of a Kyverno rule, read into a typed value with Kyverno's defaults
// (mutateDigest, verifyDigest and required are true unless written false) and its deprecated
// single-key fields (`image`, `key`, `annotations`) converted as Kyverno's `Convert()` does.
import { asArray, asObject, asString, isObject, type JsonObject, type JsonValue } from '../common/json.ts';

/** One attestor entry: static public keys (several PEM blocks are split, one entry per key). */
export type AttestorEntry =
  | {
      readonly kind: 'key';
      readonly publicKey: string;
      readonly annotations?: Readonly<Record<string, string>>;
      readonly repository?: string;
    }
  | { readonly kind: 'nested'; readonly set: AttestorSet }
  | { readonly kind: 'unsupported'; readonly what: string };

export interface AttestorSet {
  /** How many entries must verify (Kyverno: `count`, else every entry). */
  readonly required: number;
  readonly entries: readonly AttestorEntry[];
}

export interface AttestationSpec {
  readonly predicateType: string;
  readonly attestors: readonly AttestorSet[];
  /** `AnyAllConditions` blocks, evaluated over the statement's predicate (left unsubstituted). */
  readonly conditions: readonly JsonValue[];
}

export interface ImageVerificationSpec {
  readonly type: 'Cosign' | 'SigstoreBundle' | 'Notary';
  readonly imageReferences: readonly string[];
  readonly skipImageReferences: readonly string[];
  readonly attestors: readonly AttestorSet[];
  readonly attestations: readonly AttestationSpec[];
  readonly repository?: string;
  readonly mutateDigest: boolean;
  readonly verifyDigest: boolean;
  readonly required: boolean;
  /** `validate.deny.conditions` with `validate.message`. */
  readonly validate?: { readonly deny: JsonValue; readonly message: string };
  /** Fields read and deliberately not acted upon (imageRegistryCredentials, useCache...). */
  readonly ignored: readonly string[];
}

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/gu;

/** Splits a string holding several PEM blocks (Kyverno `splitPEM`); text without PEM stays whole. */
export function splitPemBlocks(text: string): string[] {
  const blocks = text.match(PEM_BLOCK);
  return blocks === null ? [text.trim()] : blocks.map((b) => b.trim());
}

function stringMap(v: JsonValue | undefined): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) out[k] = typeof val === 'string' ? val : JSON.stringify(val);
  return Object.keys(out).length === 0 ? undefined : out;
}

function entriesOf(raw: JsonObject): AttestorEntry[] {
  const annotations = stringMap(raw['annotations']);
  const repository = asString(raw['repository']);
  const common = {
    ...(annotations === undefined ? {} : { annotations }),
    ...(repository === undefined || repository === '' ? {} : { repository }),
  };
  if (isObject(raw['keys'])) {
    const keys = raw['keys'];
    const pem = asString(keys['publicKeys']) ?? '';
    if (pem.trim() === '') {
      const what = isObject(keys['secret'])
        ? 'keys.secret (public keys read from a Kubernetes Secret)'
        : asString(keys['kms']) !== undefined
          ? 'keys.kms (keys held in a KMS)'
          : 'keys without publicKeys';
      return [{ kind: 'unsupported', what }];
    }
    // Kyverno's ExpandStaticKeys: several PEM keys in one entry become one entry each.
    return splitPemBlocks(pem).map((publicKey) => ({ kind: 'key', publicKey, ...common }));
  }
  if (isObject(raw['attestor'])) return [{ kind: 'nested', set: attestorSet(raw['attestor']) }];
  if (isObject(raw['keyless'])) return [{ kind: 'unsupported', what: 'keyless attestors (Fulcio/Rekor)' }];
  if (isObject(raw['certificates'])) return [{ kind: 'unsupported', what: 'certificate attestors' }];
  return [{ kind: 'unsupported', what: 'an attestor without keys' }];
}

function attestorSet(raw: JsonObject): AttestorSet {
  const entries = asArray(raw['entries']).flatMap((e) => entriesOf(asObject(e)));
  const count = raw['count'];
  const required = typeof count === 'number' && count > 0 ? Math.floor(count) : entries.length;
  return { required, entries };
}

function bool(v: JsonValue | undefined, dflt: boolean): boolean {
  return typeof v === 'boolean' ? v : dflt;
}

/** Reads one `verifyImages[]` entry (variables already substituted, except attestation conditions). */
export function parseImageVerification(raw: JsonObject): ImageVerificationSpec {
  const typeRaw = asString(raw['type']) ?? 'Cosign';
  const type = typeRaw === 'SigstoreBundle' || typeRaw === 'Notary' ? typeRaw : 'Cosign';
  const refs = asArray(raw['imageReferences']).map(String);
  const legacyImage = asString(raw['image']);
  if (legacyImage !== undefined && legacyImage !== '') refs.push(legacyImage);
  const attestors = asArray(raw['attestors']).map((a) => attestorSet(asObject(a)));
  const legacyKey = asString(raw['key']);
  if (legacyKey !== undefined && legacyKey.trim() !== '') {
    attestors.push(
      attestorSet({
        entries: [
          {
            keys: { publicKeys: legacyKey },
            ...(isObject(raw['annotations']) ? { annotations: raw['annotations'] } : {}),
          },
        ],
      }),
    );
  }
  if (asString(raw['subject']) !== undefined || asString(raw['issuer']) !== undefined) {
    attestors.push({ required: 1, entries: [{ kind: 'unsupported', what: 'keyless subject/issuer' }] });
  }
  const attestations = asArray(raw['attestations']).map((a): AttestationSpec => {
    const o = asObject(a);
    return {
      predicateType: asString(o['type']) ?? asString(o['predicateType']) ?? '',
      attestors: asArray(o['attestors']).map((s) => attestorSet(asObject(s))),
      conditions: asArray(o['conditions']),
    };
  });
  const repository = asString(raw['repository']);
  const validate = asObject(raw['validate']);
  const ignored: string[] = [];
  for (const field of ['imageRegistryCredentials', 'useCache', 'cosignOCI11', 'roots']) {
    if (raw[field] !== undefined) ignored.push(field);
  }
  return {
    type,
    imageReferences: refs,
    skipImageReferences: asArray(raw['skipImageReferences']).map(String),
    attestors,
    attestations,
    ...(repository === undefined || repository === '' ? {} : { repository }),
    mutateDigest: bool(raw['mutateDigest'], true),
    verifyDigest: bool(raw['verifyDigest'], true),
    required: bool(raw['required'], true),
    ...(isObject(validate['deny'])
      ? {
          validate: {
            deny: asObject(validate['deny'])['conditions'] ?? null,
            message: asString(validate['message']) ?? '',
          },
        }
      : {}),
    ignored,
  };
}
