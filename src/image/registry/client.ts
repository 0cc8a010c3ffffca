/**
 * The registry client (OCI Distribution 1.1): one instance per registry host, sharing its
 * connection pool, token cache and concurrency bound across repositories.
 */
import type { Readable } from 'node:stream';
import type { Descriptor, FetchedManifest } from '../types.ts';
import { RegistryApi, type RegistryClientOptions } from './api.ts';
import { getBlob, getBlobBytes, type BlobRef } from './blobs.ts';
import {
  deleteManifest,
  getManifest,
  headManifest,
  putManifest,
  type PutManifestResult,
} from './manifests.ts';
import {
  addToReferrersTag,
  getReferrers,
  parsePushedManifest,
  referrerDescriptor,
  type ReferrersResult,
} from './referrers.ts';
import { listTags, type ListTagsOptions } from './tags.ts';
import { pushBlob, type BlobUpload, type PushBlobOptions, type PushBlobResult } from './upload.ts';

export interface PutManifestOptions {
  /**
   * When the manifest has a `subject` and the registry does not index it (no `OCI-Subject`
   * answer), add it to the subject's `<alg>-<hex>` fallback tag index (default true).
   */
  readonly updateReferrersTag?: boolean;
  readonly signal?: AbortSignal;
}

export class RegistryClient {
  readonly registry: string;
  readonly #api: RegistryApi;

  constructor(options: RegistryClientOptions) {
    this.registry = options.registry;
    this.#api = new RegistryApi(options);
  }

  /** A manifest or index by tag or digest, size-limited and verified. */
  getManifest(repository: string, reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
    return getManifest(this.#api, repository, reference, signal);
  }

  /** The descriptor (media type, digest, size) a tag or digest resolves to. */
  headManifest(repository: string, reference: string, signal?: AbortSignal): Promise<Descriptor> {
    return headManifest(this.#api, repository, reference, signal);
  }

  /** A blob as a verifying stream (errors at the end when the bytes are wrong). */
  getBlob(repository: string, blob: BlobRef, signal?: AbortSignal): Promise<Readable> {
    return getBlob(this.#api, repository, blob, signal);
  }

  /** A small blob read whole, bounded (default limit: `limits.maxBlobBytes`) and verified. */
  getBlobBytes(
    repository: string,
    blob: BlobRef,
    options?: { readonly maxBytes?: number; readonly signal?: AbortSignal },
  ): Promise<Uint8Array> {
    return getBlobBytes(this.#api, repository, blob, options);
  }

  /** Uploads a blob unless the repository has it; mounts from `mountFrom` when possible. */
  pushBlob(repository: string, blob: BlobUpload, options?: PushBlobOptions): Promise<PushBlobResult> {
    return pushBlob(this.#api, repository, blob, options);
  }

  /** Pushes a manifest under a tag or its digest; maintains the referrers fallback tag when needed. */
  async putManifest(
    repository: string,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
    options: PutManifestOptions = {},
  ): Promise<PutManifestResult> {
    const { signal } = options;
    const parsed = parsePushedManifest(bytes, mediaType, `${this.registry}/${repository}:${reference}`);
    const result = await putManifest(this.#api, repository, reference, bytes, mediaType, signal);
    const subject = parsed.kind === 'manifest' ? parsed.manifest.subject : parsed.index.subject;
    if (subject !== undefined && !result.subjectHandled && (options.updateReferrersTag ?? true)) {
      await addToReferrersTag(this.#api, repository, subject.digest, referrerDescriptor(parsed), signal);
    }
    return result;
  }

  deleteManifest(repository: string, digest: string, signal?: AbortSignal): Promise<void> {
    return deleteManifest(this.#api, repository, digest, signal);
  }

  listTags(repository: string, options?: ListTagsOptions): Promise<string[]> {
    return listTags(this.#api, repository, options);
  }

  /** Manifests whose `subject` is `digest`: the referrers API, or the tag schema fallback. */
  getReferrers(
    repository: string,
    digest: string,
    options?: { readonly artifactType?: string; readonly signal?: AbortSignal },
  ): Promise<ReferrersResult> {
    return getReferrers(this.#api, repository, digest, options);
  }

  /** Closes pooled connections. */
  close(): Promise<void> {
    return this.#api.close();
  }
}

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  return new RegistryClient(options);
}
