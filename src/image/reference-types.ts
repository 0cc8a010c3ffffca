/**
 * A parsed, normalised image reference (Docker reference grammar).
 * `alpine` → registry `docker.io`, repository `library/alpine`, tag `latest` (implied).
 */
export interface ImageReference {
  /** Registry host as written after normalisation, with port or IPv6 literal: `docker.io`, `127.0.0.1:5000`, `[::1]:5000`. */
  readonly registry: string;
  /** Repository path without the registry: `library/alpine`. */
  readonly repository: string;
  /** Tag when present or implied (`latest` when neither tag nor digest was given). */
  readonly tag: string | undefined;
  /** Digest when present: `sha256:...`. */
  readonly digest: string | undefined;
  /** True when the tag was not written but implied (`alpine` → `latest`). */
  readonly tagImplied: boolean;
  /** The input as given, for messages. */
  readonly original: string;
}

/** How a reference pins what runs; used by policies and `bosun pin`. */
export interface ReferencePinning {
  /** Tag only: the registry can move it. */
  readonly mutable: boolean;
  /** `latest`, written or implied. */
  readonly latest: boolean;
  /** Has a digest, with or without a tag. */
  readonly pinned: boolean;
}
