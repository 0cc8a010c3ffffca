import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goMarshal } from '../../test/support/go-json.ts';
import { mutatedText, valueOrBosunError } from '../../test/support/parser-property.ts';
import {
  buildCosignAttestation,
  buildCosignSignStatement,
  buildStatement,
  parseStatement,
  predicateTypeUri,
  statementHasSubject,
  STATEMENT_TYPE_V01,
} from './in-toto.ts';
import type { JsonValue } from './json/go-json.ts';

const HEX = 'ab'.repeat(32);
const DIGEST = `sha256:${HEX}`;
const AT = new Date('2026-01-02T03:04:05.678Z');

function attest(type: string, predicate: string): { text: string; json: Record<string, unknown> } {
  const text = buildStatement(
    buildCosignAttestation({
      type,
      predicate: Buffer.from(predicate),
      repository: 'reg.example/app',
      manifestDigest: DIGEST,
      timestamp: AT,
    }),
  ).toString();
  return { text, json: JSON.parse(text) as Record<string, unknown> };
}

describe('buildStatement', () => {
  it('writes v0.1 statements exactly as Go marshals the in-toto-golang layout', async () => {
    const predicates = fc
      .sample(fc.jsonValue({ maxDepth: 3 }), 60)
      .map((v) => JSON.parse(JSON.stringify(v) ?? 'null') as JsonValue);
    const statements = predicates.map((predicate, i) => ({
      version: 'v0.1' as const,
      subjects: [{ name: `reg.example/app${i}`, digest: { sha256: HEX } }],
      predicateType: 'https://example.com/p<&>',
      predicate,
    }));
    const go = await goMarshal(
      statements.map((s) => ({
        mode: 'statement',
        value: {
          _type: STATEMENT_TYPE_V01,
          predicateType: s.predicateType,
          subject: s.subjects,
          predicate: s.predicate,
        },
      })),
    );
    expect(statements.map((s) => buildStatement(s).toString())).toEqual(go);
  });

  it('writes the cosign v3 image-signature statement (in-toto v1, protojson field order)', () => {
    expect(buildStatement(buildCosignSignStatement(DIGEST, { build: '7' })).toString()).toEqual(
      `{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"${HEX}"},"annotations":{"build":"7"}}],` +
        '"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}',
    );
  });
});

describe('buildCosignAttestation', () => {
  it.each([
    ['custom', 'https://cosign.sigstore.dev/attestation/v1'],
    ['vuln', 'https://cosign.sigstore.dev/attestation/vuln/v1'],
    ['cyclonedx', 'https://cyclonedx.org/bom'],
    ['spdxjson', 'https://spdx.dev/Document'],
    ['spdx', 'https://spdx.dev/Document'],
    ['slsaprovenance', 'https://slsa.dev/provenance/v0.2'],
    ['slsaprovenance1', 'https://slsa.dev/provenance/v1'],
    ['link', 'https://in-toto.io/Link/v1'],
    ['https://example.com/my-predicate/v1', 'https://example.com/my-predicate/v1'],
  ])('--type %s → predicateType %s', (type, uri) => {
    const { json } = attest(type, '{"a":1}');
    expect({ type: json['_type'], predicateType: json['predicateType'], subject: json['subject'] }).toEqual({
      type: STATEMENT_TYPE_V01,
      predicateType: uri,
      subject: [{ name: 'reg.example/app', digest: { sha256: HEX } }],
    });
  });

  it('shapes each predicate as cosign does', () => {
    expect({
      custom: attest('custom', 'free text\n').json['predicate'],
      spdx: attest('spdx', 'SPDXVersion: SPDX-2.3').json['predicate'],
      cyclonedx: attest('cyclonedx', '{"z":1,"bomFormat":"CycloneDX"}').text.endsWith(
        '"predicate":{"bomFormat":"CycloneDX","z":1}}',
      ),
    }).toEqual({
      custom: { Data: 'free text\n', Timestamp: '2026-01-02T03:04:05Z' },
      spdx: 'SPDXVersion: SPDX-2.3',
      cyclonedx: true,
    });
  });

  it('re-shapes vuln predicates into cosign struct order, with Go time formatting', () => {
    const { text } = attest(
      'vuln',
      JSON.stringify({
        scanner: {
          uri: 'pkg:npm/bosun',
          version: '0.1.0',
          db: { version: 'v5' },
          result: { b: 1, a: [] },
          extra: 1,
        },
        metadata: {
          scanStartedOn: '2026-01-02T03:04:05.120000000+00:00',
          scanFinishedOn: '2026-01-02T05:04:05+02:00',
        },
      }),
    );
    expect(text.slice(text.indexOf('"predicate":'))).toEqual(
      '"predicate":{"invocation":{"parameters":null,"uri":"","event_id":"","builder.id":""},' +
        '"scanner":{"uri":"pkg:npm/bosun","version":"0.1.0","db":{"uri":"","version":"v5"},"result":{"a":[],"b":1}},' +
        '"metadata":{"scanStartedOn":"2026-01-02T03:04:05.12Z","scanFinishedOn":"2026-01-02T05:04:05+02:00"}}}',
    );
  });

  it.each([
    ['a JSON predicate that is not JSON', 'cyclonedx', '{', 'SIGN_STATEMENT_INVALID'],
    ['a URI predicate that is not an object', 'https://example.com/p', '[1]', 'SIGN_STATEMENT_INVALID'],
    ['an unknown type that is not a URI', 'sbom', '{}', 'SIGN_STATEMENT_INVALID'],
    [
      'a vuln time that is not RFC 3339',
      'vuln',
      '{"metadata":{"scanStartedOn":"yesterday"}}',
      'SIGN_STATEMENT_INVALID',
    ],
  ])('refuses %s', (_name, type, predicate, code) => {
    expect(() => attest(type, predicate)).toThrow(expect.objectContaining({ code }));
  });

  it('cannot be made to embed raw text through a crafted predicate', () => {
    const { json } = attest('cyclonedx', '{"kind":"raw-json","text":"}}}"}');
    expect(json['predicate']).toEqual({ kind: 'raw-json', text: '}}}' });
  });
});

describe('parseStatement', () => {
  it('round-trips v0.1 and v1 statements', () => {
    const v01 = buildCosignAttestation({
      type: 'cyclonedx',
      predicate: Buffer.from('{"bomFormat":"CycloneDX"}'),
      repository: 'r/a',
      manifestDigest: DIGEST,
      timestamp: AT,
    });
    const parsed = parseStatement(buildStatement(v01));
    expect(parsed).toEqual({ ...v01, predicate: { bomFormat: 'CycloneDX' } });
    const v1 = parseStatement(buildStatement(buildCosignSignStatement(DIGEST)));
    expect(v1).toEqual({
      version: 'v1',
      subjects: [{ digest: { sha256: HEX }, annotations: {} }],
      predicateType: 'https://sigstore.dev/cosign/sign/v1',
      predicate: {},
    });
    expect({
      has: statementHasSubject(v1, DIGEST),
      other: statementHasSubject(v1, `sha256:${'0'.repeat(64)}`),
    }).toEqual({
      has: true,
      other: false,
    });
  });

  it.each([
    ['unknown _type', '{"_type":"x","subject":[{"digest":{"sha256":"ab"}}],"predicateType":"p"}'],
    ['no subject', `{"_type":"${STATEMENT_TYPE_V01}","subject":[],"predicateType":"p"}`],
    [
      'digest not hex',
      `{"_type":"${STATEMENT_TYPE_V01}","subject":[{"digest":{"sha256":"zz"}}],"predicateType":"p"}`,
    ],
    ['no predicateType', `{"_type":"${STATEMENT_TYPE_V01}","subject":[{"digest":{"sha256":"ab"}}]}`],
  ])('refuses %s', (_name, text) => {
    expect(() => parseStatement(text)).toThrow(expect.objectContaining({ code: 'SIGN_STATEMENT_INVALID' }));
  });

  it('predicateTypeUri maps names and passes URIs', () => {
    expect([predicateTypeUri('vuln'), predicateTypeUri('urn:example:x')]).toEqual([
      'https://cosign.sigstore.dev/attestation/vuln/v1',
      'urn:example:x',
    ]);
  });

  it('random or mutated statements yield a value or a BosunError', () => {
    const seed = buildStatement(buildCosignSignStatement(DIGEST, { a: 'b' })).toString();
    fc.assert(
      fc.property(mutatedText(seed), (text) => {
        valueOrBosunError(() => parseStatement(text), ['SIGN_STATEMENT_INVALID', 'LIMIT_EXCEEDED']);
      }),
      { numRuns: 1000 },
    );
  });
});
