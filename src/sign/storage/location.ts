import { parseReference, type ImageReference, type RegistryClient } from '../../image/index.ts';
import { BosunError } from '../../util/errors.ts';

/** Where signatures of an image live: a repository on a registry, and the client that reaches it. */
export interface StorageLocation {
  readonly client: RegistryClient;
  readonly registry: string;
  readonly repository: string;
}

export interface StorageOptions {
  /**
   * A repository (`registry/path`) holding signatures instead of the image's own, as cosign's
   * `COSIGN_REPOSITORY` does. Tags or digests are not allowed.
   */
  readonly signatureRepo?: string;
  /** The client for `signatureRepo`'s registry when it differs from the image's. */
  readonly signatureClient?: RegistryClient;
}

/** The repository signatures of `image` are stored in, with its client. */
export function storageLocation(
  image: ImageReference,
  client: RegistryClient,
  options: StorageOptions,
): StorageLocation {
  checkClient(client, image.registry, 'client');
  if (options.signatureRepo === undefined) {
    return { client, registry: image.registry, repository: image.repository };
  }
  const target = parseReference(options.signatureRepo);
  if (target.digest !== undefined || !target.tagImplied) {
    throw new BosunError(
      'SIGN_OPTIONS_INVALID',
      'signatureRepo must name a repository, without tag or digest',
      {
        details: { input: 'signatureRepo' },
      },
    );
  }
  const storageClient = options.signatureClient ?? (target.registry === image.registry ? client : undefined);
  if (storageClient === undefined) {
    throw new BosunError(
      'SIGN_OPTIONS_INVALID',
      `signatureRepo is on ${target.registry}: pass a signatureClient for that registry`,
      { details: { input: 'signatureClient' } },
    );
  }
  checkClient(storageClient, target.registry, 'signatureClient');
  return { client: storageClient, registry: target.registry, repository: target.repository };
}

function checkClient(client: RegistryClient, registry: string, input: string): void {
  if (client.registry !== registry) {
    throw new BosunError('SIGN_OPTIONS_INVALID', `${input} talks to ${client.registry}, not ${registry}`, {
      details: { input },
    });
  }
}

/**
 * The repository name cosign writes as `docker-reference` and in-toto subject names
 * (go-containerregistry `Repository.Name()`): Docker Hub is spelled `index.docker.io`.
 */
export function cosignRepositoryName(image: ImageReference): string {
  const registry = image.registry === 'docker.io' ? 'index.docker.io' : image.registry;
  return `${registry}/${image.repository}`;
}

/** Spellings of the image's repository a `docker-reference` claim may use. */
export function repositoryAliases(image: ImageReference): readonly string[] {
  const names = [cosignRepositoryName(image), `${image.registry}/${image.repository}`];
  if (image.registry === 'docker.io') {
    names.push(image.repository);
    if (image.repository.startsWith('library/') && !image.repository.slice(8).includes('/')) {
      names.push(image.repository.slice(8));
    }
  }
  return names;
}
