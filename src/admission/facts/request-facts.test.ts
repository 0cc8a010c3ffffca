// requestFacts over the shared cache: the request deadline wins over a lookup that never answers
// (and over the cache's own reaction to the same signal), failures are recorded by code, and the
// model-scan hook is bound to the request like every other question.
import { describe, expect, it } from 'vitest';
import { CachedImageFacts, InMemoryImageFacts, type ImageFacts } from '../../policy/index.ts';
import { isBosunError } from '../../util/errors.ts';
import { requestFacts } from './request-facts.ts';

const DIGEST = `sha256:${'d'.repeat(64)}`;

const hung: ImageFacts = {
  resolveDigest: () => new Promise<string>(() => undefined),
  verifySignature: () => new Promise(() => undefined),
  verifyAttestations: () => new Promise(() => undefined),
  registryMetadata: () => new Promise(() => undefined),
};

function code(error: unknown): string {
  return isBosunError(error) ? error.code : 'not a BosunError';
}

describe('requestFacts', () => {
  it.each<[string, ImageFacts]>([
    ['a service that ignores the signal', hung],
    ['the cache, which also stops waiting on the signal', new CachedImageFacts(hung)],
  ])('fails a lookup at the request deadline: %s', async (_name, inner) => {
    const deadline = new AbortController();
    const bound = requestFacts(inner, deadline.signal);
    const pending = bound.facts.resolveDigest('r.example/app:1').catch(code);
    deadline.abort();
    expect([await pending, bound.failures]).toEqual([
      'REGISTRY_TIMEOUT',
      [{ reference: 'r.example/app:1', code: 'REGISTRY_TIMEOUT' }],
    ]);
  });

  it('records failures of the inner facts by code, INTERNAL for untyped ones', async () => {
    const bound = requestFacts(new InMemoryImageFacts(), new AbortController().signal);
    const outcomes = await Promise.all([
      bound.facts.registryMetadata('r.example/missing:1').catch(code),
      bound.facts.resolveDigest('r.example/missing:2').catch(code),
    ]);
    expect([outcomes, bound.failures]).toEqual([
      ['not a BosunError', 'not a BosunError'],
      [
        { reference: 'r.example/missing:1', code: 'INTERNAL' },
        { reference: 'r.example/missing:2', code: 'INTERNAL' },
      ],
    ]);
  });

  it('binds the model-scan hook when the inner facts have one', async () => {
    const withScan = new CachedImageFacts({ ...hung, modelScan: async () => ({ verdict: 'safe' }) });
    const signal = new AbortController().signal;
    expect([
      await requestFacts(withScan, signal).facts.modelScan?.(DIGEST),
      requestFacts(new InMemoryImageFacts(), signal).facts.modelScan,
    ]).toEqual([{ verdict: 'safe' }, undefined]);
  });
});
