/**
 * Names cosign and go-containerregistry use for signatures stored in a registry: the `.sig` /
 * `.att` tag images of cosign ≤ v2 (cosign `pkg/oci/static`) and the OCI 1.1 referrer that
 * carries a Sigstore bundle in cosign v3 (cosign `pkg/oci/remote.WriteReferrer`).
 */

/** Layer annotation holding the base64 signature over the layer (empty on `.att` layers). */
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
/** Layer annotations for keyless signatures: the PEM leaf, the PEM chain, the Rekor bundle. */
export const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const CHAIN_ANNOTATION = 'dev.sigstore.cosign/chain';
export const REKOR_BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';
export const RFC3161_TIMESTAMP_ANNOTATION = 'dev.sigstore.cosign/rfc3161timestamp';
/** `.att` layer annotation naming the statement's predicate type (advisory: not signed). */
export const PREDICATE_TYPE_ANNOTATION = 'predicateType';

/** Referrer manifest annotations cosign v3 writes (advisory: not signed). */
export const BUNDLE_CONTENT_ANNOTATION = 'dev.sigstore.bundle.content';
export const BUNDLE_PREDICATE_TYPE_ANNOTATION = 'dev.sigstore.bundle.predicateType';
export const OCI_CREATED_ANNOTATION = 'org.opencontainers.image.created';
export const OCI_TITLE_ANNOTATION = 'org.opencontainers.image.title';

export const OCI_MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG_MEDIA_TYPE = 'application/vnd.oci.image.config.v1+json';
export const OCI_EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
export const DOCKER_MANIFEST_MEDIA_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';
/** The empty JSON blob (`{}`) OCI artifacts use as config. */
export const EMPTY_JSON = new Uint8Array([0x7b, 0x7d]);

/** Tag suffixes of cosign's tag scheme: `sha256-<hex>.sig`, `.att`. */
export type TagSuffix = 'sig' | 'att';

/** `sha256:<hex>` → `sha256-<hex>.<suffix>` (cosign `ociremote.normalize`). */
export function cosignTag(digest: string, suffix: TagSuffix): string {
  return `${digest.replace(':', '-')}.${suffix}`;
}
