import type { Readable } from 'node:stream';

/**
 * What a layer entry is, after tar types and OCI whiteout names are interpreted.
 * `whiteout` deletes `path` from lower layers; `opaque` hides the lower layers' children of the
 * directory `path` (OCI image spec, "Whiteouts").
 */
export type LayerEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other' | 'whiteout' | 'opaque';

/** One entry of a layer (or of a rootfs directory presented as one layer). */
export interface LayerEntry {
  /**
   * Normalised path: no leading `/` or `./`, no `.`/`..` segments, no trailing `/`. Never empty,
   * except for an `opaque` entry at the top of the layer (the root directory is opaque).
   */
  readonly path: string;
  readonly type: LayerEntryType;
  /** Body size in bytes (regular files; 0 for the rest). */
  readonly size: number;
  /** Permission bits (`mode & 0o7777`). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Modification time, seconds since the epoch. */
  readonly mtime: number;
  /** Symlinks: the target as written. Hard links: the normalised path of the linked entry. */
  readonly linkTarget?: string;
}

/** A problem with one entry that did not stop the walk (it is skipped): reported, never dropped. */
export interface LayerIssue {
  readonly code: 'LAYER_PATH_UNSAFE' | 'LAYER_ENTRY_SKIPPED';
  /** The name as written in the archive (truncated for messages). */
  readonly path: string;
  readonly message: string;
}

/**
 * What a walk over a layer tells its caller. `wants` is asked for regular files only; a wanted
 * file's body is handed to `onFile` while the layer streams (read it, e.g. with `readBounded`, or
 * ignore it: whatever is left unread is drained when the returned promise settles). The walk
 * waits for `onFile` before the next entry, so a body never outlives its entry.
 */
export interface LayerVisitor {
  wants?(entry: LayerEntry): boolean;
  onFile?(entry: LayerEntry, body: Readable): Promise<void> | void;
  /** Every entry, in archive order, including whiteouts and directories. */
  onEntry?(entry: LayerEntry): void;
}

export type LayerCompression = 'gzip' | 'zstd' | 'none';

export interface LayerWalkResult {
  readonly compression: LayerCompression;
  /** Entries reported (after skipping unsafe ones). */
  readonly entries: number;
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
  /** `sha256:` of the uncompressed stream, when it was computed (a diff-id was given or asked for). */
  readonly diffId: string | undefined;
  readonly issues: readonly LayerIssue[];
}
