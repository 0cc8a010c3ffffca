import type { Descriptor } from '../../image/index.ts';
import type { KeylessVerifier } from '../keyless/index.ts';
import type { PublicKey } from '../keys/types.ts';
import type { JsonValue } from '../json/go-json.ts';
import { errorCode, isUnreadable, type StorageLocation } from '../storage/index.ts';
import type { VerificationFailure, VerificationSource, VerifyLimits } from './types.ts';

/** What every check needs: where signatures are, which image, which keys, which limits. */
export interface CheckContext {
  readonly location: StorageLocation;
  /** The image manifest digest being verified. */
  readonly digest: string;
  readonly keys: readonly PublicKey[];
  /** Keyless verification (instead of `keys`). */
  readonly keyless?: KeylessVerifier;
  readonly limits: VerifyLimits;
  readonly signal?: AbortSignal;
}

/** A check's outcome: one value or one failure reason. */
export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: VerificationFailure };

export function fail<T>(
  reason: VerificationFailure['reason'],
  source: VerificationSource | undefined,
  detail?: string,
): Checked<T> {
  return {
    ok: false,
    failure: {
      reason,
      ...(source === undefined ? {} : { source }),
      ...(detail === undefined ? {} : { detail }),
    },
  };
}

/** Splits check outcomes into values and failures; `undefined` outcomes (skipped) are dropped. */
export function partitionChecked<T>(results: readonly (Checked<T> | undefined)[]): {
  readonly verified: T[];
  readonly failures: VerificationFailure[];
} {
  const verified: T[] = [];
  const failures: VerificationFailure[] = [];
  for (const result of results) {
    if (result === undefined) continue;
    if (result.ok) verified.push(result.value);
    else failures.push(result.failure);
  }
  return { verified, failures };
}

/**
 * A payload/envelope/bundle blob read whole, verified by digest and bounded; a missing, oversized
 * or mismatching blob is a `payload-unavailable` failure (transport errors still throw).
 */
export async function fetchLayer(
  context: CheckContext,
  layer: Descriptor,
  maxBytes: number,
  source: VerificationSource,
): Promise<Checked<Uint8Array>> {
  if (layer.size > maxBytes) return fail('payload-unavailable', source, `size ${layer.size} > ${maxBytes}`);
  try {
    const bytes = await context.location.client.getBlobBytes(
      context.location.repository,
      { digest: layer.digest, size: layer.size },
      { maxBytes, ...(context.signal === undefined ? {} : { signal: context.signal }) },
    );
    return { ok: true, value: bytes };
  } catch (error) {
    if (isUnreadable(error)) return fail('payload-unavailable', source, errorCode(error));
    throw error;
  }
}

const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Go's `base64.StdEncoding.DecodeString`, which cosign uses on the signature annotation: padded
 * standard alphabet, `\r` and `\n` skipped (some signers wrap the text); undefined when invalid or empty.
 */
export function decodeStdBase64(text: string | undefined): Buffer | undefined {
  if (text === undefined || text.length > MAX_SIGNATURE_TEXT) return undefined;
  const compact = text.replace(/[\r\n]/g, '');
  if (compact.length === 0 || !STD_BASE64.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

// Far above any signature cosign accepts (RSA-4096 is 684 base64 characters).
const MAX_SIGNATURE_TEXT = 64 * 1024;

/**
 * The first required annotation missing from `signed` or holding another value, or undefined when
 * all match. Values compare as cosign compares `-a` claims: a signed string equal to the wanted one.
 */
export function missingAnnotation(
  required: Readonly<Record<string, string>>,
  signed: { readonly [key: string]: JsonValue } | null | undefined,
): string | undefined {
  for (const [key, value] of Object.entries(required)) {
    if (signed?.[key] !== value || !Object.hasOwn(signed, key)) return key;
  }
  return undefined;
}

/** Runs `check` over items with at most `limit` in flight, keeping order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  check: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await check(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
