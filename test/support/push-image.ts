// Pushes an image built with test/builders/oci-image.ts to a registry through Bosun's client.
import type { RegistryClient } from '../../src/image/registry/index.ts';
import type { BuiltDescriptor, OciBlobs } from '../builders/oci-image.ts';

/** Pushes every blob of `blobs` (configs, layers), then the manifests/indexes in `roots` order under `tag`. */
export async function pushBuiltImage(
  client: RegistryClient,
  repository: string,
  blobs: OciBlobs,
  root: BuiltDescriptor,
  tag: string,
  options: { manifests?: readonly BuiltDescriptor[] } = {},
): Promise<void> {
  const manifestDigests = new Set([root.digest, ...(options.manifests ?? []).map((m) => m.digest)]);
  for (const [digest, bytes] of blobs.blobs) {
    if (manifestDigests.has(digest)) continue;
    await client.pushBlob(repository, { digest, size: bytes.length, bytes });
  }
  // Child manifests of an index go first, by digest.
  for (const manifest of options.manifests ?? []) {
    const bytes = blobs.blobs.get(manifest.digest);
    if (bytes === undefined) throw new Error(`missing ${manifest.digest}`);
    await client.putManifest(repository, manifest.digest, bytes, manifest.mediaType);
  }
  const bytes = blobs.blobs.get(root.digest);
  if (bytes === undefined) throw new Error(`missing ${root.digest}`);
  await client.putManifest(repository, tag, bytes, root.mediaType);
}
