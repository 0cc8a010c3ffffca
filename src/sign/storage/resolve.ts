import {
  formatReference,
  parseReference,
  withDigest,
  type Descriptor,
  type ImageReference,
  type RegistryClient,
} from '../../image/index.ts';

/** An image pinned to the digest its reference resolved to. */
export interface ResolvedTarget {
  readonly image: ImageReference;
  /** `registry/repository@sha256:...` (with the tag when one was given). */
  readonly pinned: string;
  readonly digest: string;
  /** The manifest descriptor (media type, size) as the registry answers it, when looked up. */
  readonly descriptor?: Descriptor;
  /**
   * True when the reference named a tag without a digest: what was signed or verified is the
   * manifest the tag pointed at just now, and the tag may move. Callers should warn.
   */
  readonly resolvedFromTag: boolean;
}

export interface ResolveTargetOptions {
  /**
   * `always` (default): HEAD the manifest even for a digest reference, to learn its media type and
   * size (a referrer's `subject` needs them) and that the registry serves it. `tags`: only tags
   * are looked up; a digest reference costs no request (verification needs nothing more).
   */
  readonly lookup?: 'always' | 'tags';
  readonly signal?: AbortSignal;
}

/** Resolves a reference to the digest it names (one HEAD request for a tag). */
export async function resolveTarget(
  reference: string | ImageReference,
  client: RegistryClient,
  options: ResolveTargetOptions = {},
): Promise<ResolvedTarget> {
  const image = typeof reference === 'string' ? parseReference(reference) : reference;
  const resolvedFromTag = image.digest === undefined;
  const descriptor =
    image.digest !== undefined && options.lookup === 'tags'
      ? undefined
      : await client.headManifest(image.repository, image.digest ?? image.tag ?? 'latest', options.signal);
  const digest = image.digest ?? descriptor?.digest ?? '';
  const pinned = withDigest(image, digest);
  return {
    image: pinned,
    pinned: formatReference(pinned),
    digest,
    ...(descriptor === undefined ? {} : { descriptor: { ...descriptor, digest } }),
    resolvedFromTag,
  };
}
