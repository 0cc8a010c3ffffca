import { describe, expect, it } from 'vitest';
import { DIFF_2, FIXED_TIME, LAYER_2, sampleReport } from '../../../test/builders/scan-report.ts';
import { formatJson, toJsonReport } from './json.ts';

describe('toJsonReport', () => {
  const all = sampleReport().findings;
  const suppressedFinding = all.find((f) => f.id === 'CVE-2022-24999')!;
  const report = sampleReport({
    findings: all.filter((f) => f !== suppressedFinding),
    suppressed: [
      {
        finding: suppressedFinding,
        suppression: {
          kind: 'vex',
          source: 'vex.json',
          status: 'not_affected',
          justification: 'vulnerable_code_not_present',
        },
      },
    ],
    issues: [
      { source: 'npm', path: 'srv/package-lock.json', code: 'INVENTORY_PARSE', message: 'bad lockfile' },
    ],
    warnings: ['.bosunignore:4: ignore rule for CVE-1 expired on 2024-01-01; not applied'],
  });
  const json = toJsonReport(report, { timestamp: FIXED_TIME, toolVersion: '0.1.0' });

  it('has the documented top level (schemaVersion 1)', () => {
    expect(Object.keys(json)).toEqual([
      'schemaVersion',
      'createdAt',
      'tool',
      'artifact',
      'os',
      'summary',
      'results',
      'issues',
      'warnings',
    ]);
    expect(json.schemaVersion).toEqual(1);
    expect(json.createdAt).toEqual('2024-05-01T12:00:00.000Z');
    expect(json.os).toEqual({
      family: 'debian',
      version: '12.5',
      codename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
    });
    expect(json.summary).toEqual({
      vulnerabilities: { CRITICAL: 1, HIGH: 1, MEDIUM: 3, LOW: 0, UNKNOWN: 0 },
      suppressed: 1,
      modelsFailed: 1,
    });
    expect(json.results.map((r) => [r.target, r.class, r.type])).toEqual([
      ['registry.example/shop/api:1.4 (debian 12.5)', 'os-pkgs', 'debian'],
      ['app/package-lock.json', 'lang-pkgs', 'npm'],
      ['usr/lib/python3/dist-packages/requests-2.25.0.dist-info/METADATA', 'lang-pkgs', 'pypi'],
      ['models/classifier.pkl', 'model', 'pickle'],
    ]);
    expect(json.issues).toEqual(report.issues);
    expect(Object.keys(JSON.parse(JSON.stringify(json.artifact)))).toEqual([
      'name',
      'type',
      'digest',
      'repoDigests',
      'platform',
      'layers',
    ]);
    expect(json.warnings).toEqual(report.warnings);
  });

  it('writes vulnerabilities with package, layer and rating, and keeps suppressed entries with the reason', () => {
    const npm = json.results[1];
    expect(npm).toEqual({
      target: 'app/package-lock.json',
      class: 'lang-pkgs',
      type: 'npm',
      packageCount: 2,
      vulnerabilities: [
        {
          id: 'CVE-2024-29041',
          aliases: ['GHSA-rv95-896h-c2vc'],
          records: ['CVE-2024-29041'],
          pkgName: 'express',
          pkgPurl: 'pkg:npm/express@4.17.1',
          pkgPath: 'app/package-lock.json',
          installedVersion: '4.17.1',
          fixedVersions: ['4.19.2', '5.0.0-beta.3'],
          status: 'fixed',
          severity: 'MEDIUM',
          severitySource: 'database',
          cvss: undefined,
          title: 'Express.js Open Redirect in malformed URLs',
          references: ['https://github.com/advisories/GHSA-rv95-896h-c2vc'],
          layer: { digest: LAYER_2, diffId: DIFF_2 },
        },
      ],
      suppressed: [
        expect.objectContaining({
          id: 'CVE-2022-24999',
          suppression: {
            kind: 'vex',
            source: 'vex.json',
            status: 'not_affected',
            justification: 'vulnerable_code_not_present',
          },
        }),
      ],
    });
    expect(json.results[3]).toEqual({
      target: 'models/classifier.pkl',
      class: 'model',
      type: 'pickle',
      verdict: 'fail',
      skipped: undefined,
      findings: [
        {
          kind: 'dangerous-callable',
          severity: 'CRITICAL',
          verdict: 'dangerous',
          format: 'pickle',
          location: [],
          offset: 2,
          callable: 'os.system',
          callChain: ['GLOBAL os.system @2', 'REDUCE @40'],
          message: 'calls os.system when loaded',
        },
      ],
    });
  });

  it('is deterministic and ends with a newline', () => {
    const shuffled = { ...report, findings: [...report.findings].reverse() };
    const text = formatJson(report, { timestamp: FIXED_TIME });
    expect(formatJson(shuffled, { timestamp: FIXED_TIME })).toEqual(text);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(
      JSON.parse(JSON.stringify(toJsonReport(report, { timestamp: FIXED_TIME }))),
    );
  });
});
