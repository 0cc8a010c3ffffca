/**
 * Manifests over the distribution API: GET/HEAD with all four accepted media types, verified
 * against the requested digest (by digest) or `Docker-Content-Digest` (by tag) and always
 * recomputed; PUT by tag or digest; DELETE by digest.
 */
import { BosunError } from '../../util/errors.ts';
import { digestOf, isDigest, parseDigest, verifyBytes } from '../../util/digest.ts';
import { parseManifestBytes } from '../local/index.ts';
import { MEDIA_TYPES, type Descriptor, type FetchedManifest } from '../types.ts';
import { referencePath, repositoryPath, type RegistryApi } from './api.ts';
import { drain, headerValue, readBody } from './transport.ts';

/** What `Accept` asks for: OCI manifest and index, Docker schema2 manifest and list. */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerManifest,
  MEDIA_TYPES.dockerManifestList,
].join(', ');

function mediaTypeOf(value: string | undefined): string | undefined {
  const type = value?.split(';')[0]?.trim();
  return type === '' ? undefined : type;
}

function manifestInput(api: RegistryApi, repository: string, reference: string): string {
  const sep = isDigest(reference) ? '@' : ':';
  return `${api.registry}/${repository}${sep}${reference}`;
}

export async function getManifest(
  api: RegistryApi,
  repository: string,
  reference: string,
  signal?: AbortSignal,
): Promise<FetchedManifest> {
  const input = manifestInput(api, repository, reference);
  const response = await api.call({
    method: 'GET',
    repository,
    reference,
    target: `/v2/${repositoryPath(repository)}/manifests/${referencePath(reference)}`,
    operation: 'get manifest',
    headers: { accept: MANIFEST_ACCEPT },
    ok: [200],
    notFound: 'IMAGE_NOT_FOUND',
    ...(signal === undefined ? {} : { signal }),
  });
  const context = { registry: api.registry, repository, reference, operation: 'get manifest' };
  const bytes = await readBody(response, api.limits.maxManifestBytes, input, context, 'IMAGE_LIMIT', signal);
  const digest = verifiedManifestDigest(
    bytes,
    reference,
    headerValue(response.headers, 'docker-content-digest'),
    input,
  );
  return parseManifestBytes(bytes, digest, input, mediaTypeOf(headerValue(response.headers, 'content-type')));
}

/**
 * The digest a fetched manifest is known by, after checking it: the requested digest when
 * fetched by digest, else the registry's `Docker-Content-Digest` when present, else sha256.
 */
export function verifiedManifestDigest(
  bytes: Uint8Array,
  reference: string,
  headerDigest: string | undefined,
  input: string,
): string {
  if (isDigest(reference)) {
    verifyBytes(bytes, reference, input);
    return reference;
  }
  if (headerDigest !== undefined && headerDigest !== '') {
    const { algorithm } = parseDigest(headerDigest, `${input} Docker-Content-Digest`);
    verifyBytes(bytes, headerDigest, input);
    return algorithm === 'sha256' ? headerDigest : digestOf(bytes);
  }
  return digestOf(bytes);
}

/** HEAD: the descriptor a tag or digest points at, without the body (GET when the registry omits the digest). */
export async function headManifest(
  api: RegistryApi,
  repository: string,
  reference: string,
  signal?: AbortSignal,
): Promise<Descriptor> {
  const response = await api.call({
    method: 'HEAD',
    repository,
    reference,
    target: `/v2/${repositoryPath(repository)}/manifests/${referencePath(reference)}`,
    operation: 'head manifest',
    headers: { accept: MANIFEST_ACCEPT },
    ok: [200],
    notFound: 'IMAGE_NOT_FOUND',
    ...(signal === undefined ? {} : { signal }),
  });
  await drain(response);
  const headerDigest = headerValue(response.headers, 'docker-content-digest');
  const size = Number(headerValue(response.headers, 'content-length'));
  const mediaType = mediaTypeOf(headerValue(response.headers, 'content-type'));
  const digest = isDigest(reference) ? reference : headerDigest;
  if (digest === undefined || !isDigest(digest) || !Number.isSafeInteger(size) || mediaType === undefined) {
    const fetched = await getManifest(api, repository, reference, signal);
    return { mediaType: fetched.mediaType, digest: fetched.digest, size: fetched.bytes.byteLength };
  }
  return { mediaType, digest, size };
}

export interface PutManifestResult {
  readonly digest: string;
  readonly size: number;
  /** The registry's `OCI-Subject` header: it indexed the subject itself (referrers API). */
  readonly subjectHandled: boolean;
}

/** PUT a manifest under a tag or its digest; the digest is computed locally and checked. */
export async function putManifest(
  api: RegistryApi,
  repository: string,
  reference: string,
  bytes: Uint8Array,
  mediaType: string,
  signal?: AbortSignal,
): Promise<PutManifestResult> {
  const input = manifestInput(api, repository, reference);
  if (bytes.byteLength > api.limits.maxManifestBytes) {
    throw new BosunError(
      'IMAGE_LIMIT',
      `${input}: manifest size limit exceeded (${bytes.byteLength} > ${api.limits.maxManifestBytes})`,
      {
        details: { input, limit: 'size', value: bytes.byteLength, max: api.limits.maxManifestBytes },
      },
    );
  }
  const digest = isDigest(reference) ? reference : digestOf(bytes);
  if (isDigest(reference)) verifyBytes(bytes, reference, input);
  const response = await api.call({
    method: 'PUT',
    repository,
    actions: 'pull,push',
    reference,
    target: `/v2/${repositoryPath(repository)}/manifests/${referencePath(reference)}`,
    operation: 'put manifest',
    headers: { 'content-type': mediaType },
    body: bytes,
    ok: [200, 201, 202],
    ...(signal === undefined ? {} : { signal }),
  });
  await drain(response);
  const answered = headerValue(response.headers, 'docker-content-digest');
  if (
    answered !== undefined &&
    answered !== digest &&
    parseDigest(answered, input).algorithm === parseDigest(digest, input).algorithm
  ) {
    throw new BosunError(
      'IMAGE_DIGEST_MISMATCH',
      `${input}: the registry stored the manifest as ${answered}, expected ${digest}`,
      {
        details: { input, expected: digest, actual: answered },
      },
    );
  }
  return {
    digest,
    size: bytes.byteLength,
    subjectHandled: headerValue(response.headers, 'oci-subject') !== undefined,
  };
}

/** DELETE a manifest by digest (tags cannot be deleted through the distribution API 1.0). */
export async function deleteManifest(
  api: RegistryApi,
  repository: string,
  digest: string,
  signal?: AbortSignal,
): Promise<void> {
  parseDigest(digest, 'manifest digest');
  const response = await api.call({
    method: 'DELETE',
    repository,
    actions: 'delete',
    reference: digest,
    target: `/v2/${repositoryPath(repository)}/manifests/${digest}`,
    operation: 'delete manifest',
    ok: [200, 202, 204],
    notFound: 'IMAGE_NOT_FOUND',
    ...(signal === undefined ? {} : { signal }),
  });
  await drain(response);
}
