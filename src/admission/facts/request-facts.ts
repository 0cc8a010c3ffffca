// Binds an ImageFacts to one admission request: every call races the request deadline (so a slow
// registry cannot hold the request past it, even if a lower layer ignores the signal), and
// every failure is recorded so the handler can say which image could not be checked and why.
import { BosunError, isBosunError } from '../../util/errors.ts';
import type { ImageFacts } from '../../policy/index.ts';

export interface FactFailure {
  readonly reference: string;
  /** A BosunError code, or INTERNAL for anything else. */
  readonly code: string;
}

export interface RequestFacts {
  readonly facts: ImageFacts;
  readonly failures: FactFailure[];
}

function deadline(signal: AbortSignal, reference: string): Promise<never> {
  return new Promise((_, reject) => {
    const fail = (): void =>
      reject(
        new BosunError('REGISTRY_TIMEOUT', `image facts for ${reference}: request deadline reached`, {
          details: { input: reference },
        }),
      );
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

/** Wraps `inner` for one request with deadline `signal`. */
export function requestFacts(inner: ImageFacts, signal: AbortSignal): RequestFacts {
  const failures: FactFailure[] = [];
  const call = async <T>(reference: string, run: () => Promise<T>): Promise<T> => {
    // The deadline is armed before the lookup starts: when the signal aborts, its
    // REGISTRY_TIMEOUT settles the race ahead of the lookup's own reaction to the same signal.
    const late = deadline(signal, reference);
    try {
      return await Promise.race([late, run()]);
    } catch (error) {
      failures.push({ reference, code: isBosunError(error) ? error.code : 'INTERNAL' });
      throw error;
    }
  };
  const modelScan = inner.modelScan?.bind(inner);
  return {
    failures,
    facts: {
      ...(modelScan === undefined
        ? {}
        : { modelScan: (digest: string) => call(digest, () => modelScan(digest, signal)) }),
      resolveDigest: (reference) => call(reference, () => inner.resolveDigest(reference, signal)),
      verifySignature: (q) => call(q.reference, () => inner.verifySignature(q, signal)),
      verifyAttestations: (q) => call(q.reference, () => inner.verifyAttestations(q, signal)),
      registryMetadata: (reference) => call(reference, () => inner.registryMetadata(reference, signal)),
    },
  };
}
