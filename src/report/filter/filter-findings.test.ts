import { describe, expect, it } from 'vitest';
import { IMAGE_DIGEST, findings, sampleReport } from '../../../test/builders/scan-report.ts';
import { exitCodeForFindings, filterFindings, type FilterOptions } from './filter-findings.ts';
import { parseIgnoreFile } from './ignore-file.ts';
import { parseVex } from './vex.ts';

const ids = (list: readonly { id: string }[]) => list.map((f) => f.id).sort();
const ALL = ids(findings);
const NOW = new Date('2024-05-01T00:00:00Z');

describe('filterFindings: views', () => {
  it.each<[string, FilterOptions, string[]]>([
    ['no options', {}, ALL],
    [
      'severities',
      { severities: ['CRITICAL', 'HIGH'] },
      ['CVE-2022-24999', 'CVE-2023-45853', 'CVE-2024-2398'],
    ],
    ['ignoreUnfixed', { ignoreUnfixed: true }, ALL.filter((id) => id !== 'CVE-2023-45853')],
    ['os only', { pkgTypes: ['os'] }, ['CVE-2023-45853', 'CVE-2024-0727', 'CVE-2024-2398']],
    ['library only', { pkgTypes: ['library'] }, ['CVE-2022-24999', 'CVE-2023-32681', 'CVE-2024-29041']],
    ['both combined', { pkgTypes: ['os'], severities: ['MEDIUM'], ignoreUnfixed: true }, ['CVE-2024-0727']],
  ])('%s', (_name, options, expected) => {
    const result = filterFindings(findings, { ...options, now: NOW });
    expect(ids(result.findings)).toEqual(expected);
    expect(result.suppressed).toEqual([]);
  });
});

describe('filterFindings: ignore files', () => {
  const file = parseIgnoreFile(
    [
      'CVE-2023-45853 # no minizip here',
      'GHSA-hrpp-h998-j3pp pkg:npm/qs exp:2024-06-01', // by alias, scoped, still valid
      'CVE-2024-29041 pkg:npm/express@9.9.9', // wrong version: no effect
      'CVE-2024-0727 exp:2024-04-30', // expired: warns, does not suppress
      'CVE-2023-32681 pkg:pypi/requests?arch=arm64', // qualifier the package lacks: no effect
    ].join('\n'),
    { source: '.bosunignore' },
  );

  it('suppresses by id or alias within the purl scope, and warns about expired rules', () => {
    const result = filterFindings(findings, { ignoreFiles: [file], now: NOW });
    expect(ids(result.findings)).toEqual([
      'CVE-2023-32681',
      'CVE-2024-0727',
      'CVE-2024-2398',
      'CVE-2024-29041',
    ]);
    expect(result.suppressed.map((s) => [s.finding.id, s.suppression])).toEqual([
      [
        'CVE-2023-45853',
        { kind: 'ignore', source: '.bosunignore:1', statement: 'no minizip here', expiresAt: undefined },
      ],
      [
        'CVE-2022-24999',
        { kind: 'ignore', source: '.bosunignore:2', statement: undefined, expiresAt: '2024-06-01' },
      ],
    ]);
    expect(result.warnings).toEqual([
      '.bosunignore:4: ignore rule for CVE-2024-0727 expired on 2024-04-30; not applied',
    ]);
  });

  it.each([
    ['2024-05-31T23:59:59Z', 2, 1],
    ['2024-06-01T00:00:00Z', 1, 2],
  ])('at %s: %i suppressed, %i warnings', (now, suppressed, warnings) => {
    const result = filterFindings(findings, { ignoreFiles: [file], now: new Date(now) });
    expect(result.suppressed).toHaveLength(suppressed);
    expect(result.warnings).toHaveLength(warnings);
  });

  it('scopes YAML rules by path', () => {
    const yaml = parseIgnoreFile(
      `vulnerabilities:
  - id: CVE-2023-32681
    paths: ["/usr/lib/python3/dist-packages/requests-2.25.0.dist-info/METADATA"]
  - id: CVE-2024-2398
    paths: ["somewhere/else"]
`,
      { source: '.trivyignore.yaml' },
    );
    const result = filterFindings(findings, { ignoreFiles: [yaml], now: NOW });
    expect(ids(result.suppressed.map((s) => s.finding))).toEqual(['CVE-2023-32681']);
  });
});

describe('filterFindings: VEX', () => {
  const openvex = parseVex(
    JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      timestamp: '2024-04-01T00:00:00Z',
      statements: [
        {
          // Product is the image, narrowed to one subcomponent.
          vulnerability: { name: 'CVE-2023-45853' },
          products: [
            { '@id': `pkg:oci/api@${IMAGE_DIGEST}`, subcomponents: [{ '@id': 'pkg:deb/debian/zlib1g' }] },
          ],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
        },
        {
          // The whole image, by reference@digest.
          vulnerability: { name: 'DLA-3942-1' },
          products: [{ '@id': `registry.example/shop/api@${IMAGE_DIGEST}` }],
          status: 'fixed',
        },
        {
          // Superseded by the later statement below.
          vulnerability: { name: 'CVE-2024-2398' },
          products: [{ '@id': 'pkg:deb/debian/curl' }],
          status: 'not_affected',
          justification: 'component_not_present',
          timestamp: '2024-04-02T00:00:00Z',
        },
        {
          vulnerability: { name: 'CVE-2024-2398' },
          products: [{ '@id': 'pkg:deb/debian/curl' }],
          status: 'affected',
          timestamp: '2024-04-03T00:00:00Z',
        },
        {
          // Another image: no effect.
          vulnerability: { name: 'CVE-2023-32681' },
          products: [{ '@id': `pkg:oci/api@sha256:${'0'.repeat(64)}` }],
          status: 'not_affected',
          justification: 'component_not_present',
        },
      ],
    }),
    { source: 'shop.openvex.json' },
  );
  const cdx = parseVex(
    JSON.stringify({
      bomFormat: 'CycloneDX',
      vulnerabilities: [
        {
          id: 'GHSA-hrpp-h998-j3pp',
          analysis: { state: 'not_affected', justification: 'code_not_reachable', detail: 'parse is unused' },
          affects: [{ ref: 'urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:npm/qs@6.7.0' }],
        },
      ],
    }),
    { source: 'vex.cdx.json' },
  );

  it('suppresses not_affected and fixed statements and records why', () => {
    const result = filterFindings(findings, {
      vex: [openvex, cdx],
      artifact: { digest: IMAGE_DIGEST },
      now: NOW,
    });
    expect(ids(result.findings)).toEqual(['CVE-2023-32681', 'CVE-2024-2398', 'CVE-2024-29041']);
    expect(result.suppressed.map((s) => [s.finding.id, s.suppression])).toEqual([
      [
        'CVE-2024-0727',
        {
          kind: 'vex',
          source: 'shop.openvex.json',
          status: 'fixed',
          justification: undefined,
          statement: undefined,
        },
      ],
      [
        'CVE-2023-45853',
        {
          kind: 'vex',
          source: 'shop.openvex.json',
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
          statement: undefined,
        },
      ],
      [
        'CVE-2022-24999',
        {
          kind: 'vex',
          source: 'vex.cdx.json',
          status: 'not_affected',
          justification: 'code_not_reachable',
          statement: 'parse is unused',
        },
      ],
    ]);
  });

  it('needs the artifact digest for image-level statements', () => {
    const result = filterFindings(findings, { vex: [openvex], now: NOW });
    expect(result.suppressed).toEqual([]);
  });

  it('feeds a report that keeps suppressed entries', () => {
    const result = filterFindings(findings, { vex: [cdx], now: NOW });
    const report = sampleReport({ findings: result.findings, suppressed: result.suppressed });
    expect(report.suppressed?.map((s) => s.finding.id)).toEqual(['CVE-2022-24999']);
  });
});

describe('exitCodeForFindings', () => {
  it.each([
    [[], 1, 0],
    [findings, 1, 1],
    [findings, 0, 0],
    [findings, 13, 13],
  ])('%#', (list, code, expected) => {
    expect(exitCodeForFindings(list, code)).toEqual(expected);
  });

  it.each([-1, 256, 1.5, Number.NaN])('rejects exit code %s', (code) => {
    expect(() => exitCodeForFindings(findings, code)).toThrow(
      expect.objectContaining({ code: 'REPORT_OPTIONS_INVALID' }),
    );
  });
});
