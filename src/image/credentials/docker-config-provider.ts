import type { CredentialProvider, RegistryCredential } from '../credential-types.ts';
import {
  createCredentialHelperRunner,
  type CredentialHelperOptions,
  type CredentialHelperRunner,
} from './credential-helper.ts';
import { MAX_DOCKER_CONFIG_BYTES, parseDockerConfig, type DockerConfig } from './docker-config.ts';
import { readBoundedFile } from './read-bounded-file.ts';
import { credentialServerUrl, findRegistryEntry, normalizeRegistryHost } from './registry-key.ts';

export interface DockerConfigProviderOptions {
  /** Path of `config.json` (see defaultDockerConfigPath). A missing file means no credentials. */
  readonly path?: string;
  /** The config itself (text, bytes or parsed); takes precedence over `path`. */
  readonly config?: string | Uint8Array | DockerConfig;
  /** Runs credential helpers; default: spawn `docker-credential-<name>` with `helper` options. */
  readonly runHelper?: CredentialHelperRunner;
  readonly helper?: CredentialHelperOptions;
  readonly maxBytes?: number;
}

/**
 * Credentials from a docker `config.json`, resolved like the docker CLI: a `credHelpers` entry
 * for the registry, else `credsStore`, else the `auths` entry. When a helper reports "not found"
 * the `auths` entry is still used (the docker CLI would answer anonymous there). The file is read
 * once, on first use; results are cached per registry for the provider's lifetime.
 */
export function dockerConfigProvider(options: DockerConfigProviderOptions = {}): CredentialProvider {
  const runHelper = options.runHelper ?? createCredentialHelperRunner(options.helper);
  let loaded: Promise<DockerConfig | undefined> | undefined;
  const cache = new Map<string, Promise<RegistryCredential | undefined>>();

  const load = (): Promise<DockerConfig | undefined> => {
    loaded ??= loadConfig(options).catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };

  return (registry, signal) => {
    const cacheKey = normalizeRegistryHost(registry);
    let result = cache.get(cacheKey);
    if (result === undefined) {
      result = load().then((config) =>
        config === undefined ? undefined : resolve(config, registry, runHelper, signal),
      );
      cache.set(cacheKey, result);
      // Failures (a locked keychain, a timeout, an abort) are not remembered.
      result.catch(() => cache.delete(cacheKey));
    }
    return result;
  };
}

async function loadConfig(options: DockerConfigProviderOptions): Promise<DockerConfig | undefined> {
  const maxBytes = options.maxBytes ?? MAX_DOCKER_CONFIG_BYTES;
  const { config, path } = options;
  if (config !== undefined) {
    if (typeof config === 'string' || config instanceof Uint8Array) {
      return parseDockerConfig(config, { source: path ?? 'docker config', maxBytes });
    }
    return config;
  }
  if (path === undefined) return undefined;
  const bytes = await readBoundedFile(path, maxBytes);
  return bytes === undefined ? undefined : parseDockerConfig(bytes, { source: path, maxBytes });
}

async function resolve(
  config: DockerConfig,
  registry: string,
  runHelper: CredentialHelperRunner,
  signal: AbortSignal | undefined,
): Promise<RegistryCredential | undefined> {
  const helper = findRegistryEntry(config.credHelpers, registry)?.helper ?? config.credsStore;
  if (helper !== undefined) {
    const credential = await runHelper(helper, credentialServerUrl(registry), signal);
    if (credential !== undefined) return credential;
  }
  return findRegistryEntry(config.auths, registry)?.credential;
}
