import type { ImageReference, RegistryClient } from '../../image/index.ts';
import { BosunError } from '../../util/errors.ts';
import { createKeylessVerifier, type KeylessOptions } from '../keyless/index.ts';
import type { PublicKey } from '../keys/types.ts';
import type { SignatureFormat } from '../sign-image.ts';
import {
  resolveTarget,
  storageLocation,
  type ResolvedTarget,
  type StorageOptions,
} from '../storage/index.ts';
import type { CheckContext } from './context.ts';
import { DEFAULT_VERIFY_LIMITS, type VerifiedImage, type VerifyLimits } from './types.ts';

/** Options shared by signature and attestation verification. */
export interface VerifyCommonOptions extends StorageOptions {
  /** The image; a tag is resolved to its digest first (the result says so). */
  readonly reference: string | ImageReference;
  /** Trusted public keys: a signature counts when any of them verifies it. */
  readonly keys?: readonly PublicKey[];
  /**
   * Keyless verification instead of keys (cosign `--certificate-identity ... --trusted-root`): a
   * signature counts when its Fulcio certificate chains to the trusted root, its Rekor entry is
   * signed by a trusted log, and the certificate names one of the identities.
   */
  readonly keyless?: KeylessOptions;
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
  const keys = options.keys ?? [];
  if (options.keyless !== undefined && keys.length > 0) {
    throw new BosunError('SIGN_OPTIONS_INVALID', 'keys and keyless verification are exclusive', {
      details: { input: 'keyless' },
    });
  }
  if (options.keyless === undefined && keys.length === 0) {
    throw new BosunError('SIGN_OPTIONS_INVALID', 'at least one public key is required', {
      details: { input: 'keys' },
    });
  }
  const keyless = options.keyless === undefined ? undefined : createKeylessVerifier(options.keyless);
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
      keys,
      ...(keyless === undefined ? {} : { keyless }),
      limits: { ...DEFAULT_VERIFY_LIMITS, ...options.limits },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    },
  };
}

/** The part of a cache key every verification shares: image, storage, keys, formats. */
export function baseCacheKey(prepared: Prepared): string {
  const { context, target } = prepared;
  const keys =
    context.keyless === undefined
      ? context.keys.map((k) => k.hint).join(',')
      : `keyless:${context.keyless.cacheKey}`;
  return [
    `${target.image.registry}/${target.image.repository}@${target.digest}`,
    `${context.location.registry}/${context.location.repository}`,
    keys,
    [...prepared.formats].sort().join(','),
  ].join('|');
}

/** A `min*` threshold option: a positive integer, 1 when not given. */
export function positiveThreshold(value: number | undefined, input: string): number {
  const min = value ?? 1;
  if (!Number.isSafeInteger(min) || min < 1) {
    throw new BosunError('SIGN_OPTIONS_INVALID', `${input} must be a positive integer`, {
      details: { input },
    });
  }
  return min;
}

/** The result fields naming the image verified. */
export function targetFields(target: ResolvedTarget): VerifiedImage {
  return { reference: target.pinned, digest: target.digest, resolvedFromTag: target.resolvedFromTag };
}
