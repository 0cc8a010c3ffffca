import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { BosunError } from './errors.ts';

export type DigestAlgorithm = 'sha256' | 'sha512';

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };

/** A parsed OCI digest (`algorithm:hex`). Only the registered algorithms are accepted. */
export interface Digest {
  readonly algorithm: DigestAlgorithm;
  readonly hex: string;
}

/** Parses `sha256:<64 hex>` / `sha512:<128 hex>`; throws IMAGE_DIGEST_INVALID naming the input. */
export function parseDigest(value: string, input = 'digest'): Digest {
  const colon = value.indexOf(':');
  const algorithm = value.slice(0, colon);
  const hex = value.slice(colon + 1);
  if (colon <= 0 || (algorithm !== 'sha256' && algorithm !== 'sha512')) {
    throw new BosunError(
      'IMAGE_DIGEST_INVALID',
      `${input}: unsupported digest algorithm in "${value.slice(0, 80)}"`,
      {
        details: { input },
      },
    );
  }
  if (hex.length !== HEX_LENGTH[algorithm] || !/^[0-9a-f]+$/.test(hex)) {
    throw new BosunError(
      'IMAGE_DIGEST_INVALID',
      `${input}: malformed ${algorithm} digest "${value.slice(0, 140)}"`,
      {
        details: { input },
      },
    );
  }
  return { algorithm, hex };
}

export function isDigest(value: string): boolean {
  try {
    parseDigest(value);
    return true;
  } catch {
    return false;
  }
}

/** Digest of in-memory bytes, formatted `algorithm:hex`. */
export function digestOf(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Checks in-memory bytes against an expected digest (and size when given). */
export function verifyBytes(bytes: Uint8Array, expected: string, input: string, size?: number): void {
  if (size !== undefined && bytes.byteLength !== size) {
    throw new BosunError('IMAGE_SIZE_MISMATCH', `${input}: expected ${size} bytes, got ${bytes.byteLength}`, {
      details: { input, expected: size, actual: bytes.byteLength },
    });
  }
  const { algorithm } = parseDigest(expected, input);
  const actual = digestOf(bytes, algorithm);
  if (actual !== expected) {
    throw new BosunError(
      'IMAGE_DIGEST_MISMATCH',
      `${input}: digest mismatch, expected ${expected}, got ${actual}`,
      {
        details: { input, expected, actual },
      },
    );
  }
}

/**
 * A pass-through stream that hashes what flows through it and fails at the end (or as soon as the
 * size is exceeded) when the bytes do not match the descriptor. Consumers must treat data as
 * untrusted until the stream ends without error.
 */
export function createVerifyingStream(expected: string, input: string, size?: number): Transform {
  const { algorithm } = parseDigest(expected, input);
  const hash = createHash(algorithm);
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (size !== undefined && seen > size) {
        callback(
          new BosunError('IMAGE_SIZE_MISMATCH', `${input}: more than the expected ${size} bytes`, {
            details: { input, expected: size },
          }),
        );
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (size !== undefined && seen !== size) {
        callback(
          new BosunError('IMAGE_SIZE_MISMATCH', `${input}: expected ${size} bytes, got ${seen}`, {
            details: { input, expected: size, actual: seen },
          }),
        );
        return;
      }
      const actual = `${algorithm}:${hash.digest('hex')}`;
      if (actual !== expected) {
        callback(
          new BosunError(
            'IMAGE_DIGEST_MISMATCH',
            `${input}: digest mismatch, expected ${expected}, got ${actual}`,
            {
              details: { input, expected, actual },
            },
          ),
        );
        return;
      }
      callback();
    },
  });
}
