// The `.sig` image Bosun builds is byte-identical to what cosign (go-containerregistry) pushed in
// the wild: the manifests below were captured from real cosign-signed repositories (a config of
// a zero-time image, and one stamped by cosign ≥ 2 with the signing time).
import { describe, expect, it } from 'vitest';
import { parseManifestBytes } from '../../image/index.ts';
import { digestOf } from '../../util/digest.ts';
import { isBosunError } from '../../util/errors.ts';
import { SIMPLE_SIGNING_MEDIA_TYPE } from '../simple-signing.ts';
import { cosignTag, SIGNATURE_ANNOTATION } from './constants.ts';
import {
  buildSignatureImage,
  GO_ZERO_TIME,
  sameLayer,
  signatureLayers,
  type SignatureLayerDescriptor,
} from './signature-image.ts';

const COSIGN_OUTPUTS = [
  {
    name: 'zero created time',
    created: GO_ZERO_TIME,
    layer: {
      size: 245,
      digest: 'sha256:3a29d26a2fc848d25ccf9c2288194ca90599e70ef69087644f186e5e7331f28b',
      signature:
        'MEUCIEB+pz4s+9yxG+Om/bukeAfwloKFEISUhxLvIYlP02P8AiEAz1oNkilC+cprxcrEHqN0vxM+zvP34ikHFzi8e7Sevls=',
    },
    configDigest: 'sha256:2122b6ad0794d3fdae43a4b477cf1d95d4a38d3c5f10631e199676039b876e37',
    configSize: 233,
  },
  {
    name: 'signing time stamped by cosign 2',
    created: '2023-02-17T09:25:33.91047962-08:00',
    layer: {
      size: 252,
      digest: 'sha256:b671489ededd1a180bd87235bba00fd83354f9c7d13b71d9f8b66a8e52965ebc',
      signature:
        'MEYCIQCPH7NJAIfrB6BZN91dV0o7l/i11muXrvrAh100jDMMhAIhAPsLH0oXb2OPITXRpWBMUd3vHtz5Ks5pql2Hr6t/IJXw',
    },
    configDigest: 'sha256:85ad8e17d3d7c00664855c638832bd99f32d42542c2d587851410a45a7f60b95',
    configSize: 247,
  },
];

function layer(digest: string, annotations: Record<string, string> = {}): SignatureLayerDescriptor {
  return { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, digest, size: 10, annotations };
}

const D1 = digestOf(Buffer.from('one'));
const D2 = digestOf(Buffer.from('two'));

describe('buildSignatureImage', () => {
  it.each(COSIGN_OUTPUTS)('matches cosign byte for byte ($name)', (fixture) => {
    const built = buildSignatureImage(
      [
        {
          mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
          digest: fixture.layer.digest,
          size: fixture.layer.size,
          annotations: { [SIGNATURE_ANNOTATION]: fixture.layer.signature },
        },
      ],
      fixture.created,
    );
    const expectedManifest =
      `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":` +
      `"application/vnd.oci.image.config.v1+json","size":${fixture.configSize},"digest":"${fixture.configDigest}"},` +
      `"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":${fixture.layer.size},` +
      `"digest":"${fixture.layer.digest}","annotations":{"dev.cosignproject.cosign/signature":"${fixture.layer.signature}"}}]}`;
    expect({
      configDigest: built.configDigest,
      configSize: built.config.byteLength,
      manifest: Buffer.from(built.manifest).toString('utf8'),
      manifestDigest: built.manifestDigest,
    }).toEqual({
      configDigest: fixture.configDigest,
      configSize: fixture.configSize,
      manifest: expectedManifest,
      manifestDigest: digestOf(Buffer.from(expectedManifest)),
    });
  });

  it('lists one history entry and diff_id per layer, annotations sorted as Go sorts map keys', () => {
    const built = buildSignatureImage([layer(D1, { b: '2', a: '<&>' }), layer(D2)]);
    const config = JSON.parse(Buffer.from(built.config).toString('utf8')) as Record<string, unknown>;
    const manifestText = Buffer.from(built.manifest).toString('utf8');
    expect({
      history: config['history'],
      rootfs: config['rootfs'],
      annotations: /"annotations":(\{[^}]*\})/.exec(manifestText)?.[1],
    }).toEqual({
      history: [{ created: GO_ZERO_TIME }, { created: GO_ZERO_TIME }],
      rootfs: { type: 'layers', diff_ids: [D1, D2] },
      annotations: '{"a":"\\u003c\\u0026\\u003e","b":"2"}',
    });
  });

  it('round-trips through the image manifest parser', () => {
    const layers = [layer(D1, { [SIGNATURE_ANNOTATION]: 'AAAA' }), layer(D2)];
    const built = buildSignatureImage(layers);
    const parsed = parseManifestBytes(built.manifest, built.manifestDigest, 'sig');
    expect(signatureLayers(parsed, 'sig')).toEqual(layers);
  });
});

describe('signatureLayers', () => {
  const index = parseManifestBytes(
    Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}'),
    D1,
    'idx',
  );
  const three = buildSignatureImage([layer(D1), layer(D2), layer(D1)]);
  const parsedThree = parseManifestBytes(three.manifest, three.manifestDigest, 'sig');

  it.each([
    ['an index', () => signatureLayers(index, 'x'), 'SIGN_STORAGE_INVALID'],
    ['more layers than allowed', () => signatureLayers(parsedThree, 'x', { maxLayers: 2 }), 'LIMIT_EXCEEDED'],
  ])('%s is %s', (_name, run, code) => {
    let caught: unknown;
    try {
      run();
    } catch (error) {
      caught = error;
    }
    expect(isBosunError(caught) ? caught.code : caught).toEqual(code);
  });
});

describe('sameLayer and cosignTag', () => {
  it.each([
    [layer(D1, { a: '1' }), layer(D1, { a: '1' }), true],
    [layer(D1, { a: '1' }), layer(D1, { a: '2' }), false],
    [layer(D1, { a: '1' }), layer(D1, { a: '1', b: '' }), false],
    [layer(D1), layer(D2), false],
    [layer(D1), { ...layer(D1), mediaType: 'text/plain' }, false],
  ])('sameLayer #%# is %s', (a, b, same) => {
    expect([sameLayer(a, b), sameLayer(b, a)]).toEqual([same, same]);
  });

  it('names the tags as cosign does', () => {
    expect([cosignTag(D1, 'sig'), cosignTag(D1, 'att')]).toEqual([
      `sha256-${D1.slice(7)}.sig`,
      `sha256-${D1.slice(7)}.att`,
    ]);
  });
});
