/** Bounds for local image sources. */
export interface LocalSourceLimits {
  /** index.json, manifests, manifest.json, oci-layout: 4 MiB (registries accept 4 MiB manifests). */
  readonly maxManifestBytes: number;
  /** Blobs read whole through blobBytes (configs, signatures): 64 MiB. */
  readonly maxBlobBytes: number;
  /** Tar headers in an archive: 200k. */
  readonly maxArchiveEntries: number;
  /** Nested indexes followed when searching an archive for a manifest: 4. */
  readonly maxIndexDepth: number;
}

export const DEFAULT_LOCAL_LIMITS: LocalSourceLimits = Object.freeze({
  maxManifestBytes: 4 * 1024 * 1024,
  maxBlobBytes: 64 * 1024 * 1024,
  maxArchiveEntries: 200_000,
  maxIndexDepth: 4,
});

export interface LocalSourceOptions {
  /** Select an image: an OCI `org.opencontainers.image.ref.name`, or a docker RepoTag / `@N`. */
  readonly tag?: string;
  readonly limits?: Partial<LocalSourceLimits>;
  readonly signal?: AbortSignal;
}
