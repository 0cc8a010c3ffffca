/** Registry credentials: docker config.json and helpers, Kubernetes pull secrets, static and chained providers. */
export { chainCredentialProviders } from './chain.ts';
export {
  createCredentialHelperRunner,
  DEFAULT_HELPER_TIMEOUT_MS,
  type CredentialHelperOptions,
  type CredentialHelperRunner,
} from './credential-helper.ts';
export { defaultDockerConfigPath } from './default-path.ts';
export {
  MAX_DOCKER_CONFIG_BYTES,
  parseDockerConfig,
  type DockerAuthEntry,
  type DockerConfig,
  type DockerCredentialHelperEntry,
  type ParseDockerConfigOptions,
} from './docker-config.ts';
export { dockerConfigProvider, type DockerConfigProviderOptions } from './docker-config-provider.ts';
export {
  kubernetesSecretProvider,
  parseKubernetesPullSecrets,
  type KubernetesSecretOptions,
} from './kubernetes-secret-provider.ts';
export { credentialServerUrl, DOCKER_HUB_AUTH_KEY, normalizeRegistryHost } from './registry-key.ts';
export { staticCredentialProvider } from './static-provider.ts';
