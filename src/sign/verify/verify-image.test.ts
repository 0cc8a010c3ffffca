// Property: whatever anyone with push access stores as a `.sig` layer or a bundle referrer, the
// verifier returns a value (never throws, never passes a forgery). Runs on the real registry.
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../../../test/builders/layer.ts';
import { OciBlobs } from '../../../test/builders/oci-image.ts';
import { mutatedBytes, mutatedText } from '../../../test/support/parser-property.ts';
import { pushBuiltImage } from '../../../test/support/push-image.ts';
import { startRegistry, type TestRegistry } from '../../../test/support/registry.ts';
import { RegistryClient } from '../../image/index.ts';
import { digestOf } from '../../util/digest.ts';
import { createDsseBundle } from '../bundle.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../dsse.ts';
import { buildCosignSignStatement, buildStatement, PREDICATE_TYPES } from '../in-toto.ts';
import { loadPrivateKey, type PrivateKey } from '../keys/index.ts';
import { signBlob } from '../signature.ts';
import { buildSimpleSigningPayload, SIMPLE_SIGNING_MEDIA_TYPE } from '../simple-signing.ts';
import {
  buildBundleManifest,
  buildSignatureImage,
  cosignTag,
  SIGNATURE_ANNOTATION,
} from '../storage/index.ts';
import { verifyImageSignatures } from './verify-image.ts';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
let registry: TestRegistry;
let client: RegistryClient;
let key: PrivateKey;
let digest: string;
let size: number;
const REPO = 'prop/app';

beforeAll(async () => {
  registry = await startRegistry({ auth: 'none' });
  client = new RegistryClient({ registry: registry.host, insecure: true });
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  key = await loadPrivateKey(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const blobs = new OciBlobs();
  const image = blobs.image([buildLayer([{ name: 'a.txt', body: 'a\n' }])]);
  await pushBuiltImage(client, REPO, blobs, image.manifest, 'v1');
  digest = image.manifest.digest;
  size = image.manifest.size;
});
afterAll(async () => {
  await client?.close();
  await registry?.stop();
});

async function push(bytes: Uint8Array): Promise<string> {
  const d = digestOf(bytes);
  await client.pushBlob(REPO, { digest: d, size: bytes.byteLength, bytes });
  return d;
}

describe('verifyImageSignatures over hostile storage', () => {
  it('mutated .sig layers: a value, and never a pass unless payload and signature are the signed ones', async () => {
    const payload = buildSimpleSigningPayload({
      dockerReference: `${registry.host}/${REPO}`,
      manifestDigest: digest,
      annotations: null,
    });
    const signature = signBlob(key, payload).toString('base64');
    await fc.assert(
      fc.asyncProperty(
        // A plain Uint8Array seed: Buffer#slice shares memory, so edits would corrupt `payload`.
        mutatedBytes(new Uint8Array(payload)),
        mutatedText(signature),
        fc.constantFrom(SIMPLE_SIGNING_MEDIA_TYPE, 'application/octet-stream'),
        async (bytes, sig, mediaType) => {
          const layerDigest = await push(bytes);
          const image = buildSignatureImage([
            {
              mediaType,
              digest: layerDigest,
              size: bytes.byteLength,
              annotations: { [SIGNATURE_ANNOTATION]: sig },
            },
          ]);
          await push(image.config);
          await client.putManifest(REPO, cosignTag(digest, 'sig'), image.manifest, OCI_MANIFEST);
          const result = await verifyImageSignatures({
            reference: `${registry.host}/${REPO}@${digest}`,
            keys: [key.publicKey],
            formats: ['legacy'],
            client,
          });
          const genuine =
            Buffer.from(bytes).equals(payload) &&
            sig.replace(/[\r\n]/g, '') === signature &&
            mediaType === SIMPLE_SIGNING_MEDIA_TYPE;
          expect(result.ok).toEqual(genuine);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('mutated bundle referrers: a value, and a pass only for the signed statement', async () => {
    const statement = buildStatement(buildCosignSignStatement(digest));
    const bundle = createDsseBundle(key, IN_TOTO_PAYLOAD_TYPE, statement);
    await push(new Uint8Array([0x7b, 0x7d]));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(mutatedText(bundle.toString('utf8')), async (text) => {
        const bytes = Buffer.from(text, 'utf8');
        const layerDigest = await push(bytes);
        // A distinct created stamp per run gives each referrer its own manifest digest.
        const manifest = buildBundleManifest(
          { mediaType: OCI_MANIFEST, digest, size },
          layerDigest,
          bytes.byteLength,
          PREDICATE_TYPES.sign,
          `2025-01-01T00:00:${String(run++ % 60).padStart(2, '0')}Z`,
        );
        // Only this run's referrer is listed: the fallback index is rewritten each time.
        await client.putManifest(REPO, digestOf(manifest), manifest, OCI_MANIFEST, {
          updateReferrersTag: false,
        });
        const index = Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: 'application/vnd.oci.image.index.v1+json',
            manifests: [{ mediaType: OCI_MANIFEST, digest: digestOf(manifest), size: manifest.length }],
          }),
        );
        await client.putManifest(
          REPO,
          `sha256-${digest.slice(7)}`,
          index,
          'application/vnd.oci.image.index.v1+json',
        );
        const result = await verifyImageSignatures({
          reference: `${registry.host}/${REPO}@${digest}`,
          keys: [key.publicKey],
          formats: ['bundle'],
          client,
        });
        // Unsigned fields (the key hint, timestamps) may change; what passes is always the signed statement.
        if (result.ok) expect(result.verified.map((v) => v.payloadBytes)).toEqual([statement]);
      }),
      { numRuns: 40 },
    );
  });
});
