// Signing and verifying images in a real registry (Debian's docker-registry, distribution 2.8,
// which has no referrers API: bundle referrers go through the `sha256-<hex>` fallback index).
// Round trips in both storage formats, appends, skopeo reading the signed image unchanged,
// @sigstore/verify accepting the stored bundles, and the attacks a verifier must refuse.
import { execFile } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { promisify } from 'node:util';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../builders/layer.ts';
import { OciBlobs, type BuiltImage } from '../builders/oci-image.ts';
import { pushBuiltImage } from '../support/push-image.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { RegistryClient, type Descriptor, type FetchedManifest } from '../../src/image/index.ts';
import {
  attestImage,
  BUNDLE_V03_MEDIA_TYPE,
  buildBundleManifest,
  buildSignatureImage,
  cosignTag,
  createDsseBundle,
  buildStatement,
  buildCosignSignStatement,
  IN_TOTO_PAYLOAD_TYPE,
  loadPrivateKey,
  PREDICATE_TYPES,
  SIGNATURE_ANNOTATION,
  SIMPLE_SIGNING_MEDIA_TYPE,
  signImage,
  VerificationCache,
  verifyImageAttestations,
  verifyImageSignatures,
  type PrivateKey,
  type PublicKey,
  type SignatureVerdict,
  type VerificationFailure,
} from '../../src/sign/index.ts';
import { digestOf } from '../../src/util/digest.ts';

const run = promisify(execFile);
const FIXED_NOW = (): Date => new Date('2025-01-02T03:04:05.678Z');
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';

let registry: TestRegistry;
let client: RegistryClient;
const keys: Record<'one' | 'two' | 'stranger' | 'ed', PrivateKey> = {} as Record<
  'one' | 'two' | 'stranger' | 'ed',
  PrivateKey
>;
let counter = 0;

async function newKey(type: 'ec' | 'ed25519'): Promise<PrivateKey> {
  const pair =
    type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return loadPrivateKey(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
}

/** Pushes a fresh single-layer image under `repository:tag`; returns its manifest digest. */
async function pushImage(repository: string, tag: string): Promise<BuiltImage> {
  const blobs = new OciBlobs();
  counter++;
  const image = blobs.image([buildLayer([{ name: `file-${counter}.txt`, body: `content ${counter}\n` }])]);
  await pushBuiltImage(client, repository, blobs, image.manifest, tag);
  return image;
}

const ref = (repository: string, tagOrDigest: string): string =>
  `${registry.host}/${repository}${tagOrDigest.includes(':') ? '@' : ':'}${tagOrDigest}`;

function pub(...names: (keyof typeof keys)[]): PublicKey[] {
  return names.map((n) => keys[n].publicKey);
}

function reasons(failures: readonly VerificationFailure[]): string[] {
  return failures.map((f) => f.reason).sort();
}

async function blobJson(repository: string, descriptor: Descriptor): Promise<unknown> {
  return JSON.parse(Buffer.from(await client.getBlobBytes(repository, descriptor)).toString('utf8'));
}

function asManifest(fetched: FetchedManifest): FetchedManifest & { kind: 'manifest' } {
  if (fetched.kind !== 'manifest') throw new Error('expected a manifest');
  return fetched;
}

async function skopeoRawDigest(reference: string): Promise<string> {
  const { stdout } = await run(
    'skopeo',
    [
      'inspect',
      '--raw',
      '--tls-verify=false',
      '--creds',
      `${registry.username ?? ''}:${registry.password ?? ''}`,
      `docker://${reference}`,
    ],
    { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
  );
  return digestOf(stdout);
}

beforeAll(async () => {
  registry = await startRegistry({ auth: 'basic' });
  client = new RegistryClient({
    registry: registry.host,
    insecure: true,
    credentials: async () => ({
      kind: 'basic',
      username: registry.username ?? '',
      password: registry.password ?? '',
    }),
  });
  keys.one = await newKey('ec');
  keys.two = await newKey('ec');
  keys.stranger = await newKey('ec');
  keys.ed = await newKey('ed25519');
});
afterAll(async () => {
  await client?.close();
  await registry?.stop();
});

describe('legacy format (.sig tag images)', () => {
  it('signs a tag by its digest, stores cosign’s image shape, and verifies', async () => {
    const image = await pushImage('e2e/legacy', 'v1');
    const signed = await signImage({
      reference: ref('e2e/legacy', 'v1'),
      key: keys.one,
      format: 'legacy',
      client,
      now: FIXED_NOW,
    });
    const tag = cosignTag(image.manifest.digest, 'sig');
    expect(signed).toMatchObject({
      format: 'legacy',
      digest: image.manifest.digest,
      resolvedFromTag: true,
      reference: `${registry.host}/e2e/legacy:v1@${image.manifest.digest}`,
      stored: { repository: `${registry.host}/e2e/legacy`, tag },
      appended: true,
    });
    expect(tag).toEqual(`sha256-${image.manifest.digest.slice(7)}.sig`);

    const sig = asManifest(await client.getManifest('e2e/legacy', tag));
    const layer = sig.manifest.layers[0];
    expect({
      mediaType: sig.mediaType,
      config: sig.manifest.config.mediaType,
      layers: sig.manifest.layers.map((l) => [l.mediaType, Object.keys(l.annotations ?? {})]),
    }).toEqual({
      mediaType: OCI_MANIFEST,
      config: 'application/vnd.oci.image.config.v1+json',
      layers: [[SIMPLE_SIGNING_MEDIA_TYPE, [SIGNATURE_ANNOTATION]]],
    });
    // go-containerregistry's ConfigFile for a static layer appended to empty.Image.
    const config = Buffer.from(await client.getBlobBytes('e2e/legacy', sig.manifest.config)).toString('utf8');
    expect(config).toEqual(
      `{"architecture":"","created":"2025-01-02T03:04:05Z","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"",` +
        `"rootfs":{"type":"layers","diff_ids":["${layer?.digest ?? ''}"]},"config":{}}`,
    );
    expect(await blobJson('e2e/legacy', layer as Descriptor)).toEqual({
      critical: {
        identity: { 'docker-reference': `${registry.host}/e2e/legacy` },
        image: { 'docker-manifest-digest': image.manifest.digest },
        type: 'cosign container image signature',
      },
      optional: null,
    });

    const verified = await verifyImageSignatures({
      reference: ref('e2e/legacy', 'v1'),
      keys: pub('one'),
      client,
    });
    expect({
      ok: verified.ok,
      digest: verified.digest,
      resolvedFromTag: verified.resolvedFromTag,
      formats: verified.verified.map((v) => v.format),
      failures: verified.failures,
    }).toEqual({
      ok: true,
      digest: image.manifest.digest,
      resolvedFromTag: true,
      formats: ['legacy'],
      failures: [],
    });
  });

  it('appends a second signature (both verify, count 2) and skips an identical one', async () => {
    const image = await pushImage('e2e/append', 'v1');
    const reference = ref('e2e/append', image.manifest.digest);
    const first = await signImage({ reference, key: keys.one, format: 'legacy', client, now: FIXED_NOW });
    const second = await signImage({ reference, key: keys.two, format: 'legacy', client, now: FIXED_NOW });
    expect(first.resolvedFromTag).toEqual(false);
    const sig = asManifest(await client.getManifest('e2e/append', cosignTag(image.manifest.digest, 'sig')));
    expect(sig.manifest.layers.length).toEqual(2);
    expect(second.stored.manifestDigest).toEqual(sig.digest);

    // Ed25519 signatures are deterministic: signing again yields the identical layer, not added twice.
    const ed1 = await signImage({ reference, key: keys.ed, format: 'legacy', client, now: FIXED_NOW });
    const ed2 = await signImage({ reference, key: keys.ed, format: 'legacy', client, now: FIXED_NOW });
    expect([ed1.appended, ed2.appended, ed2.stored.manifestDigest]).toEqual([
      true,
      false,
      ed1.stored.manifestDigest,
    ]);

    const both = await verifyImageSignatures({
      reference,
      keys: pub('one', 'two'),
      minSignatures: 2,
      client,
    });
    expect({
      ok: both.ok,
      count: both.verified.length,
      keyIndexes: both.verified.map((v) => v.keyIndex).sort(),
      failures: reasons(both.failures),
    }).toEqual({ ok: true, count: 2, keyIndexes: [0, 1], failures: ['signature-mismatch'] });

    const onlyOne = await verifyImageSignatures({ reference, keys: pub('one'), minSignatures: 2, client });
    expect({ ok: onlyOne.ok, failures: reasons(onlyOne.failures) }).toEqual({
      ok: false,
      failures: ['signature-mismatch', 'signature-mismatch', 'too-few-signatures'],
    });
  });

  it('re-signing with the same key does not meet a threshold of two keys', async () => {
    const image = await pushImage('e2e/same-key', 'v1');
    const reference = ref('e2e/same-key', image.manifest.digest);
    await signImage({ reference, key: keys.one, format: 'legacy', client });
    await signImage({ reference, key: keys.one, format: 'legacy', client });
    const result = await verifyImageSignatures({
      reference,
      keys: pub('one', 'two'),
      minSignatures: 2,
      client,
    });
    expect({ ok: result.ok, count: result.verified.length, failures: reasons(result.failures) }).toEqual({
      ok: false,
      count: 2,
      failures: ['too-few-signatures'],
    });
  });

  it('writes to and reads from another repository (COSIGN_REPOSITORY)', async () => {
    const image = await pushImage('e2e/elsewhere', 'v1');
    const reference = ref('e2e/elsewhere', 'v1');
    const signatureRepo = `${registry.host}/e2e/signatures`;
    for (const format of ['legacy', 'bundle'] as const) {
      await signImage({ reference, key: keys.one, format, client, signatureRepo });
    }
    const tags = await client.listTags('e2e/signatures');
    expect(tags).toContain(cosignTag(image.manifest.digest, 'sig'));
    const there = await verifyImageSignatures({ reference, keys: pub('one'), client, signatureRepo });
    const here = await verifyImageSignatures({ reference, keys: pub('one'), client });
    expect([there.verified.map((v) => v.format).sort(), here.ok]).toEqual([['bundle', 'legacy'], false]);
  });
});

describe('bundle format (cosign v3 referrers)', () => {
  it('attaches a DSSE bundle as a referrer found through the fallback tag, and verifies', async () => {
    const image = await pushImage('e2e/bundle', 'v1');
    const signed = await signImage({
      reference: ref('e2e/bundle', 'v1'),
      key: keys.one,
      format: 'bundle',
      annotations: { team: 'platform' },
      client,
      now: FIXED_NOW,
    });
    const referrers = await client.getReferrers('e2e/bundle', image.manifest.digest);
    expect({ source: referrers.source, digests: referrers.referrers.map((d) => d.digest) }).toEqual({
      source: 'tag',
      digests: [signed.stored.manifestDigest],
    });
    const manifest = asManifest(await client.getManifest('e2e/bundle', signed.stored.manifestDigest));
    expect({
      artifactType: manifest.manifest.artifactType,
      config: manifest.manifest.config,
      layers: manifest.manifest.layers.map((l) => l.mediaType),
      subject: manifest.manifest.subject,
      annotations: manifest.manifest.annotations,
    }).toEqual({
      artifactType: BUNDLE_V03_MEDIA_TYPE,
      config: { mediaType: OCI_EMPTY, size: 2, digest: digestOf(Buffer.from('{}')) },
      layers: [BUNDLE_V03_MEDIA_TYPE],
      subject: { mediaType: OCI_MANIFEST, size: image.manifest.size, digest: image.manifest.digest },
      annotations: {
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': PREDICATE_TYPES.sign,
        'org.opencontainers.image.created': '2025-01-02T03:04:05Z',
      },
    });

    const result = await verifyImageSignatures({
      reference: ref('e2e/bundle', 'v1'),
      keys: pub('stranger', 'one'),
      annotations: { team: 'platform' },
      client,
    });
    const first = result.verified[0];
    expect({
      ok: result.ok,
      format: first?.format,
      keyIndex: first?.keyIndex,
      annotations: first?.annotations,
      failures: result.failures,
    }).toEqual({ ok: true, format: 'bundle', keyIndex: 1, annotations: { team: 'platform' }, failures: [] });
  });

  it('@sigstore/verify accepts the bundle fetched back from the registry', async () => {
    const image = await pushImage('e2e/interop', 'v1');
    for (const key of [keys.one, keys.ed]) {
      await signImage({ reference: ref('e2e/interop', 'v1'), key, format: 'bundle', client });
    }
    const referrers = await client.getReferrers('e2e/interop', image.manifest.digest);
    const outcomes: string[] = [];
    for (const descriptor of referrers.referrers) {
      const manifest = asManifest(await client.getManifest('e2e/interop', descriptor.digest));
      const layer = manifest.manifest.layers[0] as Descriptor;
      const json = await blobJson('e2e/interop', layer);
      const bundle = bundleFromJSON(json);
      const hint =
        bundle.verificationMaterial.content.$case === 'publicKey'
          ? bundle.verificationMaterial.content.publicKey.hint
          : '';
      const key = [keys.one, keys.ed].find((k) => k.publicKey.hint === hint);
      if (key === undefined) throw new Error('unknown key hint');
      outcomes.push(sigstoreVerify(json, key.publicKey));
      outcomes.push(sigstoreVerify(json, keys.stranger.publicKey, key.publicKey.hint));
    }
    expect(outcomes).toEqual(['verified', 'SIGNATURE_ERROR', 'verified', 'SIGNATURE_ERROR']);
  });

  it('finds referrers listed the go-containerregistry way (empty-config artifactType, no annotations)', async () => {
    const image = await pushImage('e2e/ggcr', 'v1');
    const statement = buildStatement(buildCosignSignStatement(image.manifest.digest));
    const bundle = createDsseBundle(keys.one, IN_TOTO_PAYLOAD_TYPE, statement);
    const manifest = await pushReferrer('e2e/ggcr', image.manifest, bundle);
    await client.putManifest(
      'e2e/ggcr',
      `sha256-${image.manifest.digest.slice(7)}`,
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_INDEX,
          manifests: [
            {
              mediaType: OCI_MANIFEST,
              size: manifest.length,
              digest: digestOf(manifest),
              artifactType: OCI_EMPTY,
            },
          ],
        }),
      ),
      OCI_INDEX,
    );
    const result = await verifyImageSignatures({
      reference: ref('e2e/ggcr', 'v1'),
      keys: pub('one'),
      client,
    });
    expect({ ok: result.ok, formats: result.verified.map((v) => v.format) }).toEqual({
      ok: true,
      formats: ['bundle'],
    });
  });
});

describe('both formats at once', () => {
  it('finds legacy and bundle signatures together; skopeo still reads the image unchanged', async () => {
    const image = await pushImage('e2e/both', 'v1');
    const before = await skopeoRawDigest(ref('e2e/both', 'v1'));
    await signImage({ reference: ref('e2e/both', 'v1'), key: keys.one, format: 'legacy', client });
    await signImage({ reference: ref('e2e/both', 'v1'), key: keys.two, format: 'bundle', client });
    await attestImage({
      reference: ref('e2e/both', 'v1'),
      key: keys.one,
      type: 'cyclonedx',
      predicate: Buffer.from('{"bomFormat":"CycloneDX","specVersion":"1.5"}'),
      client,
    });
    const after = await skopeoRawDigest(ref('e2e/both', 'v1'));
    expect([before, after]).toEqual([image.manifest.digest, image.manifest.digest]);

    const result = await verifyImageSignatures({
      reference: ref('e2e/both', 'v1'),
      keys: pub('one', 'two'),
      minSignatures: 2,
      client,
    });
    // The attestation referrer is another predicate type: skipped, not a failure.
    expect({
      ok: result.ok,
      formats: result.verified.map((v) => `${v.format}:${v.keyIndex}`).sort(),
      failures: result.failures,
    }).toEqual({ ok: true, formats: ['bundle:1', 'legacy:0'], failures: [] });
    const legacyOnly = await verifyImageSignatures({
      reference: ref('e2e/both', 'v1'),
      keys: pub('one', 'two'),
      formats: ['legacy'],
      client,
    });
    expect(legacyOnly.verified.map((v) => v.format)).toEqual(['legacy']);
  });
});

/** Pushes a bundle referrer (cosign v3 shape) without touching the fallback index. */
async function pushReferrer(repository: string, subject: Descriptor, bundle: Uint8Array): Promise<Buffer> {
  const empty = Buffer.from('{}');
  await client.pushBlob(repository, { digest: digestOf(empty), size: 2, bytes: empty });
  await client.pushBlob(repository, { digest: digestOf(bundle), size: bundle.byteLength, bytes: bundle });
  const manifest = buildBundleManifest(
    subject,
    digestOf(bundle),
    bundle.byteLength,
    PREDICATE_TYPES.sign,
    '2025-01-01T00:00:00Z',
  );
  await client.putManifest(repository, digestOf(manifest), manifest, OCI_MANIFEST, {
    updateReferrersTag: false,
  });
  return manifest;
}

/** Replaces the `.sig` image of `digest` with `layers` (bytes pushed as given). */
async function putSigImage(
  repository: string,
  digest: string,
  layers: readonly { bytes: Uint8Array; annotations: Record<string, string>; mediaType?: string }[],
): Promise<void> {
  const descriptors = [];
  for (const layer of layers) {
    const d = digestOf(layer.bytes);
    await client.pushBlob(repository, { digest: d, size: layer.bytes.byteLength, bytes: layer.bytes });
    descriptors.push({
      mediaType: layer.mediaType ?? SIMPLE_SIGNING_MEDIA_TYPE,
      digest: d,
      size: layer.bytes.byteLength,
      annotations: layer.annotations,
    });
  }
  const built = buildSignatureImage(descriptors);
  await client.pushBlob(repository, {
    digest: built.configDigest,
    size: built.config.byteLength,
    bytes: built.config,
  });
  await client.putManifest(repository, cosignTag(digest, 'sig'), built.manifest, OCI_MANIFEST);
}

/** The (payload, signature) of the first layer of the `.sig` image of `digest`. */
async function firstSignature(
  repository: string,
  digest: string,
): Promise<{ payload: Buffer; signature: string }> {
  const sig = asManifest(await client.getManifest(repository, cosignTag(digest, 'sig')));
  const layer = sig.manifest.layers[0] as Descriptor;
  return {
    payload: Buffer.from(await client.getBlobBytes(repository, layer)),
    signature: layer.annotations?.[SIGNATURE_ANNOTATION] ?? '',
  };
}

describe('attacks and damage are refused with a reason', () => {
  it('wrong key', async () => {
    const image = await pushImage('e2e/neg', 'wrong-key');
    const reference = ref('e2e/neg', image.manifest.digest);
    for (const format of ['legacy', 'bundle'] as const)
      await signImage({ reference, key: keys.one, format, client });
    const result = await verifyImageSignatures({ reference, keys: pub('stranger'), client });
    expect({ ok: result.ok, failures: reasons(result.failures) }).toEqual({
      ok: false,
      failures: ['signature-mismatch', 'signature-mismatch', 'too-few-signatures'],
    });
  });

  it('tampered payload (a modified layer pushed with the original signature)', async () => {
    const image = await pushImage('e2e/neg', 'tampered');
    const reference = ref('e2e/neg', image.manifest.digest);
    await signImage({ reference, key: keys.one, format: 'legacy', client });
    const { payload, signature } = await firstSignature('e2e/neg', image.manifest.digest);
    const tampered = Buffer.from(payload.toString('utf8').replace('"optional":null', '"optional":{"x":"y"}'));
    expect(tampered.equals(payload)).toEqual(false);
    await putSigImage('e2e/neg', image.manifest.digest, [
      { bytes: tampered, annotations: { [SIGNATURE_ANNOTATION]: signature } },
    ]);
    const result = await verifyImageSignatures({ reference, keys: pub('one'), client });
    expect({ ok: result.ok, failures: reasons(result.failures) }).toEqual({
      ok: false,
      failures: ['signature-mismatch', 'too-few-signatures'],
    });
  });

  it('flipped signature bit', async () => {
    const image = await pushImage('e2e/neg', 'flipped');
    const reference = ref('e2e/neg', image.manifest.digest);
    await signImage({ reference, key: keys.one, format: 'legacy', client });
    const { payload, signature } = await firstSignature('e2e/neg', image.manifest.digest);
    const bytes = Buffer.from(signature, 'base64');
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0x01;
    await putSigImage('e2e/neg', image.manifest.digest, [
      { bytes: payload, annotations: { [SIGNATURE_ANNOTATION]: bytes.toString('base64') } },
    ]);
    const result = await verifyImageSignatures({ reference, keys: pub('one'), client });
    expect(reasons(result.failures)).toEqual(['signature-mismatch', 'too-few-signatures']);
  });

  it('a .sig copied from image A to image B: the signed digest is A’s', async () => {
    const a = await pushImage('e2e/neg', 'copy-a');
    const b = await pushImage('e2e/neg', 'copy-b');
    await signImage({ reference: ref('e2e/neg', 'copy-a'), key: keys.one, format: 'legacy', client });
    const sigA = await client.getManifest('e2e/neg', cosignTag(a.manifest.digest, 'sig'));
    await client.putManifest('e2e/neg', cosignTag(b.manifest.digest, 'sig'), sigA.bytes, sigA.mediaType);
    const result = await verifyImageSignatures({
      reference: ref('e2e/neg', 'copy-b'),
      keys: pub('one'),
      client,
    });
    expect({ ok: result.ok, failures: result.failures.map((f) => [f.reason, f.detail ?? '']) }).toEqual({
      ok: false,
      failures: [
        ['digest-mismatch', a.manifest.digest],
        ['too-few-signatures', '0 of 1'],
      ],
    });
  });

  it('a tag moved after signing: the tag now verifies nothing, the signed digest still does', async () => {
    const original = await pushImage('e2e/moving', 'latest');
    await signImage({ reference: ref('e2e/moving', 'latest'), key: keys.one, format: 'legacy', client });
    await signImage({ reference: ref('e2e/moving', 'latest'), key: keys.one, format: 'bundle', client });
    const other = await pushImage('e2e/moving', 'latest');
    const byTag = await verifyImageSignatures({
      reference: ref('e2e/moving', 'latest'),
      keys: pub('one'),
      client,
    });
    const byDigest = await verifyImageSignatures({
      reference: ref('e2e/moving', original.manifest.digest),
      keys: pub('one'),
      client,
    });
    expect({
      tag: [byTag.ok, byTag.digest, byTag.resolvedFromTag, reasons(byTag.failures)],
      digest: [byDigest.ok, byDigest.verified.length],
    }).toEqual({
      tag: [false, other.manifest.digest, true, ['too-few-signatures']],
      digest: [true, 2],
    });
  });

  it('corrupted .sig images: an index at the tag, a layer without signature, a foreign layer', async () => {
    const image = await pushImage('e2e/neg', 'corrupt');
    const reference = ref('e2e/neg', image.manifest.digest);
    await signImage({ reference, key: keys.one, format: 'bundle', client });
    const tag = cosignTag(image.manifest.digest, 'sig');
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }));
    await client.putManifest('e2e/neg', tag, index, OCI_INDEX);
    const asIndex = await verifyImageSignatures({ reference, keys: pub('one'), client });
    // The bundle still verifies: a broken .sig neither passes nor stops verification.
    expect({ ok: asIndex.ok, failures: asIndex.failures.map((f) => [f.reason, f.detail]) }).toEqual({
      ok: true,
      failures: [['storage-invalid', 'SIGN_STORAGE_INVALID']],
    });

    await putSigImage('e2e/neg', image.manifest.digest, [
      { bytes: Buffer.from('{"critical":{}}'), annotations: {} },
      { bytes: Buffer.from('{"critical":{}}'), annotations: { [SIGNATURE_ANNOTATION]: 'not base64!' } },
      {
        bytes: Buffer.from('text'),
        annotations: { [SIGNATURE_ANNOTATION]: 'AAAA' },
        mediaType: 'text/plain',
      },
    ]);
    await expect(signImage({ reference, key: keys.one, format: 'legacy', client })).resolves.toMatchObject({
      appended: true,
    });
    const damaged = await verifyImageSignatures({ reference, keys: pub('one'), client, formats: ['legacy'] });
    expect({ ok: damaged.ok, count: damaged.verified.length, failures: reasons(damaged.failures) }).toEqual({
      ok: true,
      count: 1,
      failures: ['signature-missing', 'signature-missing', 'unsupported-layer'],
    });
  });

  it('a signature over a non-cosign payload is payload-invalid', async () => {
    const image = await pushImage('e2e/neg', 'not-payload');
    const reference = ref('e2e/neg', image.manifest.digest);
    const payload = Buffer.from('{"critical":{"type":"something else"}}');
    const { signBlob } = await import('../../src/sign/index.ts');
    await putSigImage('e2e/neg', image.manifest.digest, [
      {
        bytes: payload,
        annotations: { [SIGNATURE_ANNOTATION]: signBlob(keys.one, payload).toString('base64') },
      },
    ]);
    const result = await verifyImageSignatures({ reference, keys: pub('one'), client });
    expect(reasons(result.failures)).toEqual(['payload-invalid', 'too-few-signatures']);
  });

  it('a bundle signed for image A attached to image B: the statement subject is A', async () => {
    const a = await pushImage('e2e/neg', 'subject-a');
    const b = await pushImage('e2e/neg', 'subject-b');
    const statement = buildStatement(buildCosignSignStatement(a.manifest.digest));
    const bundle = createDsseBundle(keys.one, IN_TOTO_PAYLOAD_TYPE, statement);
    const manifest = await pushReferrer('e2e/neg', b.manifest, bundle);
    await addToFallbackIndex('e2e/neg', b.manifest.digest, manifest);
    const result = await verifyImageSignatures({
      reference: ref('e2e/neg', 'subject-b'),
      keys: pub('one'),
      client,
    });
    expect(result.failures.map((f) => [f.reason, f.detail])).toEqual([
      ['digest-mismatch', a.manifest.digest],
      ['too-few-signatures', '0 of 1'],
    ]);
  });

  it('a referrer of image A listed in image B’s fallback index: the manifest subject is A', async () => {
    const a = await pushImage('e2e/neg', 'listed-a');
    const b = await pushImage('e2e/neg', 'listed-b');
    const signed = await signImage({
      reference: ref('e2e/neg', 'listed-a'),
      key: keys.one,
      format: 'bundle',
      client,
    });
    const manifest = await client.getManifest('e2e/neg', signed.stored.manifestDigest);
    await addToFallbackIndex('e2e/neg', b.manifest.digest, Buffer.from(manifest.bytes));
    const result = await verifyImageSignatures({
      reference: ref('e2e/neg', 'listed-b'),
      keys: pub('one'),
      client,
    });
    expect(result.failures.map((f) => [f.reason, f.detail])).toEqual([
      ['subject-mismatch', a.manifest.digest],
      ['too-few-signatures', '0 of 1'],
    ]);
  });

  it('required annotations and docker-reference are checked when asked', async () => {
    const image = await pushImage('e2e/claims', 'v1');
    await copyManifest('e2e/claims', 'e2e/claims-copy', image.manifest.digest, 'v1');
    const reference = ref('e2e/claims', image.manifest.digest);
    await signImage({ reference, key: keys.one, format: 'legacy', annotations: { env: 'prod' }, client });
    await signImage({ reference, key: keys.one, format: 'bundle', annotations: { env: 'prod' }, client });
    const prod = await verifyImageSignatures({
      reference,
      keys: pub('one'),
      annotations: { env: 'prod' },
      client,
    });
    const dev = await verifyImageSignatures({
      reference,
      keys: pub('one'),
      annotations: { env: 'dev' },
      client,
    });
    const extra = await verifyImageSignatures({
      reference,
      keys: pub('one'),
      annotations: { team: 'x' },
      client,
    });
    expect([prod.verified.length, reasons(dev.failures), reasons(extra.failures)]).toEqual([
      2,
      ['annotation-mismatch', 'annotation-mismatch', 'too-few-signatures'],
      ['annotation-mismatch', 'annotation-mismatch', 'too-few-signatures'],
    ]);

    // The same digest in another repository, with the .sig copied over: the signature names e2e/claims.
    await copyManifest(
      'e2e/claims',
      'e2e/claims-copy',
      cosignTag(image.manifest.digest, 'sig'),
      cosignTag(image.manifest.digest, 'sig'),
    );
    const copyRef = ref('e2e/claims-copy', image.manifest.digest);
    const lax = await verifyImageSignatures({
      reference: copyRef,
      keys: pub('one'),
      formats: ['legacy'],
      client,
    });
    const strict = await verifyImageSignatures({
      reference: copyRef,
      keys: pub('one'),
      formats: ['legacy'],
      checkDockerReference: true,
      client,
    });
    expect([lax.ok, strict.ok, strict.failures.map((f) => [f.reason, f.detail])]).toEqual([
      true,
      false,
      [
        ['docker-reference-mismatch', `${registry.host}/e2e/claims`],
        ['too-few-signatures', '0 of 1'],
      ],
    ]);
  });
});

describe('attestations', () => {
  const sbom = Buffer.from('{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":"openssl"}]}');

  it('attests in both formats and verifies by type, with a condition hook', async () => {
    const image = await pushImage('e2e/attest', 'v1');
    const reference = ref('e2e/attest', 'v1');
    const legacy = await attestImage({
      reference,
      key: keys.one,
      type: 'cyclonedx',
      predicate: sbom,
      format: 'legacy',
      client,
      now: FIXED_NOW,
    });
    await attestImage({
      reference,
      key: keys.one,
      type: 'cyclonedx',
      predicate: sbom,
      format: 'bundle',
      client,
      now: FIXED_NOW,
    });
    await attestImage({
      reference,
      key: keys.one,
      type: 'custom',
      predicate: Buffer.from('hello'),
      format: 'legacy',
      client,
      now: FIXED_NOW,
    });
    expect(legacy.stored.tag).toEqual(cosignTag(image.manifest.digest, 'att'));
    const att = asManifest(await client.getManifest('e2e/attest', cosignTag(image.manifest.digest, 'att')));
    expect(att.manifest.layers.map((l) => [l.mediaType, l.annotations])).toEqual([
      [
        'application/vnd.dsse.envelope.v1+json',
        { [SIGNATURE_ANNOTATION]: '', predicateType: PREDICATE_TYPES.cyclonedx },
      ],
      [
        'application/vnd.dsse.envelope.v1+json',
        { [SIGNATURE_ANNOTATION]: '', predicateType: PREDICATE_TYPES.custom },
      ],
    ]);

    const all = await verifyImageAttestations({ reference, keys: pub('one'), type: 'cyclonedx', client });
    expect({
      ok: all.ok,
      predicateType: all.predicateType,
      formats: all.verified.map((v) => v.format).sort(),
      predicates: all.verified.map((v) => v.statement.predicate),
      failures: all.failures,
    }).toEqual({
      ok: true,
      predicateType: PREDICATE_TYPES.cyclonedx,
      formats: ['bundle', 'legacy'],
      predicates: [JSON.parse(sbom.toString()), JSON.parse(sbom.toString())],
      failures: [],
    });

    const rejected = await verifyImageAttestations({
      reference,
      keys: pub('one'),
      type: 'cyclonedx',
      condition: (statement) => JSON.stringify(statement.predicate).includes('"name":"openssl"') === false,
      client,
    });
    expect({ ok: rejected.ok, failures: reasons(rejected.failures) }).toEqual({
      ok: false,
      failures: ['condition-failed', 'condition-failed', 'too-few-signatures'],
    });
    const custom = await verifyImageAttestations({ reference, keys: pub('one'), type: 'custom', client });
    const none = await verifyImageAttestations({ reference, keys: pub('one'), type: 'spdxjson', client });
    const wrongKey = await verifyImageAttestations({
      reference,
      keys: pub('two'),
      type: 'cyclonedx',
      client,
    });
    expect([custom.verified.length, none.ok, reasons(none.failures), reasons(wrongKey.failures)]).toEqual([
      1,
      false,
      ['too-few-signatures'],
      ['signature-mismatch', 'signature-mismatch', 'too-few-signatures'],
    ]);
  });

  it('--replace drops earlier attestations of the same type (legacy)', async () => {
    const image = await pushImage('e2e/attest', 'replace');
    const reference = ref('e2e/attest', image.manifest.digest);
    for (const text of ['{"v":1}', '{"v":2}']) {
      await attestImage({
        reference,
        key: keys.one,
        type: 'https://example.com/p',
        predicate: Buffer.from(text),
        format: 'legacy',
        replace: true,
        client,
      });
    }
    const result = await verifyImageAttestations({
      reference,
      keys: pub('one'),
      type: 'https://example.com/p',
      client,
    });
    expect(result.verified.map((v) => v.statement.predicate)).toEqual([{ v: 2 }]);
  });
});

describe('cache', () => {
  it('serves a passing result by digest, never a failing one unless told', async () => {
    const image = await pushImage('e2e/cache', 'v1');
    const reference = ref('e2e/cache', 'v1');
    const cache = new VerificationCache<SignatureVerdict>({ ttlMs: 60_000 });
    const cold = await verifyImageSignatures({ reference, keys: pub('one'), client, cache });
    await signImage({ reference, key: keys.one, format: 'legacy', client });
    const signed = await verifyImageSignatures({ reference, keys: pub('one'), client, cache });
    const warm = await verifyImageSignatures({
      reference: ref('e2e/cache', image.manifest.digest),
      keys: pub('one'),
      client,
      cache,
    });
    const otherKey = await verifyImageSignatures({ reference, keys: pub('two'), client, cache });
    expect([
      [cold.ok, cold.fromCache],
      [signed.ok, signed.fromCache],
      [warm.ok, warm.fromCache, warm.resolvedFromTag],
      [otherKey.ok, otherKey.fromCache],
    ]).toEqual([
      [false, false],
      [true, false],
      [true, true, false],
      [false, false],
    ]);
  });
});

/** Adds a referrer manifest to a subject's fallback index, as a careless or hostile writer might. */
async function addToFallbackIndex(repository: string, subject: string, manifest: Buffer): Promise<void> {
  const tag = `sha256-${subject.slice(7)}`;
  let manifests: Descriptor[] = [];
  try {
    const existing = await client.getManifest(repository, tag);
    if (existing.kind === 'index') manifests = [...existing.index.manifests];
  } catch {
    manifests = [];
  }
  manifests.push({
    mediaType: OCI_MANIFEST,
    size: manifest.length,
    digest: digestOf(manifest),
    artifactType: BUNDLE_V03_MEDIA_TYPE,
  });
  await client.putManifest(
    repository,
    tag,
    Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests })),
    OCI_INDEX,
  );
}

/** Copies blobs and a manifest (same digest) from one repository to another. */
async function copyManifest(from: string, to: string, reference: string, tag: string): Promise<void> {
  const fetched = asManifest(await client.getManifest(from, reference));
  for (const d of [fetched.manifest.config, ...fetched.manifest.layers]) {
    const bytes = await client.getBlobBytes(from, d);
    await client.pushBlob(to, { digest: d.digest, size: d.size, bytes }, { mountFrom: from });
  }
  await client.putManifest(to, tag, fetched.bytes, fetched.mediaType);
}

/** @sigstore/verify with the public key as its only trust material (no logs, CAs or timestamps). */
function sigstoreVerify(json: unknown, publicKey: PublicKey, hint = publicKey.hint): string {
  const bundle = bundleFromJSON(json);
  const root = { mediaType: '', certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [] };
  const trust = toTrustMaterial(
    root as unknown as Parameters<typeof toTrustMaterial>[0],
    (wanted: string) => {
      if (wanted !== hint) throw new Error(`unknown key hint ${wanted}`);
      return { publicKey: createPublicKey(publicKey.pem), validFor: () => true };
    },
  );
  const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  try {
    verifier.verify(toSignedEntity(bundle));
    return 'verified';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe('token auth over TLS', () => {
  it('signs and verifies both formats with push-scoped bearer tokens; skopeo reads the image', async () => {
    const secure = await startRegistry({ auth: 'token', tls: true });
    const secureClient = new RegistryClient({
      registry: secure.host,
      caPems: [secure.caPem ?? ''],
      credentials: async () => ({
        kind: 'basic',
        username: secure.username ?? '',
        password: secure.password ?? '',
      }),
    });
    try {
      const blobs = new OciBlobs();
      const image = blobs.image([buildLayer([{ name: 'tls.txt', body: 'tls\n' }])]);
      await pushBuiltImage(secureClient, 'e2e/tls', blobs, image.manifest, 'v1');
      const reference = `${secure.host}/e2e/tls:v1`;
      await signImage({ reference, key: keys.one, format: 'legacy', client: secureClient });
      await signImage({ reference, key: keys.two, format: 'bundle', client: secureClient });
      const result = await verifyImageSignatures({
        reference,
        keys: pub('one', 'two'),
        minSignatures: 2,
        client: secureClient,
      });
      const { stdout } = await run(
        'skopeo',
        [
          'inspect',
          '--raw',
          '--cert-dir',
          secure.certDir ?? '',
          '--creds',
          `${secure.username ?? ''}:${secure.password ?? ''}`,
          `docker://${reference}`,
        ],
        { encoding: 'buffer' },
      );
      expect({
        ok: result.ok,
        formats: result.verified.map((v) => v.format).sort(),
        skopeo: digestOf(stdout),
        pushScopes: secure.tokenRequests.some((r) => r.scopes.includes('repository:e2e/tls:pull,push')),
      }).toEqual({
        ok: true,
        formats: ['bundle', 'legacy'],
        skopeo: image.manifest.digest,
        pushScopes: true,
      });
    } finally {
      await secureClient.close();
      await secure.stop();
    }
  });
});
