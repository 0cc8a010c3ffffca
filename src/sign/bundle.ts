import { createHash } from 'node:crypto';
import {
  assertBundle,
  bundleFromJSON,
  bundleToJSON,
  toDSSEBundle,
  toMessageSignatureBundle,
  type Bundle,
} from '@sigstore/bundle';
import { BosunError } from '../util/errors.ts';
import { preAuthEncoding, type DsseEnvelope } from './dsse.ts';
import { parseBoundedJson } from './json/bounded-json.ts';
import type { PrivateKey, PublicKey } from './keys/types.ts';
import { signBlob, verifyBlob } from './signature.ts';

/** Media type of the Sigstore bundle cosign v3 writes. */
export const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/**
 * Signs `payload` as a DSSE envelope and wraps it in a v0.3 bundle whose verification material is
 * the key's hint (base64 SHA-256 of its PKIX DER), as `cosign sign/attest --key ... --bundle` does
 * when no transparency log or timestamp authority is used. Returns the bundle JSON bytes.
 */
export function createDsseBundle(key: PrivateKey, payloadType: string, payload: Uint8Array): Buffer {
  const signature = signBlob(key, preAuthEncoding(payloadType, payload));
  const bundle = toDSSEBundle({
    artifact: Buffer.from(payload),
    artifactType: payloadType,
    signature,
    keyHint: key.publicKey.hint,
  });
  // sigstore-go (cosign v3) leaves the envelope signature's keyid empty (omitted from the JSON);
  // the hint lives in the verification material.
  if (bundle.content.$case === 'dsseEnvelope') {
    bundle.content.dsseEnvelope.signatures = bundle.content.dsseEnvelope.signatures.map((s) => ({
      ...s,
      keyid: '',
    }));
  }
  return serialize(bundle);
}

/**
 * Signs `artifact` directly and wraps signature and SHA-256 digest in a v0.3 message-signature
 * bundle, as `cosign sign-blob --key ... --bundle` does.
 */
export function createMessageSignatureBundle(key: PrivateKey, artifact: Uint8Array): Buffer {
  const bundle = toMessageSignatureBundle({
    digest: createHash('sha256').update(artifact).digest(),
    signature: signBlob(key, artifact),
    keyHint: key.publicKey.hint,
  });
  return serialize(bundle);
}

function serialize(bundle: Bundle): Buffer {
  return Buffer.from(JSON.stringify(bundleToJSON(bundle)), 'utf8');
}

export type BundleContent =
  | { readonly kind: 'dsse'; readonly envelope: DsseEnvelope }
  | {
      readonly kind: 'message-signature';
      readonly digestAlgorithm: 'sha256' | 'sha384' | 'sha512' | 'unsupported';
      readonly digest: Buffer;
      readonly signature: Buffer;
    };

export type BundleKeyMaterial =
  | { readonly kind: 'public-key'; readonly hint: string }
  | { readonly kind: 'certificate'; readonly der: Buffer }
  | { readonly kind: 'certificate-chain'; readonly der: readonly Buffer[] };

/** A parsed, structurally valid bundle. Nothing in it is verified yet. */
export interface ParsedBundle {
  readonly mediaType: string;
  readonly content: BundleContent;
  readonly keyMaterial: BundleKeyMaterial;
  readonly tlogEntryCount: number;
  readonly timestampCount: number;
  /** The @sigstore/bundle value, for @sigstore/verify (transparency log and certificate checks). */
  readonly bundle: Bundle;
}

export interface ParseBundleOptions {
  readonly input?: string;
  /** Largest accepted bundle; 32 MiB unless told (DSSE bundles carry whole SBOMs). */
  readonly maxBytes?: number;
}

const HASHES: Readonly<Record<number, 'sha256' | 'sha384' | 'sha512'>> = {
  1: 'sha256',
  2: 'sha384',
  3: 'sha512',
};

/**
 * Parses Sigstore bundle JSON (v0.1 to v0.3) with @sigstore/bundle and checks its required fields.
 * Errors: SIGN_BUNDLE_INVALID, LIMIT_EXCEEDED.
 */
export function parseBundle(bytes: Uint8Array | string, options: ParseBundleOptions = {}): ParsedBundle {
  const input = options.input ?? 'Sigstore bundle';
  const json = parseBoundedJson(
    bytes,
    input,
    { maxBytes: options.maxBytes ?? 32 * 1024 * 1024, maxDepth: 32 },
    'SIGN_BUNDLE_INVALID',
  );
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
    assertBundle(bundle);
  } catch (cause) {
    throw new BosunError('SIGN_BUNDLE_INVALID', `${input}: not a valid Sigstore bundle`, {
      cause,
      details: { input },
    });
  }
  const material = bundle.verificationMaterial;
  return {
    mediaType: bundle.mediaType,
    content: toContent(bundle),
    keyMaterial: toKeyMaterial(bundle),
    tlogEntryCount: material.tlogEntries.length,
    timestampCount: material.timestampVerificationData?.rfc3161Timestamps.length ?? 0,
    bundle,
  };
}

function toContent(bundle: Bundle): BundleContent {
  const content = bundle.content;
  switch (content.$case) {
    case 'dsseEnvelope': {
      const envelope = content.dsseEnvelope;
      return {
        kind: 'dsse',
        envelope: {
          payloadType: envelope.payloadType,
          payload: Buffer.from(envelope.payload),
          signatures: envelope.signatures.map((s) => ({ keyid: s.keyid, sig: Buffer.from(s.sig) })),
        },
      };
    }
    case 'messageSignature': {
      const message = content.messageSignature;
      return {
        kind: 'message-signature',
        digestAlgorithm: HASHES[message.messageDigest?.algorithm ?? 0] ?? 'unsupported',
        digest: Buffer.from(message.messageDigest?.digest ?? []),
        signature: Buffer.from(message.signature),
      };
    }
  }
}

function toKeyMaterial(bundle: Bundle): BundleKeyMaterial {
  const content = bundle.verificationMaterial.content;
  switch (content.$case) {
    case 'publicKey':
      return { kind: 'public-key', hint: content.publicKey.hint };
    case 'certificate':
      return { kind: 'certificate', der: Buffer.from(content.certificate.rawBytes) };
    case 'x509CertificateChain':
      return {
        kind: 'certificate-chain',
        der: content.x509CertificateChain.certificates.map((c) => Buffer.from(c.rawBytes)),
      };
  }
}

export type BundleVerification =
  | { readonly verified: true; readonly kind: 'dsse'; readonly payloadType: string; readonly payload: Buffer }
  | { readonly verified: true; readonly kind: 'message-signature'; readonly digest: Buffer }
  | {
      readonly verified: false;
      readonly reason: 'signature-mismatch' | 'digest-mismatch' | 'artifact-required' | 'unsupported-digest';
    };

/**
 * Verifies a parsed bundle's signature with a trusted public key (`cosign verify-blob --key`
 * with `--insecure-ignore-tlog`): DSSE over the PAE of the payload, a message signature over
 * `artifact`, whose SHA-256 must also equal the bundle's digest. The key hint is advisory and not
 * compared; transparency log entries and timestamps are not checked here. "No" is a value.
 */
export function verifyBundle(
  parsed: ParsedBundle,
  key: PublicKey,
  artifact?: Uint8Array,
): BundleVerification {
  const content = parsed.content;
  switch (content.kind) {
    case 'dsse': {
      const envelope = content.envelope;
      const pae = preAuthEncoding(envelope.payloadType, envelope.payload);
      const ok = envelope.signatures.some((s) => verifyBlob(key, pae, s.sig));
      return ok
        ? { verified: true, kind: 'dsse', payloadType: envelope.payloadType, payload: envelope.payload }
        : { verified: false, reason: 'signature-mismatch' };
    }
    case 'message-signature': {
      if (artifact === undefined) return { verified: false, reason: 'artifact-required' };
      if (content.digestAlgorithm === 'unsupported') return { verified: false, reason: 'unsupported-digest' };
      const digest = createHash(content.digestAlgorithm).update(artifact).digest();
      if (!digest.equals(content.digest)) return { verified: false, reason: 'digest-mismatch' };
      return verifyBlob(key, artifact, content.signature, { hash: content.digestAlgorithm })
        ? { verified: true, kind: 'message-signature', digest }
        : { verified: false, reason: 'signature-mismatch' };
    }
  }
}
