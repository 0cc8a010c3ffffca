// Kyverno's ImageValidatingPolicy CEL functions: verifyImageSignatures(image, [attestors...]) and
// verifyAttestationSignatures(image, attestation, [attestors...]) count the attestors that verified
// (0 for an image outside matchImageReferences), extractPayload(image, attestation) returns the
// in-toto statement of an attestation verified earlier in the same evaluation (cosign's policy
// payload: `.predicate` holds the predicate). Facts come through ImageFacts; the evaluation's
// state travels in an AsyncLocalStorage scope because the CEL environment is shared and the
// functions are async. Also Kyverno's time_* string functions (RFC 3339 timestamps, Go durations).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Environment } from '@marcbachmann/cel-js';
import { parseGoDuration } from '../common/duration.ts';
import type { JsonObject, JsonValue } from '../common/json.ts';
import type { ImageFacts } from '../image-facts.ts';
import { parseKyvernoImage } from '../kyverno/images.ts';
import { splitPemBlocks } from '../kyverno/verify-images-spec.ts';
import { fromCel, toCel } from './values.ts';

export const IMAGE_UNSUPPORTED_MARK = 'is not supported by Bosun';

/** An attestation declared by the policy. */
export type AttestationDecl =
  { readonly kind: 'intoto'; readonly type: string } | { readonly kind: 'referrer'; readonly type: string };

/** The state of one ImageValidatingPolicy evaluation. */
export interface ImageVerifyScope {
  readonly facts: ImageFacts | undefined;
  readonly signal: AbortSignal | undefined;
  readonly now: () => Date;
  /** matchImageReferences. */
  readonly matches: (image: string) => boolean;
  readonly attestations: ReadonlyMap<string, AttestationDecl>;
  /** image → true once a signature or attestation verified (`required`). */
  readonly verified: Map<string, boolean>;
  /** image → digest, resolved once per evaluation. */
  readonly digests: Map<string, string>;
  /** `image\0attestation` → verified in-toto statement. */
  readonly payloads: Map<string, JsonObject>;
}

const storage = new AsyncLocalStorage<ImageVerifyScope>();

/** Runs `fn` with the image verification scope visible to the CEL functions. */
export function withImageVerifyScope<T>(scope: ImageVerifyScope, fn: () => T): T {
  return storage.run(scope, fn);
}

function scope(fn: string): ImageVerifyScope {
  const s = storage.getStore();
  if (s === undefined) throw new Error(`${fn} is only available in ImageValidatingPolicy validations`);
  return s;
}

function unsupported(what: string): never {
  throw new Error(`${what} ${IMAGE_UNSUPPORTED_MARK}`);
}

function needFacts(s: ImageVerifyScope, fn: string): ImageFacts {
  if (s.facts === undefined) unsupported(`${fn} without image facts (registry access)`);
  return s.facts;
}

async function digestOf(s: ImageVerifyScope, facts: ImageFacts, image: string): Promise<string> {
  const info = parseKyvernoImage(image);
  if (info === undefined) throw new Error(`invalid image reference ${image}`);
  if (info.digest !== '') return info.digest;
  let d = s.digests.get(image);
  if (d === undefined) {
    d = await facts.resolveDigest(info.reference, s.signal);
    s.digests.set(image, d);
  }
  return d;
}

interface CosignAttestor {
  readonly name: string;
  readonly keys: string[];
  readonly annotations?: Record<string, string>;
}

/** The cosign key attestor a CEL value describes, or an unsupported error naming what it is. */
function cosignAttestor(value: unknown): CosignAttestor {
  const a = fromCel(value);
  const o = a !== null && typeof a === 'object' && !Array.isArray(a) ? a : {};
  const name = typeof o['name'] === 'string' ? o['name'] : '';
  const cosign = o['cosign'];
  if (o['notary'] !== undefined && o['notary'] !== null) unsupported(`attestor ${name}: Notary verification`);
  if (cosign === null || typeof cosign !== 'object' || Array.isArray(cosign))
    unsupported(`attestor ${name}: an attestor without cosign keys`);
  const key = cosign['key'];
  const data = key !== null && typeof key === 'object' && !Array.isArray(key) ? key['data'] : undefined;
  if (typeof data !== 'string' || data.trim() === '') {
    const what =
      cosign['keyless'] !== undefined
        ? 'keyless (Fulcio/Rekor) verification'
        : cosign['certificate'] !== undefined
          ? 'certificate verification'
          : 'a cosign key other than key.data (KMS, secretRef, expression)';
    unsupported(`attestor ${name}: ${what}`);
  }
  const ann = cosign['annotations'];
  const annotations: Record<string, string> = {};
  if (ann !== null && typeof ann === 'object' && !Array.isArray(ann))
    for (const [k, v] of Object.entries(ann)) annotations[k] = String(v);
  return {
    name,
    keys: splitPemBlocks(data),
    ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
  };
}

function normalised(image: string): string {
  const info = parseKyvernoImage(image);
  if (info === undefined) throw new Error(`invalid image reference ${image}`);
  return info.reference;
}

async function verifySignatures(image: string, attestors: unknown[]): Promise<bigint> {
  const s = scope('verifyImageSignatures');
  if (!s.matches(image)) return 0n;
  const list = attestors.map(cosignAttestor);
  const facts = needFacts(s, 'verifyImageSignatures');
  const digest = await digestOf(s, facts, image);
  let count = 0;
  for (const a of list) {
    const check = await facts.verifySignature(
      {
        reference: normalised(image),
        digest,
        attestor: { kind: 'keys', publicKeys: a.keys },
        format: 'Cosign',
        ...(a.annotations === undefined ? {} : { annotations: a.annotations }),
      },
      s.signal,
    );
    if (check.verified) count++;
  }
  if (list.length > 0) s.verified.set(image, (s.verified.get(image) ?? false) || count > 0);
  return BigInt(count);
}

async function verifyAttestations(image: string, attestation: string, attestors: unknown[]): Promise<bigint> {
  const s = scope('verifyAttestationSignatures');
  if (!s.matches(image)) return 0n;
  const decl = s.attestations.get(attestation);
  if (decl === undefined) throw new Error(`attestation not found in policy: ${attestation}`);
  const list = attestors.map(cosignAttestor);
  // Kyverno's cosign verifier reads in-toto attestations only; a referrer artifact counts for none.
  if (decl.kind === 'referrer') unsupported(`attestation ${attestation}: OCI referrer artifacts`);
  const facts = needFacts(s, 'verifyAttestationSignatures');
  const digest = await digestOf(s, facts, image);
  let count = 0;
  for (const a of list) {
    const check = await facts.verifyAttestations(
      {
        reference: normalised(image),
        digest,
        attestor: { kind: 'keys', publicKeys: a.keys },
        format: 'Cosign',
        predicateType: decl.type,
        ...(a.annotations === undefined ? {} : { annotations: a.annotations }),
      },
      s.signal,
    );
    const statement = check.statements.find((st) => st['predicateType'] === decl.type) ?? check.statements[0];
    if (check.verified && statement !== undefined) {
      count++;
      s.payloads.set(`${image}\0${attestation}`, statement);
    }
  }
  if (list.length > 0) s.verified.set(image, (s.verified.get(image) ?? false) || count > 0);
  return BigInt(count);
}

function extractPayload(image: string, attestation: string): unknown {
  const s = scope('extractPayload');
  const decl = s.attestations.get(attestation);
  if (decl === undefined) throw new Error(`attestation not found in policy: ${attestation}`);
  if (decl.kind === 'referrer') unsupported(`extractPayload of OCI referrer artifact ${attestation}`);
  const statement = s.payloads.get(`${image}\0${attestation}`);
  if (statement === undefined)
    throw new Error('intoto attestation payload cannot be fetched before verifying intoto attestation');
  return toCel(statement as JsonValue);
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/u, 'Z');
}

function parseTime(text: string): number {
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new Error(`invalid timestamp ${text}`);
  return t;
}

function nowMs(): number {
  return storage.getStore()?.now().getTime() ?? Date.now();
}

/** Adds the image verification and time functions to the shared CEL environment. */
export function registerImageVerifyFunctions(env: Environment): void {
  const fn = (sig: string, handler: (...args: never[]) => unknown): void => {
    env.registerFunction(sig, handler as never);
  };
  fn('verifyImageSignatures(string, list): int', (image: string, attestors: unknown[]) =>
    verifySignatures(image, attestors),
  );
  fn(
    'verifyAttestationSignatures(string, string, list): int',
    (image: string, attestation: string, attestors: unknown[]) =>
      verifyAttestations(image, attestation, attestors),
  );
  fn('extractPayload(string, string): dyn', (image: string, attestation: string) =>
    extractPayload(image, attestation),
  );
  fn('time_now(): string', () => rfc3339(nowMs()));
  fn('time_now_utc(): string', () => rfc3339(nowMs()));
  fn('time_add(string, string): string', (t: string, d: string) => {
    const seconds = parseGoDuration(d);
    if (seconds === undefined) throw new Error(`invalid duration ${d}`);
    return rfc3339(parseTime(t) + seconds * 1000);
  });
  fn('time_before(string, string): bool', (a: string, b: string) => parseTime(a) < parseTime(b));
  fn('time_after(string, string): bool', (a: string, b: string) => parseTime(a) > parseTime(b));
}
