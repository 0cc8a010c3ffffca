import { describe, expect, it } from 'vitest';
import { parseReference, RegistryClient } from '../../image/index.ts';
import { isBosunError } from '../../util/errors.ts';
import { cosignRepositoryName, repositoryAliases, storageLocation } from './location.ts';

// Clients are never used for I/O here: storageLocation only compares their registry names.
const local = new RegistryClient({ registry: '127.0.0.1:5000' });
const other = new RegistryClient({ registry: 'registry.example:443' });
const image = parseReference('127.0.0.1:5000/team/app:v1');

function code(run: () => unknown): unknown {
  try {
    run();
    return 'ok';
  } catch (error) {
    return isBosunError(error) ? error.code : error;
  }
}

describe('storageLocation', () => {
  it('is the image repository unless told, another repository when told', () => {
    expect([
      storageLocation(image, local, {}),
      storageLocation(image, local, { signatureRepo: '127.0.0.1:5000/sigs' }),
      storageLocation(image, local, { signatureRepo: 'registry.example:443/sigs', signatureClient: other }),
    ]).toEqual([
      { client: local, registry: '127.0.0.1:5000', repository: 'team/app' },
      { client: local, registry: '127.0.0.1:5000', repository: 'sigs' },
      { client: other, registry: 'registry.example:443', repository: 'sigs' },
    ]);
  });

  it.each([
    [
      'a tag in signatureRepo',
      () => storageLocation(image, local, { signatureRepo: '127.0.0.1:5000/sigs:v1' }),
    ],
    [
      'a digest in signatureRepo',
      () => storageLocation(image, local, { signatureRepo: `127.0.0.1:5000/sigs@sha256:${'a'.repeat(64)}` }),
    ],
    [
      'another registry without its client',
      () => storageLocation(image, local, { signatureRepo: 'registry.example:443/sigs' }),
    ],
    [
      'a client for the wrong registry',
      () =>
        storageLocation(image, local, { signatureRepo: 'registry.example:443/sigs', signatureClient: local }),
    ],
    ['an image client for another registry', () => storageLocation(image, other, {})],
  ])('%s is SIGN_OPTIONS_INVALID', (_name, run) => {
    expect(code(run)).toEqual('SIGN_OPTIONS_INVALID');
  });
});

describe('repository names', () => {
  it.each([
    [
      'nginx',
      'index.docker.io/library/nginx',
      ['index.docker.io/library/nginx', 'docker.io/library/nginx', 'library/nginx', 'nginx'],
    ],
    ['ghcr.io/org/app', 'ghcr.io/org/app', ['ghcr.io/org/app', 'ghcr.io/org/app']],
    ['127.0.0.1:5000/a/b', '127.0.0.1:5000/a/b', ['127.0.0.1:5000/a/b', '127.0.0.1:5000/a/b']],
  ])('%s is signed as %s', (input, name, aliases) => {
    const ref = parseReference(input);
    expect([cosignRepositoryName(ref), repositoryAliases(ref)]).toEqual([name, aliases]);
  });
});
