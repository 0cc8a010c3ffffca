/** A credential for one registry host. Never logged; never part of an error message. */
export type RegistryCredential =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  /** An identity (refresh) token, as `docker login` stores for token registries. */
  | { readonly kind: 'identity-token'; readonly username: string; readonly token: string }
  /** A ready bearer token. */
  | { readonly kind: 'bearer'; readonly token: string };

/** Looks up the credential for a registry host (`docker.io`, `127.0.0.1:5000`); undefined = anonymous. */
export type CredentialProvider = (
  registry: string,
  signal?: AbortSignal,
) => Promise<RegistryCredential | undefined>;
