import type { Readable } from 'node:stream';

/** Media types Bosun reads (OCI image spec and Docker schema2). */
export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
}

/** OCI content descriptor. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly platform?: Platform;
  readonly artifactType?: string;
  readonly urls?: readonly string[];
}

export interface ImageManifest {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ImageIndex {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly manifests: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A manifest or index as fetched: the exact bytes (what the digest covers) and the parsed form. */
export type FetchedManifest =
  | {
      readonly kind: 'manifest';
      readonly digest: string;
      readonly mediaType: string;
      readonly bytes: Uint8Array;
      readonly manifest: ImageManifest;
    }
  | {
      readonly kind: 'index';
      readonly digest: string;
      readonly mediaType: string;
      readonly bytes: Uint8Array;
      readonly index: ImageIndex;
    };

export interface ImageConfig {
  readonly architecture?: string;
  readonly os?: string;
  readonly variant?: string;
  readonly created?: string;
  readonly config?: {
    readonly User?: string;
    readonly Env?: readonly string[];
    readonly Entrypoint?: readonly string[] | null;
    readonly Cmd?: readonly string[] | null;
    readonly WorkingDir?: string;
    readonly Labels?: Readonly<Record<string, string>> | null;
    readonly ExposedPorts?: Readonly<Record<string, unknown>>;
  };
  readonly rootfs?: { readonly type: string; readonly diff_ids: readonly string[] };
  readonly history?: readonly {
    readonly created?: string;
    readonly created_by?: string;
    readonly empty_layer?: boolean;
    readonly comment?: string;
  }[];
}

/**
 * Where image bytes come from: a registry repository, an OCI layout, an archive.
 * Every implementation verifies manifests and blobs against their digests before returning them.
 */
export interface ImageSource {
  readonly kind: 'registry' | 'oci-layout' | 'oci-archive' | 'docker-archive';
  /** Human name for messages (a reference or a path); never contains credentials. */
  readonly name: string;
  /** The manifest or index this source points at (tag, digest, or the archive's single image). */
  root(signal?: AbortSignal): Promise<FetchedManifest>;
  /** A manifest or index by digest, verified. */
  manifest(digest: string, signal?: AbortSignal): Promise<FetchedManifest>;
  /** A small blob (config, signature payload), read whole with a size limit and verified. */
  blobBytes(descriptor: Descriptor, signal?: AbortSignal): Promise<Uint8Array>;
  /** A blob as a stream; the stream errors with IMAGE_DIGEST_MISMATCH/IMAGE_SIZE_MISMATCH at the end if the bytes are wrong. */
  blobStream(descriptor: Descriptor, signal?: AbortSignal): Promise<Readable>;
  close(): Promise<void>;
}

/** One image resolved to a single platform: what scanners and `inspect` consume. */
export interface ResolvedImage {
  readonly source: ImageSource;
  /** The index the image was selected from, when the root was an index. */
  readonly index?: FetchedManifest & { readonly kind: 'index' };
  readonly manifest: FetchedManifest & { readonly kind: 'manifest' };
  readonly config: ImageConfig;
  readonly configBytes: Uint8Array;
  /** Layer descriptors in order, paired with the uncompressed diff-ids from the config. */
  readonly layers: readonly { readonly descriptor: Descriptor; readonly diffId: string | undefined }[];
  readonly platform: Platform | undefined;
}
