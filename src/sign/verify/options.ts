import type { ImageReference, RegistryClient } from '../../image/index.ts';
import { BosunError } from '../../util/errors.ts';
import type { PublicKey } from '../keys/types.ts';
import type { SignatureFormat } from '../sign-image.ts';
import {
  resolveTarget,
  storageLocation,
  type ResolvedTarget,
  type StorageOptions,
} from '../storage/index.ts';
import type { CheckContext } from './context.ts';
import { DEFAULT_VERIFY_LIMITS, type VerifyLimits } from './types.ts';

/** Options shared by signature and attestation verification. */
export interface VerifyCommonOptions extends StorageOptions {
  /** The image; a tag is resolved to its digest first (the result says so). */
  readonly reference: string | ImageReference;
  /** Trusted public keys: a signature counts when any of them verifies it. */
  readonly keys: readonly PublicKey[];
  /** Which storage formats to read (both unless told). */
  readonly formats?: readonly SignatureFormat[];
  readonly client: RegistryClient;
  readonly limits?: Partial<VerifyLimits>;
  readonly signal?: AbortSignal;
}

export interface Prepared {
  readonly target: ResolvedTarget;
  readonly context: CheckContext;
  readonly formats: ReadonlySet<SignatureFormat>;
}

/** Validates options, resolves the reference and locates the signature storage. */
export async function prepare(options: VerifyCommonOptions): Promise<Prepared> {
  if (options.keys.length === 0) {
    throw new BosunError('SIGN_OPTIONS_INVALID', 'at least one public key is required', {
      details: { input: 'keys' },
    });
  }
  const formats = new Set<SignatureFormat>(options.formats ?? ['legacy', 'bundle']);
  if (formats.size === 0) {
    throw new BosunError('SIGN_OPTIONS_INVALID', 'at least one format is required', {
      details: { input: 'formats' },
    });
  }
  const target = await resolveTarget(options.reference, options.client, {
    lookup: 'tags',
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const location = storageLocation(target.image, options.client, options);
  return {
    target,
    formats,
    context: {
      location,
      digest: target.digest,
      keys: options.keys,
      limits: { ...DEFAULT_VERIFY_LIMITS, ...options.limits },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    },
  };
}

/** The part of a cache key every verification shares: image, storage, keys, formats. */
export function baseCacheKey(prepared: Prepared): string {
  const { context, target } = prepared;
  const keys = context.keys.map((k) => k.hint).join(',');
  return [
    `${target.image.registry}/${target.image.repository}@${target.digest}`,
    `${context.location.registry}/${context.location.repository}`,
    keys,
    [...prepared.formats].sort().join(','),
  ].join('|');
}
