import { describe, expect, it } from 'vitest';
import { FIXED_TIME, sampleReport } from '../../../test/builders/scan-report.ts';
import { cycloneDxValidator } from '../../../test/support/schemas.ts';
import { toCycloneDxVulnerabilities } from './cyclonedx-vex.ts';

const options = {
  timestamp: FIXED_TIME,
  serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
  toolVersion: '0.1.0',
};
const validate = cycloneDxValidator();

describe('toCycloneDxVulnerabilities', () => {
  const all = sampleReport().findings;
  const zlibFinding = all.find((f) => f.id === 'CVE-2023-45853');
  const curlFinding = all.find((f) => f.id === 'CVE-2024-2398');
  const rest = all.filter((f) => f !== zlibFinding && f !== curlFinding);
  const report = sampleReport({
    findings: rest,
    suppressed: [
      {
        finding: zlibFinding!,
        suppression: {
          kind: 'vex',
          source: 'v.json',
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
          statement: 'no minizip',
        },
      },
      { finding: curlFinding!, suppression: { kind: 'ignore', source: '.bosunignore:3' } },
    ],
  });
  const bom = toCycloneDxVulnerabilities(report, options);

  it('is valid against the CycloneDX 1.6 JSON schema', () => {
    expect(validate(bom), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('writes one vulnerability per id with ratings, references and affects', () => {
    expect(bom.vulnerabilities?.map((v) => v.id)).toEqual([
      'CVE-2022-24999',
      'CVE-2023-32681',
      'CVE-2023-45853',
      'CVE-2024-0727',
      'CVE-2024-2398',
      'CVE-2024-29041',
    ]);
    expect(bom.vulnerabilities?.find((v) => v.id === 'CVE-2023-32681')).toEqual({
      'bom-ref': 'vulnerability:CVE-2023-32681',
      id: 'CVE-2023-32681',
      source: { name: 'NVD', url: 'https://nvd.nist.gov/vuln/detail/CVE-2023-32681' },
      references: [
        {
          id: 'GHSA-j8r2-6x86-q33q',
          source: { name: 'GitHub', url: 'https://github.com/advisories/GHSA-j8r2-6x86-q33q' },
        },
        { id: 'PYSEC-2023-74', source: { name: 'OSV', url: 'https://osv.dev/vulnerability/PYSEC-2023-74' } },
      ],
      ratings: [
        {
          score: 6.1,
          severity: 'medium',
          method: 'CVSSv31',
          vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N',
        },
      ],
      description: 'Unintended leak of Proxy-Authorization header',
      recommendation: 'Upgrade requests to 2.31.0',
      advisories: [{ url: 'https://github.com/psf/requests/security/advisories/GHSA-j8r2-6x86-q33q' }],
      analysis: undefined,
      affects: [{ ref: 'pkg:pypi/requests@2.25.0', versions: [{ version: '2.25.0', status: 'affected' }] }],
      properties: undefined,
    });
  });

  it('records VEX suppressions as analysis and ignore-file suppressions as a property', () => {
    const zlib = bom.vulnerabilities?.find((v) => v.id === 'CVE-2023-45853');
    expect(zlib?.analysis).toEqual({
      state: 'not_affected',
      justification: 'code_not_reachable',
      detail: 'no minizip',
    });
    expect(zlib?.ratings).toEqual([{ severity: 'critical', method: 'other' }]);
    const curl = bom.vulnerabilities?.find((v) => v.id === 'CVE-2024-2398');
    expect(curl?.analysis).toBeUndefined();
    expect(curl?.properties).toEqual([{ name: 'bosun:suppressed', value: 'ignore-file' }]);
  });

  it('points every affects ref at a component of the BOM', () => {
    const refs = new Set(bom.components.map((c) => c['bom-ref']));
    for (const v of bom.vulnerabilities ?? []) for (const a of v.affects) expect(refs.has(a.ref)).toBe(true);
  });
});
