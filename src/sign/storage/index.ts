/** Where cosign-compatible signatures live in a registry: `.sig`/`.att` tag images and bundle referrers. */
export {
  SIGNATURE_ANNOTATION,
  CERTIFICATE_ANNOTATION,
  CHAIN_ANNOTATION,
  REKOR_BUNDLE_ANNOTATION,
  RFC3161_TIMESTAMP_ANNOTATION,
  PREDICATE_TYPE_ANNOTATION,
  BUNDLE_CONTENT_ANNOTATION,
  BUNDLE_PREDICATE_TYPE_ANNOTATION,
  cosignTag,
  type TagSuffix,
} from './constants.ts';
export {
  storageLocation,
  cosignRepositoryName,
  repositoryAliases,
  type StorageLocation,
  type StorageOptions,
} from './location.ts';
export {
  buildSignatureImage,
  signatureLayers,
  sameLayer,
  GO_ZERO_TIME,
  type SignatureLayerDescriptor,
  type BuiltSignatureImage,
  type ReadSignatureLayersOptions,
} from './signature-image.ts';
export {
  fetchTag,
  appendSignatureLayer,
  type NewSignatureLayer,
  type AppendLayerOptions,
  type AppendLayerResult,
} from './legacy-store.ts';
export {
  attachBundle,
  buildBundleManifest,
  inspectReferrer,
  isBundleMediaType,
  isUnreadable,
  errorCode,
  listBundleReferrers,
  mayBeBundleReferrer,
  type AttachBundleOptions,
  type AttachBundleResult,
  type ListBundleOptions,
  type ReferrerInspection,
  type StoredBundle,
} from './bundle-store.ts';
export { resolveTarget, type ResolvedTarget, type ResolveTargetOptions } from './resolve.ts';
