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
