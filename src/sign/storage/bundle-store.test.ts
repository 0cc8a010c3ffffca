// The bundle referrer manifest and which referrer-list entries must be opened to find bundles.
import { describe, expect, it } from 'vitest';
import { parseManifestBytes, type Descriptor } from '../../image/index.ts';
import { digestOf } from '../../util/digest.ts';
import { BUNDLE_V03_MEDIA_TYPE } from '../bundle.ts';
import { PREDICATE_TYPES } from '../in-toto.ts';
import { buildBundleManifest, isBundleMediaType, mayBeBundleReferrer } from './bundle-store.ts';

const SUBJECT: Descriptor = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: digestOf(Buffer.from('image')),
  size: 1234,
};
const BUNDLE = digestOf(Buffer.from('bundle'));
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

describe('buildBundleManifest', () => {
  it('writes cosign v3’s referrer: empty config, one titled bundle layer, subject, artifactType', () => {
    const bytes = buildBundleManifest(SUBJECT, BUNDLE, 99, PREDICATE_TYPES.sign, '2025-01-02T03:04:05Z');
    const parsed = parseManifestBytes(bytes, digestOf(bytes), 'referrer');
    expect(parsed.kind === 'manifest' ? parsed.manifest : undefined).toEqual({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: BUNDLE_V03_MEDIA_TYPE,
      config: {
        mediaType: 'application/vnd.oci.empty.v1+json',
        size: 2,
        digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
      },
      layers: [
        {
          mediaType: BUNDLE_V03_MEDIA_TYPE,
          size: 99,
          digest: BUNDLE,
          annotations: { 'org.opencontainers.image.title': `sha256-${BUNDLE.slice(7)}.sigstore.json` },
        },
      ],
      annotations: {
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': PREDICATE_TYPES.sign,
        'org.opencontainers.image.created': '2025-01-02T03:04:05Z',
      },
      subject: SUBJECT,
    });
    // go-containerregistry's field order: v1.Manifest fields, then cosign's artifactType.
    expect(Object.keys(JSON.parse(bytes.toString()) as object)).toEqual([
      'schemaVersion',
      'mediaType',
      'config',
      'layers',
      'annotations',
      'subject',
      'artifactType',
    ]);
  });
});

describe('bundle media types', () => {
  it.each([
    [BUNDLE_V03_MEDIA_TYPE, true],
    ['application/vnd.dev.sigstore.bundle.v0.2+json', true],
    ['application/vnd.dev.sigstore.bundle+json;version=0.3', true],
    ['application/vnd.dev.sigstore.bundle+json; version=0.1', true],
    ['application/vnd.dev.sigstore.bundle+json', true],
    ['application/vnd.dev.sigstore.bundle.v0.3+json;x', false],
    ['application/vnd.dev.cosign.simplesigning.v1+json', false],
    ['', false],
    [undefined, false],
  ])('%j → %s', (type, expected) => {
    expect(isBundleMediaType(type)).toEqual(expected);
  });

  // Entries go-containerregistry and cosign write into the fallback index must not be filtered out.
  it.each<[Partial<Descriptor>, boolean]>([
    [{ artifactType: BUNDLE_V03_MEDIA_TYPE }, true],
    [{ artifactType: 'application/vnd.oci.empty.v1+json' }, true],
    [{ artifactType: '' }, true],
    [{}, true],
    [{ artifactType: 'application/spdx+json' }, false],
    [{ artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' }, false],
    [{ mediaType: 'application/vnd.oci.image.index.v1+json' }, false],
    [{ mediaType: 'application/vnd.docker.distribution.manifest.v2+json' }, true],
  ])('candidate %j → %s', (fields, expected) => {
    expect(mayBeBundleReferrer({ mediaType: OCI_MANIFEST, digest: BUNDLE, size: 1, ...fields })).toEqual(
      expected,
    );
  });
});
