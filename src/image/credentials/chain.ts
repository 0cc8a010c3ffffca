import { BosunError } from '../../util/errors.ts';
import type { CredentialProvider } from '../credential-types.ts';

/** Asks each provider in turn; the first credential wins. Errors propagate (a broken helper is not "anonymous"). */
export function chainCredentialProviders(...providers: readonly CredentialProvider[]): CredentialProvider {
  return async (registry, signal) => {
    for (const provider of providers) {
      if (signal?.aborted === true) {
        throw new BosunError('ABORTED', 'credential lookup aborted', { cause: signal.reason });
      }
      const credential = await provider(registry, signal);
      if (credential !== undefined) return credential;
    }
    return undefined;
  };
}
