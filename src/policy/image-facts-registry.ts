// ImageFacts answered by OCI registries: digests by HEAD, cosign-compatible signatures and
// attestations through src/sign (legacy `.sig`/`.att` images and Sigstore bundle referrers),
// Kyverno's `imageRegistry` context data from the manifest (list) and config, and Bosun's
// model-scan results through an optional hook. Uncached: CachedImageFacts wraps it.
import {
  createRegistryClient,
  formatReference,
  parseImageConfig,
  parseReference,
  selectPlatform,
  withDigest,
  type FetchedManifest,
  type ImageReference,
  type RegistryClient,
  type RegistryClientOptions,
} from '../image/index.ts';
import {
  loadPublicKey,
  verifyImageAttestations,
  verifyImageSignatures,
  type PublicKey,
  type VerificationFailure,
} from '../sign/index.ts';
import type { JsonObject } from './common/json.ts';
import type {
  AttestationCheck,
  AttestationQuery,
  ImageAttestor,
  ImageFacts,
  SignatureCheck,
  SignatureQuery,
} from './image-facts.ts';

/**
 * Client settings shared by every registry (credentials, CAs, `insecure` for test registries,
 * timeouts...), plus how clients and model-scan results are found.
 */
export interface RegistryImageFactsOptions extends Omit<RegistryClientOptions, 'registry'> {
  /** Replaces client creation (a shared client pool, tests). */
  readonly clientFor?: (registry: string) => RegistryClient;
  /** Where Bosun's model-scan result for a digest comes from (`{verdict, files}`), if anywhere. */
  readonly modelScan?: (digest: string, signal?: AbortSignal) => Promise<JsonObject | undefined>;
}

const DEFAULT_PLATFORM = { os: 'linux', architecture: 'amd64' } as const;
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

function pinned(reference: string, digest: string): ImageReference {
  const ref = parseReference(reference);
  return ref.digest === undefined && digest !== '' ? withDigest(ref, digest) : ref;
}

/** Trusted keys of an attestor, or why the attestor cannot be checked here. */
function attestorKeys(attestor: ImageAttestor): PublicKey[] | string {
  switch (attestor.kind) {
    case 'keys':
      if (attestor.publicKeys.length === 0) return 'attestor has no public keys';
      return attestor.publicKeys.map((pem, i) => loadPublicKey(pem, { input: `attestor public key ${i}` }));
    case 'keyless':
      return 'keyless attestors (Fulcio certificates, Rekor) are not verified by Bosun';
    case 'certificates':
      return 'certificate attestors are not verified by Bosun';
  }
}

function reasonOf(failures: readonly VerificationFailure[]): string {
  if (failures.length === 0) return 'no signatures found';
  return [...new Set(failures.map((f) => (f.detail === undefined ? f.reason : `${f.reason} (${f.detail})`)))]
    .sort()
    .slice(0, 5)
    .join(', ');
}

/** Manifest and statement bytes were parsed and checked by the registry client and src/sign. */
function json(bytes: Uint8Array): JsonObject {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as JsonObject;
}

function formats(q: SignatureQuery): ('legacy' | 'bundle')[] {
  return q.format === 'SigstoreBundle' ? ['bundle'] : ['legacy', 'bundle'];
}

/** The registry-backed ImageFacts: one client per registry, opened on first use. */
export class RegistryImageFacts implements ImageFacts {
  readonly modelScan?: (digest: string, signal?: AbortSignal) => Promise<JsonObject | undefined>;
  readonly #clients = new Map<string, RegistryClient>();
  readonly #clientFor: ((registry: string) => RegistryClient) | undefined;
  readonly #clientOptions: Omit<RegistryClientOptions, 'registry'>;

  constructor(options: RegistryImageFactsOptions = {}) {
    const { clientFor, modelScan, ...clientOptions } = options;
    this.#clientFor = clientFor;
    // Retries belong to the next admission attempt, not inside a deadline-bound request.
    this.#clientOptions = { timeoutMs: 10_000, retry: { retries: 0 }, ...clientOptions };
    if (modelScan !== undefined) this.modelScan = modelScan;
  }

  #client(registry: string): RegistryClient {
    if (this.#clientFor !== undefined) return this.#clientFor(registry);
    let c = this.#clients.get(registry);
    if (c === undefined) {
      c = createRegistryClient({ ...this.#clientOptions, registry });
      this.#clients.set(registry, c);
    }
    return c;
  }

  /** Closes the registry connections this service opened. */
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
      formats: formats(q),
      ...(q.annotations === undefined ? {} : { annotations: q.annotations }),
      ...(q.repository === undefined ? {} : this.#signatureRepo(q.repository)),
      ...(signal === undefined ? {} : { signal }),
    });
    return result.ok ? { verified: true } : { verified: false, reason: reasonOf(result.failures) };
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
      formats: formats(q),
      ...(q.repository === undefined ? {} : this.#signatureRepo(q.repository)),
      ...(signal === undefined ? {} : { signal }),
    });
    // The exact signed statement bytes, as in-toto JSON (`_type`, `subject`, `predicate`...).
    const statements = result.verified.map((v) => json(v.payloadBytes));
    return result.ok && statements.length > 0
      ? { verified: true, statements }
      : { verified: false, statements: [], reason: reasonOf(result.failures) };
  }

  async registryMetadata(reference: string, signal?: AbortSignal): Promise<JsonObject> {
    const ref = parseReference(reference);
    const c = this.#client(ref.registry);
    const root = await c.getManifest(ref.repository, ref.digest ?? ref.tag ?? 'latest', signal);
    let image: FetchedManifest = root;
    if (root.kind === 'index') {
      const chosen = selectPlatform(root, { defaultPlatform: DEFAULT_PLATFORM }, reference);
      image = await c.getManifest(ref.repository, chosen.digest, signal);
    }
    let configData: JsonObject | null = null;
    if (image.kind === 'manifest') {
      const bytes = await c.getBlobBytes(ref.repository, image.manifest.config, {
        maxBytes: MAX_CONFIG_BYTES,
        ...(signal === undefined ? {} : { signal }),
      });
      // A config is JSON the client has not parsed: image/ parses it with typed errors.
      configData = parseImageConfig(bytes, `${reference} config`) as unknown as JsonObject;
    }
    return {
      image: reference,
      resolvedImage: formatReference(withDigest(ref, root.digest)),
      registry: ref.registry,
      repository: ref.repository,
      identifier: ref.digest ?? ref.tag ?? 'latest',
      ...(root.kind === 'index' ? { manifestList: json(root.bytes) } : {}),
      manifest: json(image.bytes),
      configData,
    } satisfies JsonObject;
  }

  #signatureRepo(repository: string): { signatureRepo: string; signatureClient: RegistryClient } {
    return { signatureRepo: repository, signatureClient: this.#client(parseReference(repository).registry) };
  }
}
