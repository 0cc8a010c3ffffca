import { describe, expect, it } from 'vitest';
import type { Log } from 'sarif';
import { FIXED_TIME, sampleReport } from '../../../test/builders/scan-report.ts';
import { validateSarif } from '../../../test/support/sarif-multitool.ts';
import { sarifValidator } from '../../../test/support/schemas.ts';
import { pathUri, toSarif } from './sarif.ts';

const options = { timestamp: FIXED_TIME, toolVersion: '0.1.0', informationUri: 'https://example.com/bosun' };
const validate = sarifValidator();

describe('toSarif', () => {
  const log = toSarif(sampleReport(), options);

  it('is valid against the SARIF 2.1.0 schema, and the schema is not vacuous', () => {
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(validate({ ...log, version: '2.0.0' })).toBe(false);
    expect(
      validate({
        ...log,
        runs: [{ ...log.runs[0], results: [{ ruleId: 'x', level: 'fatal', message: { text: 'm' } }] }],
      }),
    ).toBe(false);
  });

  it('passes the SARIF SDK validator with the GitHub ingestion rules', () => {
    expect(validateSarif(log)).toEqual([]);
  }, 120_000);

  it('the SARIF SDK validator catches what GitHub rejects (results without locations)', () => {
    const run = log.runs[0]!;
    const broken: Log = {
      ...log,
      runs: [{ ...run, results: run.results!.map(({ locations: _drop, ...r }) => r) }],
    };
    expect(
      new Set(
        validateSarif(broken)
          .filter((f) => f.level === 'error')
          .map((f) => f.ruleId),
      ),
    ).toContain('GH1015');
  }, 120_000);

  it('has one rule per vulnerability id with security-severity, and one result per package location', () => {
    const run = log.runs[0]!;
    expect(
      run.tool.driver.rules?.map((r) => [
        r.id,
        r.properties?.['security-severity'],
        r.defaultConfiguration?.level,
      ]),
    ).toEqual([
      ['CVE-2022-24999', '8.0', 'error'],
      ['CVE-2023-32681', '6.1', 'warning'],
      ['CVE-2023-45853', '9.5', 'error'],
      ['CVE-2024-0727', '5.5', 'warning'],
      ['CVE-2024-2398', '7.5', 'error'],
      ['CVE-2024-29041', '5.5', 'warning'],
      ['bosun-model/dangerous-callable', '9.5', 'error'],
    ]);
    expect(
      run.results?.map((r) => [r.ruleId, r.locations?.[0]?.physicalLocation?.artifactLocation?.uri]),
    ).toEqual([
      ['CVE-2024-2398', 'var/lib/dpkg/status'],
      ['CVE-2024-0727', 'var/lib/dpkg/status'],
      ['CVE-2023-45853', 'var/lib/dpkg/status'],
      ['CVE-2024-29041', 'app/package-lock.json'],
      ['CVE-2022-24999', 'app/package-lock.json'],
      ['CVE-2023-32681', 'usr/lib/python3/dist-packages/requests-2.25.0.dist-info/METADATA'],
      ['bosun-model/dangerous-callable', 'models/classifier.pkl'],
    ]);
    for (const r of run.results ?? []) expect(run.tool.driver.rules?.[r.ruleIndex!]?.id).toEqual(r.ruleId);
    expect(run.results?.[0]?.message.text).toEqual(
      [
        'Package: curl',
        'Installed Version: 7.88.1-10+deb12u5',
        'Vulnerability CVE-2024-2398',
        'Severity: HIGH',
        'Fixed Version: 7.88.1-10+deb12u6',
        'Link: https://curl.se/docs/CVE-2024-2398.html',
      ].join('\n'),
    );
  });

  it('is deterministic', () => {
    const shuffled = sampleReport({ findings: [...sampleReport().findings].reverse() });
    expect(JSON.stringify(toSarif(shuffled, options))).toEqual(JSON.stringify(log));
  });

  it.each([
    ['var/lib/dpkg/status', 'var/lib/dpkg/status'],
    ['/app/my file#1.jar', 'app/my%20file%231.jar'],
    ['', '.'],
  ])('pathUri(%j) = %j', (path, uri) => {
    expect(pathUri(path)).toEqual(uri);
  });
});
