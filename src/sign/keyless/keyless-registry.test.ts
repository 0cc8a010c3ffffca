// Keyless end to end on a real registry (Debian's docker-registry) with @sigstore/mock's Fulcio and
// Rekor on 127.0.0.1: sign and attest without a key (bundle referrers and legacy `.sig`/`.att`
// layers with cosign's certificate and Rekor bundle annotations), then verify with a trusted root
// and identity policies.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../../../test/builders/layer.ts';
import { OciBlobs } from '../../../test/builders/oci-image.ts';
import { pushBuiltImage } from '../../../test/support/push-image.ts';
import { startRegistry, type TestRegistry } from '../../../test/support/registry.ts';
import {
  identityToken,
  otherRootCertificate,
  startSigstoreServices,
  type SigstoreServices,
} from '../../../test/support/sigstore-services.ts';
import { parseReference, RegistryClient } from '../../image/index.ts';
import { isBosunError } from '../../util/errors.ts';
import { PREDICATE_TYPES } from '../in-toto.ts';
import { loadPrivateKey, type PrivateKey } from '../keys/index.ts';
import { signImage, type SignatureFormat } from '../sign-image.ts';
import {
  buildSignatureImage,
  cosignTag,
  fetchTag,
  REKOR_BUNDLE_ANNOTATION,
  signatureLayers,
  storageLocation,
} from '../storage/index.ts';
import { verifyImageAttestations, verifyImageSignatures } from '../verify/index.ts';
import type { CertificateIdentity } from './identity.ts';
import { attestImageKeyless, signImageKeyless } from './sign-image-keyless.ts';
import { parseTrustedRoot, type ParsedTrustedRoot } from './trusted-root.ts';

const SUBJECT = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0';
const ISSUER = 'https://token.actions.githubusercontent.com';
const GOOD: CertificateIdentity[] = [{ subject: SUBJECT, issuer: ISSUER }];
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

let registry: TestRegistry;
let client: RegistryClient;
let services: SigstoreServices;
let root: ParsedTrustedRoot;
let repoCount = 0;

beforeAll(async () => {
  [registry, services] = await Promise.all([startRegistry({ auth: 'none' }), startSigstoreServices()]);
  client = new RegistryClient({ registry: registry.host, insecure: true });
  root = parseTrustedRoot(services.trustedRoot());
});
afterAll(async () => {
  await client?.close();
  await registry?.stop();
  await services?.stop();
});

async function strangerKey(): Promise<PrivateKey> {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return loadPrivateKey(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
}

/** A fresh repository with one small image; returns its digest reference. */
async function pushImage(): Promise<string> {
  const repository = `keyless/app${repoCount++}`;
  const blobs = new OciBlobs();
  const image = blobs.image([buildLayer([{ name: 'a.txt', body: `${repository}\n` }])]);
  await pushBuiltImage(client, repository, blobs, image.manifest, 'v1');
  return `${registry.host}/${repository}@${image.manifest.digest}`;
}

const signing = () => ({
  fulcioURL: services.fulcioURL,
  rekorURL: services.rekorURL,
  identityToken: identityToken({ sub: SUBJECT, iss: ISSUER }),
  rekorEntryType: 'intoto' as const,
  client,
});

function summary(result: { ok: boolean; failures: readonly { reason: string }[] }): string {
  return result.ok ? 'ok' : result.failures.map((f) => f.reason).join(',');
}

describe.each<SignatureFormat>(['bundle', 'legacy'])('keyless signatures, %s format', (format) => {
  let reference: string;
  beforeAll(async () => {
    reference = await pushImage();
    await signImageKeyless({ ...signing(), reference, format, annotations: { env: 'prod' } });
  });

  it('verifies with the matching identity and reports the signer', async () => {
    const result = await verifyImageSignatures({
      reference,
      keyless: { trustedRoot: root, identities: GOOD },
      formats: [format],
      annotations: { env: 'prod' },
      client,
    });
    expect({
      ok: result.ok,
      formats: result.verified.map((v) => v.format),
      signer: result.verified.map((v) => [v.keyIndex, v.signer?.subjectAlternativeName, v.signer?.issuer]),
      pem: result.verified[0]?.signer?.certificatePem.startsWith('-----BEGIN CERTIFICATE-----'),
    }).toEqual({ ok: true, formats: [format], signer: [[0, SUBJECT, ISSUER]], pem: true });
  });

  it.each<[string, CertificateIdentity[], () => ParsedTrustedRoot, string]>([
    [
      'regexp identity and issuer',
      [{ subjectRegExp: '^https://github\\.com/acme/', issuerRegExp: 'githubusercontent' }],
      () => root,
      'ok',
    ],
    [
      'wrong identity',
      [{ subject: 'https://github.com/evil/app/.github/workflows/x.yml@refs/heads/main', issuer: ISSUER }],
      () => root,
      'identity-mismatch,too-few-signatures',
    ],
    [
      'wrong issuer',
      [{ subject: SUBJECT, issuer: 'https://gitlab.com' }],
      () => root,
      'issuer-mismatch,too-few-signatures',
    ],
    [
      'a regexp matching nothing',
      [{ subjectRegExp: 'refs/heads/main$', issuer: ISSUER }],
      () => root,
      'identity-mismatch,too-few-signatures',
    ],
  ])('%s → %s', async (_name, identities, trusted, expected) => {
    const result = await verifyImageSignatures({
      reference,
      keyless: { trustedRoot: trusted(), identities },
      formats: [format],
      client,
    });
    expect(summary(result)).toEqual(expected);
  });

  it('refuses a certificate that does not chain to the trusted root', async () => {
    const other = parseTrustedRoot(services.trustedRoot({ rootCertificate: await otherRootCertificate() }));
    const result = await verifyImageSignatures({
      reference,
      keyless: { trustedRoot: other, identities: GOOD },
      formats: [format],
      client,
    });
    expect(summary(result)).toEqual('certificate-untrusted,too-few-signatures');
  });
});

describe('keyless verification of stored material', () => {
  it('refuses a legacy layer whose Rekor bundle annotation was tampered with', async () => {
    const reference = await pushImage();
    await signImageKeyless({ ...signing(), reference, format: 'legacy' });
    const digest = reference.slice(reference.indexOf('@') + 1);
    const repository = reference.slice(registry.host.length + 1, reference.indexOf('@'));
    const location = storageLocation(parseReference(reference), client, {});
    const tag = cosignTag(digest, 'sig');
    const fetched = await fetchTag(location, tag);
    const [layer] = fetched === undefined ? [] : signatureLayers(fetched, tag);
    if (layer === undefined) throw new Error('no .sig layer');
    const rekor = JSON.parse(layer.annotations[REKOR_BUNDLE_ANNOTATION] ?? '{}') as {
      Payload: { integratedTime: number };
    };
    rekor.Payload.integratedTime += 60;
    const image = buildSignatureImage([
      { ...layer, annotations: { ...layer.annotations, [REKOR_BUNDLE_ANNOTATION]: JSON.stringify(rekor) } },
    ]);
    await client.pushBlob(repository, {
      digest: image.configDigest,
      size: image.config.byteLength,
      bytes: image.config,
    });
    await client.putManifest(repository, tag, image.manifest, OCI_MANIFEST);
    const result = await verifyImageSignatures({
      reference,
      keyless: { trustedRoot: root, identities: GOOD },
      formats: ['legacy'],
      client,
    });
    expect(summary(result)).toEqual('tlog-invalid,too-few-signatures');
  });

  it('does not count a key-based signature under keyless verification', async () => {
    const reference = await pushImage();
    const key = await strangerKey();
    await signImage({ reference, key, client, format: 'bundle' });
    await signImage({ reference, key, client, format: 'legacy' });
    const result = await verifyImageSignatures({
      reference,
      keyless: { trustedRoot: root, identities: GOOD },
      client,
    });
    expect(result.failures.map((f) => f.reason).sort()).toEqual([
      'certificate-missing',
      'certificate-missing',
      'too-few-signatures',
    ]);
  });

  it.each<[string, () => Promise<object>]>([
    [
      'keys and keyless together',
      async () => ({
        keys: [(await strangerKey()).publicKey],
        keyless: { trustedRoot: root, identities: GOOD },
      }),
    ],
    ['keyless without identities', async () => ({ keyless: { trustedRoot: root, identities: [] } })],
    ['neither keys nor keyless', async () => ({ keys: [] })],
  ])('%s is SIGN_OPTIONS_INVALID', async (_name, extra) => {
    let caught: unknown;
    try {
      await verifyImageSignatures({
        reference: `${registry.host}/keyless/none@sha256:${'0'.repeat(64)}`,
        client,
        ...(await extra()),
      });
    } catch (error) {
      caught = error;
    }
    expect(isBosunError(caught) ? caught.code : caught).toEqual('SIGN_OPTIONS_INVALID');
  });
});

describe.each<SignatureFormat>(['bundle', 'legacy'])('keyless attestations, %s format', (format) => {
  let reference: string;
  beforeAll(async () => {
    reference = await pushImage();
    await attestImageKeyless({
      ...signing(),
      reference,
      format,
      type: 'cyclonedx',
      predicate: Buffer.from('{"bomFormat":"CycloneDX","specVersion":"1.6"}'),
      now: () => new Date('2025-01-02T03:04:05Z'),
    });
  });

  it.each<[string, CertificateIdentity[], string]>([
    ['matching identity', GOOD, 'ok'],
    [
      'wrong identity',
      [{ subject: 'someone@example.com', issuer: ISSUER }],
      'identity-mismatch,too-few-signatures',
    ],
    [
      'wrong issuer',
      [{ subjectRegExp: 'acme', issuer: 'https://accounts.google.com' }],
      'issuer-mismatch,too-few-signatures',
    ],
  ])('%s → %s', async (_name, identities, expected) => {
    const result = await verifyImageAttestations({
      reference,
      type: 'cyclonedx',
      keyless: { trustedRoot: root, identities },
      formats: [format],
      client,
    });
    expect([summary(result), result.verified.map((v) => [v.predicateType, v.signer?.issuer])]).toEqual([
      expected,
      expected === 'ok' ? [[PREDICATE_TYPES.cyclonedx, ISSUER]] : [],
    ]);
  });
});
