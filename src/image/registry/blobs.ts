/** Reading blobs: streamed through a verifying pass-through, or read whole under a size limit. */
import type { Readable } from 'node:stream';
import { BosunError, limitError } from '../../util/errors.ts';
import { createVerifyingStream, parseDigest, verifyBytes } from '../../util/digest.ts';
import { repositoryPath, type RegistryApi } from './api.ts';
import { networkError } from './errors.ts';
import { discard, headerValue, readBody } from './transport.ts';

/** Which blob to read: its digest, and its size when known (checked too). */
export interface BlobRef {
  readonly digest: string;
  readonly size?: number;
}

function blobInput(api: RegistryApi, repository: string, digest: string): string {
  return `${api.registry}/${repository}@${digest}`;
}

/**
 * A blob as a stream (redirects to storage followed). The stream errors with
 * IMAGE_DIGEST_MISMATCH / IMAGE_SIZE_MISMATCH at the end when the bytes are wrong, and with a
 * registry error when the connection fails midway: treat the data as untrusted until it ends.
 */
export async function getBlob(
  api: RegistryApi,
  repository: string,
  blob: BlobRef,
  signal?: AbortSignal,
): Promise<Readable> {
  parseDigest(blob.digest, 'blob digest');
  const input = blobInput(api, repository, blob.digest);
  const context = { registry: api.registry, repository, reference: blob.digest, operation: 'get blob' };
  const response = await api.call({
    method: 'GET',
    repository,
    reference: blob.digest,
    target: `/v2/${repositoryPath(repository)}/blobs/${blob.digest}`,
    operation: 'get blob',
    ok: [200],
    ...(signal === undefined ? {} : { signal }),
  });
  const declared = Number(headerValue(response.headers, 'content-length'));
  if (blob.size !== undefined && Number.isSafeInteger(declared) && declared !== blob.size) {
    discard(response.body);
    throw new BosunError(
      'IMAGE_SIZE_MISMATCH',
      `${input}: expected ${blob.size} bytes, the registry sends ${declared}`,
      {
        details: { input, expected: blob.size, actual: declared },
      },
    );
  }
  const verifier = createVerifyingStream(blob.digest, input, blob.size);
  const body = response.body;
  body.on('error', (error: unknown) => verifier.destroy(networkError(error, context, signal)));
  verifier.on('close', () => {
    if (!body.destroyed) discard(body);
  });
  body.pipe(verifier);
  return verifier;
}

/** A small blob read whole (configs, signature payloads), bounded and verified. */
export async function getBlobBytes(
  api: RegistryApi,
  repository: string,
  blob: BlobRef,
  options: { readonly maxBytes?: number; readonly signal?: AbortSignal } = {},
): Promise<Uint8Array> {
  parseDigest(blob.digest, 'blob digest');
  const input = blobInput(api, repository, blob.digest);
  const max = options.maxBytes ?? api.limits.maxBlobBytes;
  if (blob.size !== undefined && blob.size > max)
    throw limitError('IMAGE_LIMIT', input, 'size', blob.size, max);
  const context = { registry: api.registry, repository, reference: blob.digest, operation: 'get blob' };
  const response = await api.call({
    method: 'GET',
    repository,
    reference: blob.digest,
    target: `/v2/${repositoryPath(repository)}/blobs/${blob.digest}`,
    operation: 'get blob',
    ok: [200],
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  // Read at most one byte past the expected size so a wrong size fails fast without buffering more.
  const bytes = await readBody(
    response,
    blob.size === undefined ? max : Math.min(max, blob.size + 1),
    input,
    context,
    blob.size === undefined ? 'IMAGE_LIMIT' : 'IMAGE_SIZE_MISMATCH',
    options.signal,
  );
  verifyBytes(bytes, blob.digest, input, blob.size);
  return bytes;
}
