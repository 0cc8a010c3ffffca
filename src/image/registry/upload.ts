/**
 * Pushing blobs (OCI distribution spec, "Pushing blobs"): HEAD to skip a blob the repository
 * has, cross-repository mount (`?mount=&from=`; a 202 answer means "upload it yourself"), then a
 * monolithic POST + PUT or a chunked POST + PATCH… + PUT upload. The digest and size are checked
 * locally before the upload is committed, and the registry checks them again.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BosunError } from '../../util/errors.ts';
import { createVerifyingStream, parseDigest, verifyBytes } from '../../util/digest.ts';
import { repositoryScope } from './auth.ts';
import { repositoryPath, type RegistryApi } from './api.ts';
import { drain, headerValue, type HttpResponse } from './transport.ts';

export interface BlobUpload {
  readonly digest: string;
  readonly size: number;
  /** The content in memory... */
  readonly bytes?: Uint8Array;
  /** ...or a factory opening a fresh stream of it (called again if a request is retried). */
  readonly open?: () => Readable | Promise<Readable>;
}

export interface PushBlobOptions {
  /** A repository on the same registry that has the blob: try a cross-repository mount first. */
  readonly mountFrom?: string;
  /** Upload in PATCH chunks of this many bytes instead of one PUT. */
  readonly chunkSize?: number;
  readonly signal?: AbortSignal;
}

export interface PushBlobResult {
  readonly digest: string;
  readonly size: number;
  readonly outcome: 'exists' | 'mounted' | 'uploaded';
}

const OCTET = 'application/octet-stream';

function locationOf(response: HttpResponse, input: string): URL {
  const location = headerValue(response.headers, 'location');
  if (location === undefined || location === '') {
    throw new BosunError('REGISTRY_PROTOCOL', `${input}: upload response without a Location`, {
      details: { input },
    });
  }
  return new URL(location, response.url);
}

export async function pushBlob(
  api: RegistryApi,
  repository: string,
  blob: BlobUpload,
  options: PushBlobOptions = {},
): Promise<PushBlobResult> {
  const { signal } = options;
  parseDigest(blob.digest, 'blob digest');
  const input = `${api.registry}/${repository}@${blob.digest}`;
  if (blob.bytes === undefined && blob.open === undefined) {
    throw new BosunError('INTERNAL', `${input}: pushBlob needs bytes or open()`, { details: { input } });
  }
  if (blob.bytes !== undefined) verifyBytes(blob.bytes, blob.digest, input, blob.size);
  const path = `/v2/${repositoryPath(repository)}`;
  const withSignal = signal === undefined ? {} : { signal };

  const head = await api.call({
    method: 'HEAD',
    repository,
    actions: 'pull,push',
    reference: blob.digest,
    target: `${path}/blobs/${blob.digest}`,
    operation: 'check blob',
    ok: [200, 404],
    ...withSignal,
  });
  await drain(head);
  if (head.status === 200) return { digest: blob.digest, size: blob.size, outcome: 'exists' };

  const mountFrom =
    options.mountFrom !== undefined && options.mountFrom !== repository ? options.mountFrom : undefined;
  const start = await api.call({
    method: 'POST',
    repository,
    actions: 'pull,push',
    reference: blob.digest,
    ...(mountFrom === undefined ? {} : { extraScopes: [repositoryScope(repositoryPath(mountFrom), 'pull')] }),
    target:
      mountFrom === undefined
        ? `${path}/blobs/uploads/`
        : `${path}/blobs/uploads/?mount=${encodeURIComponent(blob.digest)}&from=${encodeURIComponent(mountFrom)}`,
    operation: mountFrom === undefined ? 'start upload' : 'mount blob',
    headers: { 'content-length': '0' },
    ok: [201, 202],
    ...withSignal,
  });
  await drain(start);
  if (start.status === 201 && mountFrom !== undefined) {
    return { digest: blob.digest, size: blob.size, outcome: 'mounted' };
  }
  let location = locationOf(start, input);
  try {
    if (options.chunkSize !== undefined) {
      location = await uploadChunks(
        api,
        repository,
        blob,
        location,
        Math.max(1, options.chunkSize),
        input,
        signal,
      );
      const finish = new URL(location);
      finish.searchParams.set('digest', blob.digest);
      const done = await api.call({
        method: 'PUT',
        repository,
        actions: 'pull,push',
        reference: blob.digest,
        target: finish,
        operation: 'finish upload',
        headers: { 'content-length': '0' },
        ok: [201, 204],
        ...withSignal,
      });
      await drain(done);
    } else {
      const finish = new URL(location);
      finish.searchParams.set('digest', blob.digest);
      const open = blob.open;
      const done = await api.call({
        method: 'PUT',
        repository,
        actions: 'pull,push',
        reference: blob.digest,
        target: finish,
        operation: 'upload blob',
        headers: { 'content-type': OCTET, 'content-length': String(blob.size) },
        body: blob.bytes ??
          // Checked while it streams: a wrong source fails the request instead of committing.
          {
            open: async () =>
              (await (open as () => Readable | Promise<Readable>)()).pipe(
                createVerifyingStream(blob.digest, input, blob.size),
              ),
          },
        ok: [201, 204],
        ...withSignal,
      });
      await drain(done);
    }
  } catch (error) {
    await cancelUpload(api, repository, location);
    throw error;
  }
  return { digest: blob.digest, size: blob.size, outcome: 'uploaded' };
}

async function uploadChunks(
  api: RegistryApi,
  repository: string,
  blob: BlobUpload,
  location: URL,
  chunkSize: number,
  input: string,
  signal?: AbortSignal,
): Promise<URL> {
  const hash = createHash(parseDigest(blob.digest).algorithm);
  let offset = 0;
  let current = location;
  const send = async (chunk: Uint8Array): Promise<void> => {
    hash.update(chunk);
    const response = await api.call({
      method: 'PATCH',
      repository,
      actions: 'pull,push',
      reference: blob.digest,
      target: current,
      operation: 'upload chunk',
      headers: {
        'content-type': OCTET,
        'content-range': `${offset}-${offset + chunk.byteLength - 1}`,
        'content-length': String(chunk.byteLength),
      },
      body: chunk,
      ok: [202],
      ...(signal === undefined ? {} : { signal }),
    });
    await drain(response);
    offset += chunk.byteLength;
    current = locationOf(response, input);
  };
  if (blob.bytes !== undefined) {
    for (let at = 0; at < blob.bytes.byteLength; at += chunkSize) {
      await send(blob.bytes.subarray(at, Math.min(at + chunkSize, blob.bytes.byteLength)));
    }
  } else if (blob.open !== undefined) {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for await (const piece of await blob.open()) {
      let buf = piece as Buffer;
      if (offset + pendingBytes + buf.length > blob.size) {
        throw sizeMismatch(input, blob.size, offset + pendingBytes + buf.length);
      }
      while (buf.length > 0) {
        const take = Math.min(buf.length, chunkSize - pendingBytes);
        pending.push(buf.subarray(0, take));
        pendingBytes += take;
        buf = buf.subarray(take);
        if (pendingBytes === chunkSize) {
          await send(Buffer.concat(pending, pendingBytes));
          pending = [];
          pendingBytes = 0;
        }
      }
    }
    if (pendingBytes > 0) await send(Buffer.concat(pending, pendingBytes));
  }
  if (offset !== blob.size) throw sizeMismatch(input, blob.size, offset);
  const actual = `${parseDigest(blob.digest).algorithm}:${hash.digest('hex')}`;
  if (actual !== blob.digest) {
    throw new BosunError(
      'IMAGE_DIGEST_MISMATCH',
      `${input}: digest mismatch, expected ${blob.digest}, got ${actual}`,
      {
        details: { input, expected: blob.digest, actual },
      },
    );
  }
  return current;
}

function sizeMismatch(input: string, expected: number, actual: number): BosunError {
  return new BosunError(
    'IMAGE_SIZE_MISMATCH',
    `${input}: expected ${expected} bytes, the source gave ${actual}`,
    {
      details: { input, expected, actual },
    },
  );
}

/** Best effort: abandon an upload session so the registry can free it. */
async function cancelUpload(api: RegistryApi, repository: string, location: URL): Promise<void> {
  try {
    const response = await api.call({
      method: 'DELETE',
      repository,
      actions: 'pull,push',
      target: location,
      operation: 'cancel upload',
      ok: [200, 202, 204, 404],
      retryable: false,
    });
    await drain(response);
  } catch {
    // The original failure is what matters.
  }
}
