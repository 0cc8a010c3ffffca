import type { CredentialProvider, RegistryCredential } from '../credential-types.ts';
import { matchRegistryKey } from './registry-key.ts';

/**
 * One credential for one registry, as given on the command line (`--username`, `--password-stdin`).
 * `registry` may be a host (`ghcr.io`, `localhost:5000`) or a URL (`https://index.docker.io/v1/`).
 */
export function staticCredentialProvider(
  registry: string,
  credential: RegistryCredential,
): CredentialProvider {
  return async (requested) => (matchRegistryKey(registry, requested) >= 3 ? credential : undefined);
}
