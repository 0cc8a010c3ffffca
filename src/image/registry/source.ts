/** An ImageSource over a registry repository (kind `registry`). */
import type { Readable } from 'node:stream';
import type { ImageReference } from '../reference-types.ts';
import type { Descriptor, FetchedManifest, ImageSource } from '../types.ts';
import type { RegistryClientOptions } from './api.ts';
import { RegistryClient } from './client.ts';

export interface RegistrySourceOptions extends Omit<RegistryClientOptions, 'registry'> {
  /** A client for the reference's registry to share (not closed by the source). */
  readonly client?: RegistryClient;
}

/** The image a reference names: by digest when it has one, else by tag. */
export function registryImageSource(
  reference: ImageReference,
  options: RegistrySourceOptions = {},
): ImageSource {
  const { client: shared, ...clientOptions } = options;
  const client = shared ?? new RegistryClient({ ...clientOptions, registry: reference.registry });
  const repository = reference.repository;
  const root = reference.digest ?? reference.tag ?? 'latest';
  const name = `${reference.registry}/${repository}${reference.digest !== undefined ? `@${reference.digest}` : `:${root}`}`;
  return {
    kind: 'registry',
    name,
    root: (signal?: AbortSignal): Promise<FetchedManifest> => client.getManifest(repository, root, signal),
    manifest: (digest: string, signal?: AbortSignal): Promise<FetchedManifest> =>
      client.getManifest(repository, digest, signal),
    blobBytes: (descriptor: Descriptor, signal?: AbortSignal): Promise<Uint8Array> =>
      client.getBlobBytes(repository, descriptor, signal === undefined ? {} : { signal }),
    blobStream: (descriptor: Descriptor, signal?: AbortSignal): Promise<Readable> =>
      client.getBlob(repository, descriptor, signal),
    close: async (): Promise<void> => {
      if (shared === undefined) await client.close();
    },
  };
}
