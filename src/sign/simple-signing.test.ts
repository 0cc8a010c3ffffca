import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goMarshal } from '../../test/support/go-json.ts';
import { mutatedText, valueOrBosunError } from '../../test/support/parser-property.ts';
import type { JsonValue } from './json/go-json.ts';
import {
  buildSimpleSigningPayload,
  parseSimpleSigningPayload,
  type SimpleSigningPayload,
} from './simple-signing.ts';

const DIGEST = 'sha256:9494e567c7c44e8b9f8808c1658a47c9b7979ef3cceef10f48754fc2706802ba';

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code';
  }
}

describe('buildSimpleSigningPayload', () => {
  it('writes the payload cosign signs, byte for byte (no annotations → "optional":null)', () => {
    const bytes = buildSimpleSigningPayload({
      dockerReference: 'us-docker.pkg.dev/confidential-space-images-dev/cs-cosign-tests/base',
      manifestDigest: DIGEST,
      annotations: null,
    });
    // A payload cosign produced, as published in third-party tests of cosign signatures.
    expect(bytes.toString()).toEqual(
      '{"critical":{"identity":{"docker-reference":"us-docker.pkg.dev/confidential-space-images-dev/cs-cosign-tests/base"},' +
        '"image":{"docker-manifest-digest":"sha256:9494e567c7c44e8b9f8808c1658a47c9b7979ef3cceef10f48754fc2706802ba"},' +
        '"type":"cosign container image signature"},"optional":null}',
    );
  });

  it('matches Go json.Marshal of the payload struct for random annotations', async () => {
    const cases: SimpleSigningPayload[] = fc
      .sample(
        fc.record({
          reference: fc.constantFrom(
            'index.docker.io/library/nginx',
            '127.0.0.1:5000/a/b',
            'ghcr.io/x/y:1.0',
          ),
          annotations: fc.option(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), { nil: null }),
        }),
        100,
      )
      .map(({ reference, annotations }) => ({
        dockerReference: reference,
        manifestDigest: DIGEST,
        annotations:
          annotations === null
            ? null
            : (JSON.parse(JSON.stringify(annotations)) as Record<string, JsonValue>),
      }));
    cases.push({
      dockerReference: 'r/x',
      manifestDigest: DIGEST,
      annotations: { '<b>': 'a&b', sig: '\u2028' },
    });
    cases.push({ dockerReference: 'r/x', manifestDigest: DIGEST, annotations: {} });
    const go = await goMarshal(
      cases.map((c) => ({
        mode: 'payload',
        value: {
          critical: {
            identity: { 'docker-reference': c.dockerReference },
            image: { 'docker-manifest-digest': c.manifestDigest },
            type: 'cosign container image signature',
          },
          optional: c.annotations,
        },
      })),
    );
    expect(cases.map((c) => buildSimpleSigningPayload(c).toString())).toEqual(go);
  });

  it.each([
    [
      'empty reference',
      { dockerReference: '', manifestDigest: DIGEST, annotations: null },
      'SIGN_PAYLOAD_INVALID',
    ],
    [
      'space in reference',
      { dockerReference: 'a b', manifestDigest: DIGEST, annotations: null },
      'SIGN_PAYLOAD_INVALID',
    ],
    [
      'bad digest',
      { dockerReference: 'a/b', manifestDigest: 'sha256:abc', annotations: null },
      'IMAGE_DIGEST_INVALID',
    ],
  ])('refuses %s', (_name, payload, code) => {
    expect(codeOf(() => buildSimpleSigningPayload(payload))).toEqual(code);
  });
});

describe('parseSimpleSigningPayload', () => {
  it('round-trips what it builds', () => {
    const payload = {
      dockerReference: 'ghcr.io/a/b',
      manifestDigest: DIGEST,
      annotations: { team: 'x', n: 1 },
    };
    expect(parseSimpleSigningPayload(buildSimpleSigningPayload(payload))).toEqual(payload);
  });

  it('reads old capitalised field names, as Go does', () => {
    const old = `{"Critical":{"Identity":{"docker-reference":"a/b"},"Image":{"Docker-manifest-digest":"${DIGEST}"},"Type":"cosign container image signature"},"Optional":null}`;
    expect(parseSimpleSigningPayload(old)).toEqual({
      dockerReference: 'a/b',
      manifestDigest: DIGEST,
      annotations: null,
    });
  });

  it.each([
    [
      'wrong type',
      `{"critical":{"identity":{"docker-reference":"a/b"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"other"}}`,
    ],
    ['no critical', '{"optional":null}'],
    [
      'digest not sha256',
      '{"critical":{"identity":{"docker-reference":"a/b"},"image":{"docker-manifest-digest":"md5:00"},"type":"cosign container image signature"}}',
    ],
    [
      'reference not a string',
      `{"critical":{"identity":{"docker-reference":1},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature"}}`,
    ],
    [
      'optional is an array',
      `{"critical":{"identity":{"docker-reference":"a"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature"},"optional":[]}`,
    ],
    ['not JSON', '{"critical":'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d])],
  ])('refuses %s with SIGN_PAYLOAD_INVALID', (_name, input) => {
    expect(codeOf(() => parseSimpleSigningPayload(input))).toEqual('SIGN_PAYLOAD_INVALID');
  });

  it('refuses payloads above the size limit before parsing', () => {
    expect(codeOf(() => parseSimpleSigningPayload(`${' '.repeat(200)}{}`, { maxBytes: 100 }))).toEqual(
      'LIMIT_EXCEEDED',
    );
    expect(codeOf(() => parseSimpleSigningPayload('['.repeat(100_000)))).toEqual('LIMIT_EXCEEDED');
  });

  it('random or mutated payloads yield a value or a BosunError', () => {
    const seed = buildSimpleSigningPayload({
      dockerReference: 'a/b',
      manifestDigest: DIGEST,
      annotations: { k: 'v' },
    }).toString();
    fc.assert(
      fc.property(mutatedText(seed), (text) => {
        valueOrBosunError(() => parseSimpleSigningPayload(text), ['SIGN_PAYLOAD_INVALID', 'LIMIT_EXCEEDED']);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        valueOrBosunError(() => parseSimpleSigningPayload(bytes), ['SIGN_PAYLOAD_INVALID', 'LIMIT_EXCEEDED']);
      }),
      { numRuns: 500 },
    );
  });
});
