// ImageFacts answered by registries: digests by HEAD, signatures and attestations through
// src/sign's cosign-compatible verification, Kyverno's imageRegistry metadata from the manifest
// and config. Uncached: CachedImageFacts wraps it.
import { createRegistryClient, formatReference, parseReference, withDigest } from '../../image/index.ts';
import type { CredentialProvider, ImageReference, RegistryClient } from '../../image/index.ts';
import { loadPublicKey, verifyImageAttestations, verifyImageSignatures } from '../../sign/index.ts';
import type { PublicKey } from '../../sign/index.ts';
import type {
  AttestationCheck,
  AttestationQuery,
  ImageAttestor,
  ImageFacts,
  JsonObject,
  SignatureCheck,
  SignatureQuery,
} from '../../policy/index.ts';

export interface RegistryFactsOptions {
  readonly credentials?: CredentialProvider;
  /** Extra trusted CAs for registries (PEM). */
  readonly caPems?: readonly string[];
  /** Per registry request timeout (default 10 s; the request deadline usually cuts sooner). */
  readonly timeoutMs?: number;
  /** Requests in flight per registry (default 8). */
  readonly maxConcurrency?: number;
  /** Test registries only: plain HTTP / unverified TLS. */
  readonly insecure?: boolean;
  /** Replaces client creation (tests, shared clients). */
  readonly clientFor?: (registry: string) => RegistryClient;
}

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export class RegistryImageFacts implements ImageFacts {
  readonly #clients = new Map<string, RegistryClient>();
  readonly #options: RegistryFactsOptions;

  constructor(options: RegistryFactsOptions = {}) {
    this.#options = options;
  }

  #client(registry: string): RegistryClient {
    if (this.#options.clientFor !== undefined) return this.#options.clientFor(registry);
    let c = this.#clients.get(registry);
    if (c === undefined) {
      c = createRegistryClient({
        registry,
        ...(this.#options.credentials === undefined ? {} : { credentials: this.#options.credentials }),
        ...(this.#options.caPems === undefined ? {} : { caPems: this.#options.caPems }),
        ...(this.#options.insecure === undefined ? {} : { insecure: this.#options.insecure }),
        timeoutMs: this.#options.timeoutMs ?? 10_000,
        maxConcurrency: this.#options.maxConcurrency ?? 8,
        // Retries belong to the next admission attempt, not inside a deadline-bound request.
        retry: { retries: 0 },
      });
      this.#clients.set(registry, c);
    }
    return c;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#clients.values()].map((c) => c.close()));
    this.#clients.clear();
  }

  async resolveDigest(reference: string, signal?: AbortSignal): Promise<string> {
    const ref = parseReference(reference);
    if (ref.digest !== undefined) return ref.digest;
    const d = await this.#client(ref.registry).headManifest(ref.repository, ref.tag ?? 'latest', signal);
    return d.digest;
  }

  async verifySignature(q: SignatureQuery, signal?: AbortSignal): Promise<SignatureCheck> {
    const keys = attestorKeys(q.attestor);
    if (typeof keys === 'string') return { verified: false, reason: keys };
    const ref = pinned(q.reference, q.digest);
    const result = await verifyImageSignatures({
      reference: ref,
      keys,
      client: this.#client(ref.registry),
      formats: q.format === 'SigstoreBundle' ? ['bundle'] : ['legacy', 'bundle'],
      ...(q.annotations === undefined ? {} : { annotations: q.annotations }),
      ...(q.repository === undefined ? {} : this.#signatureRepo(q.repository)),
      ...(signal === undefined ? {} : { signal }),
    });
    if (result.ok) return { verified: true };
    return { verified: false, reason: failureReason(result.failures) };
  }

  async verifyAttestations(q: AttestationQuery, signal?: AbortSignal): Promise<AttestationCheck> {
    const keys = attestorKeys(q.attestor);
    if (typeof keys === 'string') return { verified: false, statements: [], reason: keys };
    const ref = pinned(q.reference, q.digest);
    const result = await verifyImageAttestations({
      reference: ref,
      type: q.predicateType,
      keys,
      client: this.#client(ref.registry),
      formats: q.format === 'SigstoreBundle' ? ['bundle'] : ['legacy', 'bundle'],
      ...(q.repository === undefined ? {} : this.#signatureRepo(q.repository)),
      ...(signal === undefined ? {} : { signal }),
    });
    const statements = result.verified.map((v) => v.statement as unknown as JsonObject);
    if (result.ok) return { verified: true, statements };
    return { verified: false, statements: [], reason: failureReason(result.failures) };
  }

  async registryMetadata(reference: string, signal?: AbortSignal): Promise<JsonObject> {
    const ref = parseReference(reference);
    const client = this.#client(ref.registry);
    const fetched = await client.getManifest(ref.repository, ref.digest ?? ref.tag ?? 'latest', signal);
    const manifest = JSON.parse(Buffer.from(fetched.bytes).toString('utf8')) as JsonObject;
    let configData: JsonObject | null = null;
    if (fetched.kind === 'manifest') {
      const bytes = await client.getBlobBytes(ref.repository, fetched.manifest.config, {
        maxBytes: MAX_CONFIG_BYTES,
        ...(signal === undefined ? {} : { signal }),
      });
      configData = JSON.parse(Buffer.from(bytes).toString('utf8')) as JsonObject;
    }
    return {
      image: reference,
      resolvedImage: formatReference(withDigest(ref, fetched.digest)),
      registry: ref.registry,
      repository: ref.repository,
      identifier: ref.digest ?? ref.tag ?? 'latest',
      manifest,
      configData,
    };
  }

  #signatureRepo(repository: string): { signatureRepo: string; signatureClient: RegistryClient } {
    const registry = repository.split('/')[0]!;
    return { signatureRepo: repository, signatureClient: this.#client(registry) };
  }
}

function pinned(reference: string, digest: string): ImageReference {
  const ref = parseReference(reference);
  return ref.digest === undefined && digest !== '' ? withDigest(ref, digest) : ref;
}

/** Trusted keys of an attestor, or why the attestor cannot be checked here. */
function attestorKeys(attestor: ImageAttestor): PublicKey[] | string {
  switch (attestor.kind) {
    case 'keys':
      if (attestor.publicKeys.length === 0) return 'attestor has no public keys';
      return attestor.publicKeys.map((pem, i) => loadPublicKey(pem, { input: `attestor key ${i}` }));
    case 'keyless':
      return 'keyless (Fulcio/Rekor) attestors are not verified by Bosun';
    case 'certificates':
      return 'certificate attestors are not verified by Bosun';
  }
}

function failureReason(failures: readonly { reason: string; detail?: string }[]): string {
  if (failures.length === 0) return 'no signatures found';
  const reasons = [...new Set(failures.map((f) => f.reason))].sort();
  return reasons.slice(0, 5).join(', ');
}
