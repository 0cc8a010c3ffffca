import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedText, valueOrBosunError } from '../../../test/support/parser-property.ts';
import { parseVex } from './vex.ts';

const IMAGE = `pkg:oci/api@sha256%3A${'d'.repeat(64)}?repository_url=registry.example/shop/api`;

const OPENVEX = JSON.stringify({
  '@context': 'https://openvex.dev/ns/v0.2.0',
  '@id': 'https://example.com/vex/2024-0001',
  author: 'Shop security team',
  timestamp: '2024-04-01T00:00:00Z',
  version: 1,
  statements: [
    {
      vulnerability: { name: 'CVE-2023-45853', aliases: ['DLA-3700-1'] },
      products: [{ '@id': IMAGE, subcomponents: [{ '@id': 'pkg:deb/debian/zlib1g' }] }],
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      impact_statement: 'minizip is not shipped',
    },
    {
      vulnerability: { '@id': 'https://nvd.nist.gov/vuln/detail/CVE-2024-2398', name: 'CVE-2024-2398' },
      products: [{ '@id': 'pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12' }],
      status: 'under_investigation',
      timestamp: '2024-04-02T00:00:00Z',
    },
  ],
});

const OPENVEX_V001 = JSON.stringify({
  '@context': 'https://openvex.dev/ns',
  '@id': 'https://example.com/vex/old',
  author: 'x',
  timestamp: '2023-01-01T00:00:00Z',
  statements: [
    {
      vulnerability: 'CVE-2022-24999',
      products: ['pkg:npm/qs@6.7.0'],
      subcomponents: ['pkg:npm/qs'],
      status: 'fixed',
    },
  ],
});

const CDX_VEX = JSON.stringify({
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  version: 1,
  metadata: { timestamp: '2024-04-03T00:00:00Z' },
  components: [
    { type: 'library', 'bom-ref': 'qs-ref', name: 'qs', version: '6.7.0', purl: 'pkg:npm/qs@6.7.0' },
  ],
  vulnerabilities: [
    {
      id: 'CVE-2022-24999',
      references: [{ id: 'GHSA-hrpp-h998-j3pp', source: { name: 'GitHub' } }],
      analysis: {
        state: 'false_positive',
        justification: 'code_not_reachable',
        detail: 'qs.parse is never called',
      },
      affects: [{ ref: 'qs-ref' }],
    },
    {
      id: 'CVE-2024-29041',
      analysis: { state: 'resolved', lastUpdated: '2024-04-04T00:00:00Z' },
      affects: [{ ref: 'urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg%3Anpm%2Fexpress%404.17.1' }],
    },
    { id: 'CVE-2024-0727', analysis: { state: 'exploitable' }, affects: [{ ref: 'unknown-ref' }] },
    { id: 'CVE-2024-9999', affects: [{ ref: 'qs-ref' }] },
  ],
});

describe('parseVex', () => {
  it('reads OpenVEX v0.2.0 statements with nested subcomponents', () => {
    expect(parseVex(OPENVEX, { source: 'shop.vex.json' })).toEqual({
      format: 'openvex',
      source: 'shop.vex.json',
      statements: [
        {
          vulnerability: 'CVE-2023-45853',
          aliases: ['DLA-3700-1'],
          products: [{ id: IMAGE, subcomponents: ['pkg:deb/debian/zlib1g'] }],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
          statement: 'minizip is not shipped',
          timestamp: '2024-04-01T00:00:00Z',
        },
        {
          vulnerability: 'CVE-2024-2398',
          aliases: [],
          products: [
            { id: 'pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12', subcomponents: [] },
          ],
          status: 'under_investigation',
          justification: undefined,
          statement: undefined,
          timestamp: '2024-04-02T00:00:00Z',
        },
      ],
    });
  });

  it('reads the OpenVEX v0.0.1 shape (string vulnerability, statement-level subcomponents)', () => {
    expect(parseVex(OPENVEX_V001).statements).toEqual([
      {
        vulnerability: 'CVE-2022-24999',
        aliases: [],
        products: [{ id: 'pkg:npm/qs@6.7.0', subcomponents: ['pkg:npm/qs'] }],
        status: 'fixed',
        justification: undefined,
        statement: undefined,
        timestamp: '2023-01-01T00:00:00Z',
      },
    ]);
  });

  it('reads CycloneDX VEX, resolving bom-refs and BOM-Links to purls', () => {
    expect(parseVex(CDX_VEX, { source: 'vex.cdx.json' })).toEqual({
      format: 'cyclonedx',
      source: 'vex.cdx.json',
      statements: [
        {
          vulnerability: 'CVE-2022-24999',
          aliases: ['GHSA-hrpp-h998-j3pp'],
          products: [{ id: 'pkg:npm/qs@6.7.0', subcomponents: [] }],
          status: 'not_affected',
          justification: 'code_not_reachable',
          statement: 'qs.parse is never called',
          timestamp: '2024-04-03T00:00:00Z',
        },
        {
          vulnerability: 'CVE-2024-29041',
          aliases: [],
          products: [{ id: 'pkg:npm/express@4.17.1', subcomponents: [] }],
          status: 'fixed',
          justification: undefined,
          statement: undefined,
          timestamp: '2024-04-04T00:00:00Z',
        },
        {
          vulnerability: 'CVE-2024-0727',
          aliases: [],
          products: [{ id: 'unknown-ref', subcomponents: [] }],
          status: 'affected',
          justification: undefined,
          statement: undefined,
          timestamp: '2024-04-03T00:00:00Z',
        },
      ],
    });
  });

  const openvex = (statement: Record<string, unknown>) =>
    JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements: [statement] });
  it.each([
    ['not JSON', '{"statements": ['],
    ['neither format', JSON.stringify({ statements: [] })],
    ['bad status', openvex({ vulnerability: { name: 'CVE-1' }, products: ['pkg:npm/x'], status: 'ok' })],
    [
      'not_affected without justification',
      openvex({ vulnerability: { name: 'CVE-1' }, products: ['pkg:npm/x'], status: 'not_affected' }),
    ],
    [
      'unknown justification',
      openvex({
        vulnerability: { name: 'CVE-1' },
        products: ['pkg:npm/x'],
        status: 'not_affected',
        justification: 'because',
      }),
    ],
    ['no products', openvex({ vulnerability: { name: 'CVE-1' }, products: [], status: 'fixed' })],
    ['product without id', openvex({ vulnerability: { name: 'CVE-1' }, products: [{}], status: 'fixed' })],
    [
      'bad CycloneDX state',
      JSON.stringify({
        bomFormat: 'CycloneDX',
        vulnerabilities: [{ id: 'CVE-1', analysis: { state: 'fine' }, affects: [{ ref: 'x' }] }],
      }),
    ],
    [
      'CycloneDX without affects',
      JSON.stringify({
        bomFormat: 'CycloneDX',
        vulnerabilities: [{ id: 'CVE-1', analysis: { state: 'not_affected' } }],
      }),
    ],
    ['deep nesting', `${'['.repeat(200_000)}${']'.repeat(200_000)}`],
  ])('rejects %s', (_name, text) => {
    expect(() => parseVex(text)).toThrow(expect.objectContaining({ code: 'REPORT_VEX_INVALID' }));
  });

  it('enforces size and statement limits', () => {
    expect(() => parseVex(OPENVEX, { maxBytes: 100 })).toThrow(
      expect.objectContaining({ code: 'REPORT_LIMIT' }),
    );
    expect(() => parseVex(OPENVEX, { maxStatements: 1 })).toThrow(
      expect.objectContaining({ code: 'REPORT_LIMIT' }),
    );
  });

  it.each([
    ['OpenVEX', OPENVEX],
    ['OpenVEX v0.0.1', OPENVEX_V001],
    ['CycloneDX VEX', CDX_VEX],
  ])('property: mutated %s gives a value or a BosunError', (_name, seed) => {
    fc.assert(
      fc.property(mutatedText(seed), (text) => {
        valueOrBosunError(
          () => parseVex(text, { maxStatements: 100 }),
          ['REPORT_VEX_INVALID', 'REPORT_LIMIT'],
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('property: arbitrary JSON values give a value or a BosunError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 5 }),
          fc.record({
            '@context': fc.constant('https://openvex.dev/ns/v0.2.0'),
            statements: fc.jsonValue({ maxDepth: 4 }),
          }),
          fc.record({
            bomFormat: fc.constant('CycloneDX'),
            vulnerabilities: fc.jsonValue({ maxDepth: 4 }),
            components: fc.jsonValue({ maxDepth: 4 }),
          }),
        ),
        (value) => {
          valueOrBosunError(() => parseVex(JSON.stringify(value)), ['REPORT_VEX_INVALID', 'REPORT_LIMIT']);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
