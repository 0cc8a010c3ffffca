// Keyless verification of bundles signed by @sigstore/sign against @sigstore/mock's Fulcio and
// Rekor on 127.0.0.1, with trusted roots built for (or against) the mock's keys.
import { generateKeyPairSync } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutatedText } from '../../../test/support/parser-property.ts';
import {
  identityToken,
  otherPublicKey,
  otherRootCertificate,
  startSigstoreServices,
  type SigstoreServices,
} from '../../../test/support/sigstore-services.ts';
import { isBosunError } from '../../util/errors.ts';
import { createDsseBundle, parseBundle } from '../bundle.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../dsse.ts';
import { loadPrivateKey } from '../keys/index.ts';
import type { CertificateIdentity } from './identity.ts';
import { signDsseKeyless, signMessageKeyless, type KeylessSigningOptions } from './keyless-signer.ts';
import { bundleFromLegacy, legacyAnnotationsFromBundle } from './legacy-bundle.ts';
import { parseTrustedRoot } from './trusted-root.ts';
import { createKeylessVerifier, type KeylessVerification } from './verify-keyless.ts';

const SUBJECT = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const PAYLOAD = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');

let services: SigstoreServices;
let late: SigstoreServices;
let signing: KeylessSigningOptions;
let dsse: Bundle;
let message: Bundle;

beforeAll(async () => {
  services = await startSigstoreServices();
  signing = {
    fulcioURL: services.fulcioURL,
    rekorURL: services.rekorURL,
    identityToken: identityToken({ sub: SUBJECT, iss: ISSUER }),
    rekorEntryType: 'intoto',
  };
  dsse = await signDsseKeyless(signing, IN_TOTO_PAYLOAD_TYPE, PAYLOAD);
  message = await signMessageKeyless(signing, PAYLOAD);
  // Rekor's clock an hour ahead: its entries are integrated after the 10-minute certificate expired.
  late = await startSigstoreServices({ rekorClock: new Date(Date.now() + 3_600_000) });
});
afterAll(async () => {
  await services?.stop();
  await late?.stop();
});

function verify(
  bundle: Bundle,
  identities: readonly CertificateIdentity[] = [{ subject: SUBJECT, issuer: ISSUER }],
  root: string = services.trustedRoot(),
  extra: { ctlogThreshold?: number; artifact?: Uint8Array } = {},
): KeylessVerification {
  const verifier = createKeylessVerifier({
    trustedRoot: parseTrustedRoot(root),
    identities,
    ...(extra.ctlogThreshold === undefined ? {} : { ctlogThreshold: extra.ctlogThreshold }),
  });
  return verifier.verify(bundle, extra.artifact);
}

function outcome(result: KeylessVerification): string {
  return result.ok ? `ok ${result.signer.identityIndex}` : result.reason;
}

describe('createKeylessVerifier', () => {
  it('accepts a mock-signed DSSE bundle and reports who signed and when', () => {
    const result = verify(dsse);
    expect(result.ok && { ...result.signer, certificate: result.signer.certificate.length > 0 }).toEqual({
      identityIndex: 0,
      subjectAlternativeName: SUBJECT,
      issuer: ISSUER,
      certificate: true,
      keyHint: expect.any(String) as string,
      integratedTime: expect.any(Number) as number,
    });
    expect(services.requests.every((r) => r.startsWith('POST /api/'))).toEqual(true);
  });

  it.each<[string, CertificateIdentity[], string]>([
    ['exact subject and issuer', [{ subject: SUBJECT, issuer: ISSUER }], 'ok 0'],
    [
      'subject regexp (unanchored, as Go MatchString)',
      [{ subjectRegExp: 'acme/app/', issuer: ISSUER }],
      'ok 0',
    ],
    [
      'anchored subject regexp',
      [{ subjectRegExp: '^https://github\\.com/acme/.+@refs/heads/main$', issuer: ISSUER }],
      'ok 0',
    ],
    ['issuer regexp', [{ subject: SUBJECT, issuerRegExp: '^https://token\\.actions\\.' }], 'ok 0'],
    [
      'both exact and regexp must hold',
      [{ subject: SUBJECT, subjectRegExp: 'other', issuer: ISSUER }],
      'identity-mismatch',
    ],
    ['wrong identity', [{ subject: 'https://github.com/evil/app', issuer: ISSUER }], 'identity-mismatch'],
    [
      'identity differing only in case',
      [{ subject: SUBJECT.toUpperCase(), issuer: ISSUER }],
      'identity-mismatch',
    ],
    [
      'subject regexp not matching',
      [{ subjectRegExp: '^https://gitlab\\.com/', issuer: ISSUER }],
      'identity-mismatch',
    ],
    ['wrong issuer', [{ subject: SUBJECT, issuer: 'https://accounts.google.com' }], 'issuer-mismatch'],
    [
      'issuer regexp not matching',
      [{ subject: SUBJECT, issuerRegExp: '^https://accounts\\.' }],
      'issuer-mismatch',
    ],
    [
      'second identity matches',
      [
        { subject: 'someone@example.com', issuer: ISSUER },
        { subjectRegExp: 'release\\.yml', issuerRegExp: 'githubusercontent' },
      ],
      'ok 1',
    ],
  ])('%s → %s', (_name, identities, expected) => {
    expect(outcome(verify(dsse, identities))).toEqual(expected);
  });

  it.each<[string, () => Promise<string>, string]>([
    [
      'a root whose CA did not issue the certificate',
      async () => services.trustedRoot({ rootCertificate: await otherRootCertificate() }),
      'certificate-untrusted',
    ],
    [
      'a root whose Rekor key did not sign the entry',
      async () => services.trustedRoot({ rekorPublicKey: otherPublicKey() }),
      'tlog-invalid',
    ],
    [
      'a root without CT logs (SCT unverifiable)',
      async () => services.trustedRoot({ withoutCtlogs: true }),
      'certificate-untrusted',
    ],
  ])('%s → %s', async (_name, root, expected) => {
    expect(outcome(verify(dsse, undefined, await root()))).toEqual(expected);
  });

  it('counts SCTs against ctlogThreshold (the mock embeds one)', () => {
    expect([
      outcome(verify(dsse, undefined, undefined, { ctlogThreshold: 0 })),
      outcome(verify(dsse, undefined, undefined, { ctlogThreshold: 2 })),
    ]).toEqual(['ok 0', 'certificate-untrusted']);
  });

  it.each<[string, (b: Bundle) => void, string]>([
    [
      'a tampered signed entry timestamp',
      (b) => {
        const promise = b.verificationMaterial.tlogEntries[0]?.inclusionPromise;
        if (promise !== undefined) promise.signedEntryTimestamp = flip(promise.signedEntryTimestamp);
      },
      'tlog-invalid',
    ],
    [
      'a tampered integrated time',
      (b) => {
        const entry = b.verificationMaterial.tlogEntries[0];
        if (entry !== undefined) entry.integratedTime = String(Number(entry.integratedTime) + 1);
      },
      'tlog-invalid',
    ],
    [
      'a log entry for another signature',
      (b) => {
        const entry = b.verificationMaterial.tlogEntries[0];
        if (entry !== undefined)
          entry.canonicalizedBody = Buffer.from('{"kind":"intoto","apiVersion":"0.0.2","spec":{}}');
      },
      'tlog-invalid',
    ],
    ['no log entry', (b) => (b.verificationMaterial.tlogEntries = []), 'timestamp-invalid'],
    [
      'a changed payload',
      (b) => {
        if (b.content.$case === 'dsseEnvelope') b.content.dsseEnvelope.payload = Buffer.from('{"other":1}');
      },
      'tlog-invalid',
    ],
    [
      'a garbage certificate',
      (b) => {
        const m = b.verificationMaterial.content;
        if (m.$case === 'certificate') m.certificate.rawBytes = Buffer.from('not DER');
      },
      'bundle-invalid',
    ],
  ])('%s → %s', (_name, tamper, expected) => {
    const copy = structuredClone(dsse);
    tamper(copy);
    expect(outcome(verify(copy))).toEqual(expected);
  });

  it('refuses an entry integrated after the certificate expired', async () => {
    const bundle = await signDsseKeyless(
      { ...signing, fulcioURL: late.fulcioURL, rekorURL: late.rekorURL },
      IN_TOTO_PAYLOAD_TYPE,
      PAYLOAD,
    );
    expect(outcome(verify(bundle, undefined, late.trustedRoot()))).toEqual('certificate-untrusted');
  });

  it('refuses a key-based bundle as certificate-missing', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = await loadPrivateKey(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const parsed = parseBundle(createDsseBundle(key, IN_TOTO_PAYLOAD_TYPE, PAYLOAD));
    expect(outcome(verify(parsed.bundle))).toEqual('certificate-missing');
  });

  it('verifies a message-signature bundle over its artifact only', () => {
    expect([
      outcome(verify(message, undefined, undefined, { artifact: PAYLOAD })),
      outcome(verify(message, undefined, undefined, { artifact: Buffer.from('other') })),
    ]).toEqual(['ok 0', 'signature-mismatch']);
  });

  it.each<[string, CertificateIdentity[]]>([
    ['no identity', []],
    ['no issuer rule', [{ subject: SUBJECT }]],
    ['no subject rule', [{ issuer: ISSUER }]],
    ['a bad regexp', [{ subjectRegExp: '(', issuer: ISSUER }]],
  ])('options with %s are SIGN_OPTIONS_INVALID', (_name, identities) => {
    let caught: unknown;
    try {
      verify(dsse, identities);
    } catch (error) {
      caught = error;
    }
    expect(isBosunError(caught) ? caught.code : caught).toEqual('SIGN_OPTIONS_INVALID');
  });
});

describe('legacy annotations', () => {
  it('round-trip a message bundle through cosign’s certificate and Rekor bundle annotations', () => {
    const material = legacyAnnotationsFromBundle(message);
    const signature =
      message.content.$case === 'messageSignature'
        ? message.content.messageSignature.signature
        : Buffer.alloc(0);
    const rebuilt = bundleFromLegacy(material?.certificatePem, material?.rekorBundle, {
      kind: 'message',
      payload: PAYLOAD,
      signature,
    });
    expect(
      rebuilt.ok && outcome(verify(rebuilt.bundle, undefined, undefined, { artifact: PAYLOAD })),
    ).toEqual('ok 0');
    expect(Object.keys(JSON.parse(material?.rekorBundle ?? '{}') as object)).toEqual([
      'SignedEntryTimestamp',
      'Payload',
    ]);
  });

  it.each<
    [string, (rekor: { SignedEntryTimestamp: string; Payload: Record<string, unknown> }) => unknown, string]
  >([
    [
      'a tampered SET',
      (r) => ({
        ...r,
        SignedEntryTimestamp: flip(Buffer.from(r.SignedEntryTimestamp, 'base64')).toString('base64'),
      }),
      'tlog-invalid',
    ],
    [
      'another log index',
      (r) => ({ ...r, Payload: { ...r.Payload, logIndex: Number(r.Payload['logIndex']) + 1 } }),
      'tlog-invalid',
    ],
    ['a non-hex logID', (r) => ({ ...r, Payload: { ...r.Payload, logID: 'zz' } }), 'tlog-invalid'],
    ['no Payload', (r) => ({ SignedEntryTimestamp: r.SignedEntryTimestamp }), 'tlog-invalid'],
  ])('%s → %s', (_name, edit, expected) => {
    const material = legacyAnnotationsFromBundle(message);
    const rekor = JSON.parse(material?.rekorBundle ?? '{}') as {
      SignedEntryTimestamp: string;
      Payload: Record<string, unknown>;
    };
    const signature =
      message.content.$case === 'messageSignature'
        ? message.content.messageSignature.signature
        : Buffer.alloc(0);
    const rebuilt = bundleFromLegacy(material?.certificatePem, JSON.stringify(edit(rekor)), {
      kind: 'message',
      payload: PAYLOAD,
      signature,
    });
    expect(
      rebuilt.ok
        ? outcome(verify(rebuilt.bundle, undefined, undefined, { artifact: PAYLOAD }))
        : rebuilt.reason,
    ).toEqual(expected);
  });

  it.each<[string, string | undefined, string | undefined, string]>([
    ['no certificate', undefined, '{}', 'certificate-missing'],
    [
      'no Rekor bundle',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      undefined,
      'tlog-invalid',
    ],
    [
      'a key instead of a certificate',
      '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n',
      '{}',
      'bundle-invalid',
    ],
    [
      'a Rekor bundle that is not JSON',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      '{',
      'tlog-invalid',
    ],
  ])('%s → %s', (_name, certificate, rekor, expected) => {
    const rebuilt = bundleFromLegacy(certificate, rekor, {
      kind: 'message',
      payload: PAYLOAD,
      signature: Buffer.alloc(8),
    });
    expect(rebuilt.ok ? 'ok' : rebuilt.reason).toEqual(expected);
  });
});

function flip(bytes: Uint8Array): Buffer {
  const copy = Buffer.from(bytes);
  copy[copy.length - 5] = (copy[copy.length - 5] ?? 0) ^ 0x01;
  return copy;
}

describe('legacy annotations from hostile layers', () => {
  it('yield a verdict, never an exception, and pass only when certificate and Rekor bundle are the signed ones', () => {
    const material = legacyAnnotationsFromBundle(message);
    const signature =
      message.content.$case === 'messageSignature'
        ? message.content.messageSignature.signature
        : Buffer.alloc(0);
    const verifier = createKeylessVerifier({
      trustedRoot: parseTrustedRoot(services.trustedRoot()),
      identities: [{ subject: SUBJECT, issuer: ISSUER }],
    });
    fc.assert(
      fc.property(
        mutatedText(material?.certificatePem ?? ''),
        mutatedText(material?.rekorBundle ?? ''),
        (pem, rekor) => {
          const rebuilt = bundleFromLegacy(pem, rekor, { kind: 'message', payload: PAYLOAD, signature });
          const verdict = rebuilt.ok ? verifier.verify(rebuilt.bundle, PAYLOAD) : undefined;
          if (verdict?.ok === true) {
            // Only unsigned formatting may differ (PEM line breaks, JSON spacing, field order).
            expect(JSON.parse(rekor)).toEqual(JSON.parse(material?.rekorBundle ?? ''));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
