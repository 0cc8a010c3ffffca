import { describe, expect, it } from 'vitest';
import {
  credentialServerUrl,
  findRegistryEntry,
  matchRegistryKey,
  normalizeRegistryHost,
  parseRegistryKey,
} from './registry-key.ts';

describe('matchRegistryKey (docker config semantics)', () => {
  it.each([
    // [key, registry, score]
    ['https://index.docker.io/v1/', 'docker.io', 4],
    ['https://index.docker.io/v1/', 'index.docker.io', 4],
    ['https://index.docker.io/v1/', 'registry-1.docker.io', 4],
    ['index.docker.io', 'docker.io', 3],
    ['docker.io', 'docker.io', 3],
    ['https://docker.io', 'docker.io', 3],
    ['registry-1.docker.io', 'docker.io', 3],
    ['https://index.docker.io/v2/', 'docker.io', 3],
    ['ghcr.io', 'ghcr.io', 4],
    ['GHCR.IO', 'ghcr.io', 3],
    ['https://ghcr.io', 'ghcr.io', 3],
    ['http://ghcr.io/', 'ghcr.io', 3],
    ['https://ghcr.io/v2/', 'ghcr.io', 3],
    ['ghcr.io/owner', 'ghcr.io', 2],
    ['https://ghcr.io/v2/owner/', 'ghcr.io', 2],
    ['localhost:5000', 'localhost:5000', 4],
    ['http://localhost:5000', 'localhost:5000', 3],
    ['localhost', 'localhost:5000', 0],
    ['localhost:5001', 'localhost:5000', 0],
    ['127.0.0.1:5000', '127.0.0.1:5000', 4],
    ['[::1]:5000', '[::1]:5000', 4],
    ['https://[::1]:5000/v1/', '[::1]:5000', 3],
    ['ghcr.io', 'docker.io', 0],
    ['https://index.docker.io/v1/', 'ghcr.io', 0],
    ['ghcr.io.evil.com', 'ghcr.io', 0],
    ['evil.com/ghcr.io', 'ghcr.io', 0],
    ['ftp://ghcr.io', 'ghcr.io', 0],
    ['*.example.com', 'a.example.com', 0],
    ['', 'ghcr.io', 0],
  ])('%j for %s → %i', (key, registry, score) => {
    expect(matchRegistryKey(key, registry)).toEqual(score);
  });
});

describe('matchRegistryKey with kubelet wildcards', () => {
  it.each([
    ['*.example.com', 'a.example.com', 1],
    ['*.example.com', 'example.com', 0],
    ['*.example.com', 'a.b.example.com', 0],
    ['*.*.example.com', 'a.b.example.com', 1],
    ['https://*.example.com/v1/', 'a.example.com', 1],
    ['*.example.com:5000', 'a.example.com:5000', 1],
    ['*.example.com:5000', 'a.example.com', 0],
    ['*.example.com', 'a.example.com:5000', 0],
    ['reg-?.example.com', 'reg-1.example.com', 1],
    ['reg-?.example.com', 'reg-10.example.com', 0],
    ['*', 'localhost', 1],
    ['*', 'a.b', 0],
    ['a.example.com', 'a.example.com', 4],
  ])('%j for %s → %i', (key, registry, score) => {
    expect(matchRegistryKey(key, registry, { wildcards: true })).toEqual(score);
  });
});

describe('helpers', () => {
  it.each([
    ['docker.io', 'docker.io'],
    ['INDEX.docker.io', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['Ghcr.io', 'ghcr.io'],
    ['[::1]:5000', '[::1]:5000'],
  ])('normalizeRegistryHost(%s) = %s', (input, expected) => {
    expect(normalizeRegistryHost(input)).toEqual(expected);
  });

  it.each([
    ['docker.io', 'https://index.docker.io/v1/'],
    ['index.docker.io', 'https://index.docker.io/v1/'],
    ['ghcr.io', 'ghcr.io'],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
  ])('credentialServerUrl(%s) = %s', (input, expected) => {
    expect(credentialServerUrl(input)).toEqual(expected);
  });

  it.each([
    ['https://index.docker.io/v1/', { host: 'docker.io', path: '' }],
    ['HTTPS://Quay.io/v2/org/', { host: 'quay.io', path: 'org' }],
    ['quay.io/org/team', { host: 'quay.io', path: 'org/team' }],
    ['quay.io/v1x', { host: 'quay.io', path: 'v1x' }],
  ])('parseRegistryKey(%s)', (key, expected) => {
    expect(parseRegistryKey(key)).toEqual(expected);
  });

  it('prefers the best match, then the first in input order', () => {
    const entries = [
      { key: 'ghcr.io/owner', id: 1 },
      { key: 'https://ghcr.io', id: 2 },
      { key: 'ghcr.io/', id: 3 },
      { key: 'https://index.docker.io/v1/', id: 4 },
      { key: 'docker.io', id: 5 },
    ];
    expect(findRegistryEntry(entries, 'ghcr.io')?.id).toEqual(2);
    expect(findRegistryEntry(entries, 'docker.io')?.id).toEqual(4);
    expect(findRegistryEntry(entries, 'quay.io')).toEqual(undefined);
    expect(findRegistryEntry([{ key: 'ghcr.io', id: 9 }, ...entries], 'ghcr.io')?.id).toEqual(9);
  });
});
