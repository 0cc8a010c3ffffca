// The one interface through which policies learn facts about images: digests, signatures,
// attestations, registry metadata, vulnerability and model scan results. The webhook and the CLI
// share one implementation: CachedImageFacts (image-facts-cache.ts) over RegistryImageFacts
// (image-facts-registry.ts); tests use the in-memory one below.
import type { JsonObject } from './common/json.ts';

/** Who must have signed: public keys (PEM), or a keyless identity. */
export type ImageAttestor =
  | { readonly kind: 'keys'; readonly publicKeys: readonly string[]; readonly signatureAlgorithm?: string }
  | { readonly kind: 'keyless'; readonly issuer?: string; readonly subject?: string; readonly roots?: string }
  | { readonly kind: 'certificates'; readonly certificate?: string; readonly certificateChain?: string };

export interface SignatureQuery {
  readonly reference: string;
  readonly digest: string;
  readonly attestor: ImageAttestor;
  /** Annotations the signature payload must carry. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Alternative repository holding the signatures. */
  readonly repository?: string;
  readonly format: 'Cosign' | 'SigstoreBundle';
}

export interface SignatureCheck {
  readonly verified: boolean;
  readonly reason?: string;
}

export interface AttestationQuery extends SignatureQuery {
  readonly predicateType: string;
}

export interface AttestationCheck {
  readonly verified: boolean;
  /** in-toto statements whose signatures verified, with their predicates. */
  readonly statements: readonly JsonObject[];
  readonly reason?: string;
}

export interface ImageFacts {
  /** The manifest digest `reference` points to (`sha256:...`). */
  resolveDigest(reference: string, signal?: AbortSignal): Promise<string>;
  verifySignature(query: SignatureQuery, signal?: AbortSignal): Promise<SignatureCheck>;
  verifyAttestations(query: AttestationQuery, signal?: AbortSignal): Promise<AttestationCheck>;
  /** Kyverno imageRegistry context data: {image, resolvedImage, registry, repository, identifier, manifest, configData}. */
  registryMetadata(reference: string, signal?: AbortSignal): Promise<JsonObject>;
  /**
   * Bosun's model-scan result recorded for an image digest (`{verdict, files}`), when the service
   * keeps scan results; undefined when it has none. No rule reads it yet: policies check signed
   * model-scan attestations through verifyAttestations.
   */
  modelScan?(digest: string, signal?: AbortSignal): Promise<JsonObject | undefined>;
}

/** A signature or attestation held by the in-memory facts: which key made it, what it carries. */
export interface FakeSignature {
  readonly publicKey: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly repository?: string;
}

export interface FakeAttestation extends FakeSignature {
  readonly statement: JsonObject;
}

export interface FakeImage {
  readonly digest: string;
  readonly signatures?: readonly FakeSignature[];
  readonly attestations?: readonly FakeAttestation[];
  readonly metadata?: JsonObject;
}

function normalisePem(pem: string): string {
  return pem.replace(/\s+/gu, '');
}

/** In-memory ImageFacts for tests: images by normalised reference (any tag or digest form). */
export class InMemoryImageFacts implements ImageFacts {
  readonly #images = new Map<string, FakeImage>();
  calls = 0;

  constructor(images: Readonly<Record<string, FakeImage>> = {}) {
    for (const [ref, img] of Object.entries(images)) this.#images.set(ref, img);
  }

  #find(reference: string): FakeImage {
    this.calls++;
    const direct = this.#images.get(reference);
    if (direct !== undefined) return direct;
    const at = reference.indexOf('@');
    if (at >= 0) {
      const digest = reference.slice(at + 1);
      for (const img of this.#images.values()) if (img.digest === digest) return img;
    }
    throw new Error(`image ${reference} not found`);
  }

  async resolveDigest(reference: string): Promise<string> {
    return this.#find(reference).digest;
  }

  async verifySignature(q: SignatureQuery): Promise<SignatureCheck> {
    const img = this.#find(q.reference);
    if (q.attestor.kind !== 'keys')
      return { verified: false, reason: 'only key attestors are known to the in-memory facts' };
    const keys = q.attestor.publicKeys.map(normalisePem);
    const ok = (img.signatures ?? []).some(
      (s) =>
        keys.includes(normalisePem(s.publicKey)) &&
        (q.repository === undefined || s.repository === q.repository) &&
        Object.entries(q.annotations ?? {}).every(([k, v]) => s.annotations?.[k] === v),
    );
    return ok ? { verified: true } : { verified: false, reason: 'no matching signatures' };
  }

  async verifyAttestations(q: AttestationQuery): Promise<AttestationCheck> {
    const img = this.#find(q.reference);
    if (q.attestor.kind !== 'keys')
      return {
        verified: false,
        statements: [],
        reason: 'only key attestors are known to the in-memory facts',
      };
    const keys = q.attestor.publicKeys.map(normalisePem);
    const statements = (img.attestations ?? [])
      .filter(
        (a) => keys.includes(normalisePem(a.publicKey)) && a.statement['predicateType'] === q.predicateType,
      )
      .map((a) => a.statement);
    return statements.length > 0
      ? { verified: true, statements }
      : { verified: false, statements: [], reason: `no verified attestations of type ${q.predicateType}` };
  }

  async registryMetadata(reference: string): Promise<JsonObject> {
    const img = this.#find(reference);
    return img.metadata ?? { image: reference, resolvedImage: `${reference.split('@')[0]!}@${img.digest}` };
  }
}
