// ImageFacts answered by OCI registries: digests by HEAD, cosign-compatible signatures and
// attestations through src/sign (legacy `.sig`/`.att` images and Sigstore bundle referrers), and
// Kyverno's `imageRegistry` context data from the manifest (list) and config. Answers are cached
// in memory: by digest for a long TTL (a digest names immutable content; the TTL bounds how long a
// new or removed signature goes unseen), tag resolutions and negative answers or errors for a
// short one. Concurrent identical questions share one flight.
import {
  createRegistryClient,
  formatReference,
  parseReference,
  selectPlatform,
  withDigest,
  type CredentialProvider,
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
  ImageAttestor,
  ImageFacts,
  SignatureCheck,
  SignatureQuery,
} from './image-facts.ts';

export interface RegistryImageFactsOptions {
  /** Where registry credentials come from (docker config, pull secrets...); anonymous otherwise. */
  readonly credentials?: CredentialProvider;
  /** Client settings shared by every registry (timeouts, CAs, `insecure` for test registries). */
  readonly clientOptions?: Omit<RegistryClientOptions, 'registry' | 'credentials'>;
  /** Replaces client creation (a shared client pool, tests). */
  readonly clientFor?: (registry: string) => RegistryClient;
  /** Lifetime of answers keyed by digest that passed (default 5 minutes). */
  readonly cacheTtlMs?: number;
  /** Lifetime of tag → digest answers (default 30 s: tags move). */
  readonly tagTtlMs?: number;
  /** Lifetime of failed verifications and errors (default 5 s). */
  readonly negativeTtlMs?: number;
  /** Most cached answers, oldest dropped first (default 10,000). */
  readonly maxEntries?: number;
  /** Clock in ms (tests). */
  readonly now?: () => number;
}

export interface RegistryImageFacts extends ImageFacts {
  /** Cache counters: answers served from memory, shared flights, registry round trips. */
  readonly stats: { hits: number; shared: number; misses: number };
  /** Drops every cached answer. */
  clear(): void;
  /** Closes the registry connections this service opened. */
  close(): Promise<void>;
}

interface Entry {
  readonly value: Promise<unknown>;
  expires: number;
}

const DEFAULT_PLATFORM = { os: 'linux', architecture: 'amd64' } as const;
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

function pinned(reference: string, digest: string): ImageReference {
  const ref = parseReference(reference);
  return ref.digest === undefined && digest !== '' ? withDigest(ref, digest) : ref;
}

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

function json(bytes: Uint8Array): JsonObject {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as JsonObject;
}

/** Creates the registry-backed, cached ImageFacts service. */
export function registryImageFacts(options: RegistryImageFactsOptions = {}): RegistryImageFacts {
  const clients = new Map<string, RegistryClient>();
  const entries = new Map<string, Entry>();
  const now = options.now ?? Date.now;
  const ttl = options.cacheTtlMs ?? 5 * 60_000;
  const tagTtl = options.tagTtlMs ?? 30_000;
  const negativeTtl = options.negativeTtlMs ?? 5_000;
  const maxEntries = Math.max(1, options.maxEntries ?? 10_000);
  const stats = { hits: 0, shared: 0, misses: 0 };

  const client = (registry: string): RegistryClient => {
    if (options.clientFor !== undefined) return options.clientFor(registry);
    let c = clients.get(registry);
    if (c === undefined) {
      c = createRegistryClient({
        ...options.clientOptions,
        registry,
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      });
      clients.set(registry, c);
    }
    return c;
  };

  /** Single-flight memo: the promise is stored at once, its TTL set when it settles. */
  const memo = <T>(
    key: string,
    positiveTtl: number,
    positive: (v: T) => boolean,
    run: () => Promise<T>,
  ): Promise<T> => {
    const hit = entries.get(key);
    if (hit !== undefined && hit.expires === Number.POSITIVE_INFINITY) {
      stats.shared++;
      return hit.value as Promise<T>;
    }
    if (hit !== undefined && hit.expires > now()) {
      stats.hits++;
      return hit.value as Promise<T>;
    }
    stats.misses++;
    const p = run();
    const entry: Entry = { value: p, expires: Number.POSITIVE_INFINITY };
    entries.delete(key);
    entries.set(key, entry);
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
    }
    const settle = (life: number): void => {
      if (entries.get(key) !== entry) return;
      if (life <= 0) entries.delete(key);
      else entry.expires = now() + life;
    };
    p.then(
      (v) => settle(positive(v) ? positiveTtl : negativeTtl),
      () => settle(negativeTtl),
    );
    return p;
  };

  const signatureRepo = (repository: string): { signatureRepo: string; signatureClient: RegistryClient } => {
    const ref = parseReference(repository);
    return { signatureRepo: repository, signatureClient: client(ref.registry) };
  };

  const formats = (q: SignatureQuery): ('legacy' | 'bundle')[] =>
    q.format === 'SigstoreBundle' ? ['bundle'] : ['legacy', 'bundle'];

  const facts: RegistryImageFacts = {
    stats,
    clear: () => entries.clear(),
    close: async () => {
      await Promise.all([...clients.values()].map((c) => c.close()));
      clients.clear();
    },

    resolveDigest(reference, signal) {
      const ref = parseReference(reference);
      if (ref.digest !== undefined) return Promise.resolve(ref.digest);
      const key = `d\0${formatReference(ref)}`;
      return memo(
        key,
        tagTtl,
        () => true,
        async () => {
          const d = await client(ref.registry).headManifest(ref.repository, ref.tag ?? 'latest', signal);
          return d.digest;
        },
      );
    },

    verifySignature(q, signal) {
      const ref = pinned(q.reference, q.digest);
      const key = `s\0${JSON.stringify({ ...q, reference: formatReference(ref) })}`;
      return memo(
        key,
        ttl,
        (v: SignatureCheck) => v.verified,
        async (): Promise<SignatureCheck> => {
          const keys = attestorKeys(q.attestor);
          if (typeof keys === 'string') return { verified: false, reason: keys };
          const result = await verifyImageSignatures({
            reference: ref,
            keys,
            client: client(ref.registry),
            formats: formats(q),
            ...(q.annotations === undefined ? {} : { annotations: q.annotations }),
            ...(q.repository === undefined ? {} : signatureRepo(q.repository)),
            ...(signal === undefined ? {} : { signal }),
          });
          return result.ok ? { verified: true } : { verified: false, reason: reasonOf(result.failures) };
        },
      );
    },

    verifyAttestations(q, signal) {
      const ref = pinned(q.reference, q.digest);
      const key = `a\0${JSON.stringify({ ...q, reference: formatReference(ref) })}`;
      return memo(
        key,
        ttl,
        (v: AttestationCheck) => v.verified,
        async (): Promise<AttestationCheck> => {
          const keys = attestorKeys(q.attestor);
          if (typeof keys === 'string') return { verified: false, statements: [], reason: keys };
          const result = await verifyImageAttestations({
            reference: ref,
            type: q.predicateType,
            keys,
            client: client(ref.registry),
            formats: formats(q),
            ...(q.repository === undefined ? {} : signatureRepo(q.repository)),
            ...(signal === undefined ? {} : { signal }),
          });
          // The exact signed statement bytes, as in-toto JSON (`_type`, `subject`, `predicate`...).
          const statements = result.verified.map((v) => json(v.payloadBytes));
          return result.ok && statements.length > 0
            ? { verified: true, statements }
            : { verified: false, statements: [], reason: reasonOf(result.failures) };
        },
      );
    },

    registryMetadata(reference, signal) {
      const ref = parseReference(reference);
      const key = `m\0${formatReference(ref)}`;
      return memo(
        key,
        ref.digest === undefined ? tagTtl : ttl,
        () => true,
        async () => {
          const c = client(ref.registry);
          const root = await c.getManifest(ref.repository, ref.digest ?? ref.tag ?? 'latest', signal);
          let image: FetchedManifest = root;
          if (root.kind === 'index') {
            const chosen = selectPlatform(root, { defaultPlatform: DEFAULT_PLATFORM }, reference);
            image = await c.getManifest(ref.repository, chosen.digest, signal);
          }
          let configData: JsonObject | null = null;
          if (image.kind === 'manifest') {
            configData = json(
              await c.getBlobBytes(ref.repository, image.manifest.config, {
                maxBytes: MAX_CONFIG_BYTES,
                ...(signal === undefined ? {} : { signal }),
              }),
            );
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
        },
      );
    },
  };
  return facts;
}
