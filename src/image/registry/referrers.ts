/**
 * Referrers (OCI distribution 1.1): the `/v2/<name>/referrers/<digest>` API, and when a registry
 * lacks it (404, or an answer that is not an index) the tag schema fallback: an index tagged
 * `<alg>-<hex>` that clients maintain when they push a manifest with a `subject`.
 */
import { isBosunError } from '../../util/errors.ts';
import { digestOf, parseDigest } from '../../util/digest.ts';
import { parseIndex, parseManifestBytes } from '../local/index.ts';
import { MEDIA_TYPES, type Descriptor, type FetchedManifest, type ImageIndex } from '../types.ts';
import { repositoryPath, type RegistryApi } from './api.ts';
import { parseNextLink } from './link.ts';
import { getManifest, putManifest } from './manifests.ts';
import { drain, headerValue, readBody } from './transport.ts';
import { BosunError, limitError } from '../../util/errors.ts';

export interface ReferrersResult {
  readonly referrers: readonly Descriptor[];
  /** Where the answer came from: the referrers API or the fallback tag. */
  readonly source: 'api' | 'tag';
}

/** The fallback tag for a subject digest: `sha256:abc…` → `sha256-abc…`. */
export function referrersTag(digest: string): string {
  const { algorithm, hex } = parseDigest(digest, 'subject digest');
  return `${algorithm}-${hex}`;
}

function filterByType(descriptors: readonly Descriptor[], artifactType: string | undefined): Descriptor[] {
  return artifactType === undefined
    ? [...descriptors]
    : descriptors.filter((d) => d.artifactType === artifactType);
}

export async function getReferrers(
  api: RegistryApi,
  repository: string,
  digest: string,
  options: { readonly artifactType?: string; readonly signal?: AbortSignal } = {},
): Promise<ReferrersResult> {
  const { signal, artifactType } = options;
  parseDigest(digest, 'subject digest');
  const input = `${api.registry}/${repository} referrers of ${digest}`;
  const context = { registry: api.registry, repository, operation: 'get referrers' };
  const base = await api.baseUrl(signal);
  let target: URL | undefined = new URL(`/v2/${repositoryPath(repository)}/referrers/${digest}`, base);
  if (artifactType !== undefined) target.searchParams.set('artifactType', artifactType);
  const found: Descriptor[] = [];
  for (let page = 0; target !== undefined; page++) {
    if (page >= api.limits.maxPages)
      throw limitError('IMAGE_LIMIT', input, 'pages', page + 1, api.limits.maxPages);
    const response = await api.call({
      method: 'GET',
      repository,
      target,
      operation: 'get referrers',
      headers: { accept: MEDIA_TYPES.ociIndex },
      ok: [200, 404],
      ...(signal === undefined ? {} : { signal }),
    });
    const type = headerValue(response.headers, 'content-type')?.split(';')[0]?.trim();
    if (response.status === 404 || type !== MEDIA_TYPES.ociIndex) {
      await drain(response);
      // Only the first page decides whether the API exists.
      if (page === 0)
        return {
          referrers: await fallbackReferrers(api, repository, digest, artifactType, signal),
          source: 'tag',
        };
      throw new BosunError('REGISTRY_PROTOCOL', `${input}: a later referrers page is not an index`, {
        details: { registry: api.registry, repository },
      });
    }
    const bytes = await readBody(
      response,
      api.limits.maxManifestBytes,
      input,
      context,
      'IMAGE_LIMIT',
      signal,
    );
    const index = parseIndexBytes(bytes, input);
    const filtered = (headerValue(response.headers, 'oci-filters-applied') ?? '')
      .split(',')
      .map((s) => s.trim());
    found.push(
      ...(filtered.includes('artifactType') ? index.manifests : filterByType(index.manifests, artifactType)),
    );
    const next = parseNextLink(headerValue(response.headers, 'link'));
    target = next === undefined ? undefined : new URL(next, response.url);
    if (target !== undefined && target.origin !== base.origin) {
      throw new BosunError('REGISTRY_PROTOCOL', `${input}: pagination link leaves the registry`, {
        details: { registry: api.registry, repository },
      });
    }
  }
  return { referrers: found, source: 'api' };
}

function parseIndexBytes(bytes: Uint8Array, input: string): ImageIndex {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new BosunError('IMAGE_MANIFEST_INVALID', `${input}: not valid JSON`, {
      cause: error,
      details: { input },
    });
  }
  return parseIndex(value, input);
}

async function fetchTagIndex(
  api: RegistryApi,
  repository: string,
  digest: string,
  signal?: AbortSignal,
): Promise<FetchedManifest | undefined> {
  try {
    return await getManifest(api, repository, referrersTag(digest), signal);
  } catch (error) {
    if (isBosunError(error, 'IMAGE_NOT_FOUND')) return undefined;
    throw error;
  }
}

async function fallbackReferrers(
  api: RegistryApi,
  repository: string,
  digest: string,
  artifactType: string | undefined,
  signal?: AbortSignal,
): Promise<Descriptor[]> {
  const fetched = await fetchTagIndex(api, repository, digest, signal);
  if (fetched === undefined || fetched.kind !== 'index') return [];
  return filterByType(fetched.index.manifests, artifactType);
}

/**
 * The descriptor of a pushed manifest as a referrers list shows it: artifactType (the manifest's,
 * else its config media type) and annotations copied from the manifest.
 */
export function referrerDescriptor(manifest: FetchedManifest): Descriptor {
  const doc = manifest.kind === 'manifest' ? manifest.manifest : manifest.index;
  const artifactType =
    doc.artifactType ?? (manifest.kind === 'manifest' ? manifest.manifest.config.mediaType : undefined);
  return {
    mediaType: manifest.mediaType,
    digest: manifest.digest,
    size: manifest.bytes.byteLength,
    ...(artifactType === undefined ? {} : { artifactType }),
    ...(doc.annotations === undefined ? {} : { annotations: doc.annotations }),
  };
}

/** Adds a referrer to the subject's fallback tag index (creating it), unless already listed. */
export async function addToReferrersTag(
  api: RegistryApi,
  repository: string,
  subject: string,
  referrer: Descriptor,
  signal?: AbortSignal,
): Promise<void> {
  const existing = await fetchTagIndex(api, repository, subject, signal);
  const manifests = existing?.kind === 'index' ? existing.index.manifests : [];
  if (manifests.some((d) => d.digest === referrer.digest)) return;
  const index = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [...manifests, referrer] };
  const bytes = new Uint8Array(Buffer.from(JSON.stringify(index), 'utf8'));
  await putManifest(api, repository, referrersTag(subject), bytes, MEDIA_TYPES.ociIndex, signal);
}

/** Parses manifest bytes about to be pushed (to find a `subject`); the digest is computed. */
export function parsePushedManifest(bytes: Uint8Array, mediaType: string, input: string): FetchedManifest {
  return parseManifestBytes(bytes, digestOf(bytes), input, mediaType);
}
