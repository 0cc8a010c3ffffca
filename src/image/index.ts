/** The image capability: where image bytes come from. Other folders import it only through here. */
export {
  DOCKER_HUB_REGISTRY,
  MAX_REFERENCE_LENGTH,
  familiarName,
  formatReference,
  parseReference,
  referencePinning,
  repositoryName,
  withDigest,
} from './reference.ts';
export type { FormatReferenceOptions } from './reference.ts';
export type { ImageReference, ReferencePinning } from './reference-types.ts';
export type { CredentialProvider, RegistryCredential } from './credential-types.ts';
export {
  chainCredentialProviders,
  createCredentialHelperRunner,
  credentialServerUrl,
  defaultDockerConfigPath,
  dockerConfigProvider,
  DOCKER_HUB_AUTH_KEY,
  kubernetesSecretProvider,
  normalizeRegistryHost,
  parseDockerConfig,
  parseKubernetesPullSecrets,
  staticCredentialProvider,
} from './credentials/index.ts';
export type {
  CredentialHelperOptions,
  CredentialHelperRunner,
  DockerConfig,
  DockerConfigProviderOptions,
  KubernetesSecretOptions,
} from './credentials/index.ts';
export {
  walkLayer,
  readBounded,
  detectCompression,
  normaliseEntryPath,
  MergedFilesystem,
  DEFAULT_LAYER_LIMITS,
  resolveLayerLimits,
} from './layers/index.ts';
export type {
  LayerEntry,
  LayerEntryType,
  LayerIssue,
  LayerVisitor,
  LayerWalkResult,
  LayerCompression,
  LayerLimits,
  WalkLayerOptions,
  MergedEntry,
  ContentRef,
  LayerRef,
  MergeIssue,
} from './layers/index.ts';
export {
  openLocalImage,
  parseLocalSpec,
  openOciLayout,
  openOciArchive,
  openDockerArchive,
  walkRootfs,
  DEFAULT_LOCAL_LIMITS,
  parseManifestBytes,
} from './local/index.ts';
export type {
  LocalImageSpec,
  OpenLocalOptions,
  LocalSourceLimits,
  LocalSourceOptions,
  RootfsIssue,
  RootfsWalkResult,
  WalkRootfsOptions,
} from './local/index.ts';
export { resolveImage, selectPlatform, parseImageConfig, DEFAULT_RESOLVE_LIMITS } from './resolve.ts';
export type { ResolveOptions, ResolveLimits } from './resolve.ts';
export { parsePlatform, formatPlatform, normalisePlatform, platformMatches } from './platform.ts';
export type {
  Descriptor,
  FetchedManifest,
  ImageConfig,
  ImageIndex,
  ImageManifest,
  ImageSource,
  Platform,
  ResolvedImage,
} from './types.ts';
export { openImage, hostPlatform, type OpenImageOptions, type OpenedImage } from './open-image.ts';
export { summarizeImage, type ImageSummary } from './inspect.ts';
export {
  RegistryClient,
  createRegistryClient,
  registryImageSource,
  registryEndpoint,
  referrersTag,
  parseWwwAuthenticate,
  DEFAULT_REGISTRY_LIMITS,
  DEFAULT_RETRY_POLICY,
  MANIFEST_ACCEPT,
  Semaphore,
} from './registry/index.ts';
export type {
  AuthChallenge,
  BlobRef,
  BlobUpload,
  ListTagsOptions,
  PushBlobOptions,
  PushBlobResult,
  PutManifestOptions,
  PutManifestResult,
  ReferrersResult,
  RegistryClientOptions,
  RegistryLimits,
  RegistrySourceOptions,
  RetryPolicy,
} from './registry/index.ts';
