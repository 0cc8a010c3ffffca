// The default digest resolver of `bosun pin`: a HEAD on the registry, one client per registry.
import {
  createRegistryClient,
  parseReference,
  type CredentialProvider,
  type RegistryClient,
} from '../image/index.ts';
import type { DigestResolver } from './pin-text.ts';

export interface RegistryResolverOptions {
  readonly credentials?: CredentialProvider;
  readonly caPems?: readonly string[];
  readonly insecure?: boolean;
  readonly timeoutMs?: number;
}

export function registryDigestResolver(
  options: RegistryResolverOptions = {},
): DigestResolver & { close(): Promise<void> } {
  const clients = new Map<string, RegistryClient>();
  const resolve = async (reference: string, signal?: AbortSignal): Promise<string> => {
    const ref = parseReference(reference);
    if (ref.digest !== undefined) return ref.digest;
    let client = clients.get(ref.registry);
    if (client === undefined) {
      client = createRegistryClient({
        registry: ref.registry,
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
        ...(options.caPems === undefined ? {} : { caPems: options.caPems }),
        ...(options.insecure === undefined ? {} : { insecure: options.insecure }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
      clients.set(ref.registry, client);
    }
    return (await client.headManifest(ref.repository, ref.tag ?? 'latest', signal)).digest;
  };
  return Object.assign(resolve, {
    async close(): Promise<void> {
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  });
}
