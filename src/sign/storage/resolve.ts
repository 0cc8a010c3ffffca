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
  /** The manifest descriptor (media type, size) as the registry answers it. */
  readonly descriptor: Descriptor;
  /**
   * True when the reference named a tag without a digest: what was signed or verified is the
   * manifest the tag pointed at just now, and the tag may move. Callers should warn.
   */
  readonly resolvedFromTag: boolean;
}

/**
 * Resolves a reference to a digest with one HEAD request (a reference with a digest is checked to
 * exist, not trusted blindly: the signature must be for a manifest the registry serves).
 */
export async function resolveTarget(
  reference: string | ImageReference,
  client: RegistryClient,
  signal?: AbortSignal,
): Promise<ResolvedTarget> {
  const image = typeof reference === 'string' ? parseReference(reference) : reference;
  const resolvedFromTag = image.digest === undefined;
  const descriptor = await client.headManifest(
    image.repository,
    image.digest ?? image.tag ?? 'latest',
    signal,
  );
  const digest = image.digest ?? descriptor.digest;
  const pinned = withDigest(image, digest);
  return {
    image: pinned,
    pinned: formatReference(pinned),
    digest,
    descriptor: { ...descriptor, digest },
    resolvedFromTag,
  };
}
