/** Pinning image references in Kubernetes YAML to digests (`bosun pin`). */
export { pinFiles } from './pin-files.ts';
export type { PinFilesOptions, PinFileResult, PinFilesResult } from './pin-files.ts';
export { pinText, checkText, pinnedString } from './pin-text.ts';
export type { DigestResolver, PinChange, PinFinding, PinIssue, PinTextResult } from './pin-text.ts';
export { findImageFields } from './find-images.ts';
export type { ImageField } from './find-images.ts';
export { registryDigestResolver } from './registry-resolver.ts';
export type { RegistryResolverOptions } from './registry-resolver.ts';
