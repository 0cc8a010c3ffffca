// Trusted root parsing: the mock services' root, field-by-field refusals, limits, and the
// property "a value or a BosunError" over mutated roots.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutatedText, valueOrBosunError } from '../../../test/support/parser-property.ts';
import { startSigstoreServices, type SigstoreServices } from '../../../test/support/sigstore-services.ts';
import { isBosunError } from '../../util/errors.ts';
import { parseTrustedRoot, type ParseTrustedRootOptions } from './trusted-root.ts';

let services: SigstoreServices;
let root: Record<string, unknown>;

beforeAll(async () => {
  services = await startSigstoreServices();
  root = JSON.parse(services.trustedRoot()) as Record<string, unknown>;
});
afterAll(async () => {
  await services?.stop();
});

function codeOf(run: () => unknown): unknown {
  try {
    run();
    return 'ok';
  } catch (error) {
    return isBosunError(error) ? [error.code, error.details['field'] ?? error.details['limit']] : error;
  }
}

describe('parseTrustedRoot', () => {
  it('reads a root naming one CA, one Rekor key and one CT log', () => {
    const parsed = parseTrustedRoot(services.trustedRoot());
    expect({
      mediaType: parsed.mediaType,
      counts: [parsed.certificateAuthorities, parsed.tlogs, parsed.ctlogs, parsed.timestampAuthorities],
      material: [parsed.material.certificateAuthorities.length, parsed.material.tlogs.length],
      fingerprint: /^[0-9a-f]{64}$/.test(parsed.fingerprint),
    }).toEqual({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      counts: [1, 1, 1, 0],
      material: [1, 1],
      fingerprint: true,
    });
  });

  const edit = (change: (r: Record<string, unknown>) => void): string => {
    const copy = structuredClone(root);
    change(copy);
    return JSON.stringify(copy);
  };
  const tlog = (r: Record<string, unknown>): Record<string, Record<string, unknown>> =>
    (r['tlogs'] as Record<string, Record<string, unknown>>[])[0] as Record<string, Record<string, unknown>>;

  it.each<[string, () => string, ParseTrustedRootOptions, unknown]>([
    [
      'v0.2 media type',
      () => edit((r) => (r['mediaType'] = 'application/vnd.dev.sigstore.trustedroot.v0.2+json')),
      {},
      'ok',
    ],
    [
      'another media type',
      () => edit((r) => (r['mediaType'] = 'application/json')),
      {},
      ['SIGN_TRUSTED_ROOT_INVALID', 'mediaType'],
    ],
    ['an array', () => '[]', {}, ['SIGN_TRUSTED_ROOT_INVALID', 'not a JSON object']],
    ['not JSON', () => '{', {}, ['SIGN_TRUSTED_ROOT_INVALID', undefined]],
    [
      'no CA',
      () => edit((r) => (r['certificateAuthorities'] = [])),
      {},
      ['SIGN_TRUSTED_ROOT_INVALID', 'certificateAuthorities: none'],
    ],
    ['no tlog', () => edit((r) => delete r['tlogs']), {}, ['SIGN_TRUSTED_ROOT_INVALID', 'tlogs: none']],
    ['tlogs not a list', () => edit((r) => (r['tlogs'] = {})), {}, ['SIGN_TRUSTED_ROOT_INVALID', 'tlogs']],
    [
      'a log key that is not base64',
      () => edit((r) => (tlog(r)['publicKey'] = { ...tlog(r)['publicKey'], rawBytes: '!!' })),
      {},
      ['SIGN_TRUSTED_ROOT_INVALID', 'tlogs[0].publicKey.rawBytes'],
    ],
    [
      'a log key that is not a key',
      () => edit((r) => (tlog(r)['publicKey'] = { ...tlog(r)['publicKey'], rawBytes: 'AAAA' })),
      {},
      ['SIGN_TRUSTED_ROOT_INVALID', 'certificates or keys'],
    ],
    [
      'an unknown key type',
      () => edit((r) => (tlog(r)['publicKey'] = { ...tlog(r)['publicKey'], keyDetails: 'ROT13' })),
      {},
      ['SIGN_TRUSTED_ROOT_INVALID', 'certificates or keys'],
    ],
    [
      'a bad validity time',
      () =>
        edit((r) => (tlog(r)['publicKey'] = { ...tlog(r)['publicKey'], validFor: { start: 'yesterday' } })),
      {},
      ['SIGN_TRUSTED_ROOT_INVALID', 'tlogs[0].publicKey.validFor.start'],
    ],
    [
      'no logId',
      () => edit((r) => delete tlog(r)['logId']),
      {},
      ['SIGN_TRUSTED_ROOT_INVALID', 'tlogs[0].logId.keyId'],
    ],
    [
      'a CA certificate that is not DER',
      () =>
        edit(
          (r) =>
            ((r['certificateAuthorities'] as Record<string, unknown>[])[0] = {
              certChain: { certificates: [{ rawBytes: 'AAAA' }] },
            }),
        ),
      {},
      ['SIGN_TRUSTED_ROOT_INVALID', 'certificates or keys'],
    ],
    [
      'an empty CA chain',
      () =>
        edit(
          (r) =>
            ((r['certificateAuthorities'] as Record<string, unknown>[])[0] = {
              certChain: { certificates: [] },
            }),
        ),
      {},
      ['SIGN_TRUSTED_ROOT_INVALID', 'certificateAuthorities[0].certChain.certificates'],
    ],
    [
      'more logs than allowed',
      () => edit((r) => (r['tlogs'] = [tlog(r), tlog(r), tlog(r)])),
      { maxEntries: 2 },
      ['LIMIT_EXCEEDED', 'tlogs'],
    ],
    [
      'a file over the size limit',
      () => services.trustedRoot(),
      { maxBytes: 100 },
      ['LIMIT_EXCEEDED', 'bytes'],
    ],
  ])('%s → %j', (_name, text, options, expected) => {
    expect(codeOf(() => parseTrustedRoot(text(), options))).toEqual(expected);
  });

  it('returns a value or a BosunError for any mutation of a valid root', () => {
    const seed = services.trustedRoot();
    fc.assert(
      fc.property(mutatedText(seed), (text) => {
        valueOrBosunError(() => parseTrustedRoot(text), ['SIGN_TRUSTED_ROOT_INVALID', 'LIMIT_EXCEEDED']);
      }),
      { numRuns: 300 },
    );
  });

  it('returns a value or a BosunError for arbitrary JSON shaped like a root', () => {
    const base64 = fc.uint8Array({ maxLength: 48 }).map((b) => Buffer.from(b).toString('base64'));
    const key = fc.record({
      rawBytes: fc.oneof(base64, fc.string()),
      keyDetails: fc.constantFrom('PKIX_ECDSA_P256_SHA_256', 'PKIX_ED25519', 'nope'),
      validFor: fc.option(
        fc.record({
          start: fc.oneof(
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            fc.string(),
          ),
        }),
        { nil: undefined },
      ),
    });
    const log = fc.record({ baseUrl: fc.string(), publicKey: key, logId: fc.record({ keyId: base64 }) });
    const ca = fc.record({
      certChain: fc.record({ certificates: fc.array(fc.record({ rawBytes: base64 }), { maxLength: 3 }) }),
    });
    fc.assert(
      fc.property(
        fc.record({
          mediaType: fc.constantFrom('application/vnd.dev.sigstore.trustedroot+json;version=0.1', 'x'),
          tlogs: fc.array(log, { maxLength: 3 }),
          ctlogs: fc.array(log, { maxLength: 3 }),
          certificateAuthorities: fc.array(ca, { maxLength: 3 }),
          timestampAuthorities: fc.array(ca, { maxLength: 2 }),
        }),
        (value) => {
          valueOrBosunError(
            () => parseTrustedRoot(JSON.stringify(value)),
            ['SIGN_TRUSTED_ROOT_INVALID', 'LIMIT_EXCEEDED'],
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
