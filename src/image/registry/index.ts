export { RegistryClient, createRegistryClient, type PutManifestOptions } from './client.ts';
export {
  DEFAULT_REGISTRY_LIMITS,
  registryEndpoint,
  type RegistryClientOptions,
  type RegistryLimits,
} from './api.ts';
export { registryImageSource, type RegistrySourceOptions } from './source.ts';
export { MANIFEST_ACCEPT, type PutManifestResult } from './manifests.ts';
export type { BlobRef } from './blobs.ts';
export type { BlobUpload, PushBlobOptions, PushBlobResult } from './upload.ts';
export type { ListTagsOptions } from './tags.ts';
export { referrersTag, type ReferrersResult } from './referrers.ts';
export { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate.ts';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts';
export { Semaphore } from './semaphore.ts';
