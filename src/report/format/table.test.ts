/* eslint-disable no-control-regex -- the tests look for terminal control characters */
import { describe, expect, it } from 'vitest';
import { finding, openssl, sampleReport } from '../../../test/builders/scan-report.ts';
import { formatTable } from './table.ts';

describe('formatTable', () => {
  it('prints a title, a summary and sorted rows per target', () => {
    expect(formatTable(sampleReport()).split('\n')).toEqual([
      'registry.example/shop/api:1.4 (debian 12.5)',
      '===========================================',
      'Total: 3 (CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 0, UNKNOWN: 0)',
      '',
      'Package  Installed          Fixed              Vulnerability   Severity  Title',
      '-------  -----------------  -----------------  --------------  --------  ---------------------------------------------------',
      'curl     7.88.1-10+deb12u5  7.88.1-10+deb12u6  CVE-2024-2398   HIGH      HTTP/2 push headers memory-leak',
      'openssl  3.0.11-1~deb12u2   3.0.13-1~deb12u1   CVE-2024-0727   MEDIUM    PKCS12 NULL dereference',
      'zlib1g   1:1.2.13.dfsg-1                       CVE-2023-45853  CRITICAL  MiniZip integer overflow in zipOpenNewFileInZip4_64',
      '',
      'app/package-lock.json (npm)',
      '===========================',
      'Total: 2 (CRITICAL: 0, HIGH: 1, MEDIUM: 1, LOW: 0, UNKNOWN: 0)',
      '',
      'Package  Installed  Fixed                 Vulnerability   Severity  Title',
      '-------  ---------  --------------------  --------------  --------  ------------------------------------------',
      'express  4.17.1     4.19.2, 5.0.0-beta.3  CVE-2024-29041  MEDIUM    Express.js Open Redirect in malformed URLs',
      'qs       6.7.0      6.7.3                 CVE-2022-24999  HIGH      qs vulnerable to Prototype Pollution',
      '',
      'usr/lib/python3/dist-packages/requests-2.25.0.dist-info/METADATA (pypi)',
      '=======================================================================',
      'Total: 1 (CRITICAL: 0, HIGH: 0, MEDIUM: 1, LOW: 0, UNKNOWN: 0)',
      '',
      'Package   Installed  Fixed   Vulnerability   Severity  Title',
      '--------  ---------  ------  --------------  --------  ---------------------------------------------',
      'requests  2.25.0     2.31.0  CVE-2023-32681  MEDIUM    Unintended leak of Proxy-Authorization header',
      '',
      'models/classifier.pkl (model: pickle)',
      '=====================================',
      'Verdict: FAIL, findings: 1 (CRITICAL: 1, HIGH: 0, MEDIUM: 0, LOW: 0, INFO: 0)',
      '',
      'Severity  Kind                Location  Callable   Message',
      '--------  ------------------  --------  ---------  ---------------------------',
      'CRITICAL  dangerous-callable  @2        os.system  calls os.system when loaded',
      '',
    ]);
  });

  it('truncates the title column first to fit the terminal width', () => {
    const report = sampleReport({ findings: [], models: [] });
    const one = sampleReport({
      findings: [
        finding({
          id: 'CVE-2024-0001',
          package: openssl,
          severity: 'LOW',
          fixedVersions: ['3.0.13-1~deb12u1'],
          title: 'A very long advisory title that does not fit on a narrow terminal',
        }),
      ],
      models: [],
    });
    expect(formatTable(one, { width: 80 }).split('\n').slice(4)).toEqual([
      'Package  Installed         Fixed             Vulnerability  Severity  Title',
      '-------  ----------------  ----------------  -------------  --------  ----------',
      'openssl  3.0.11-1~deb12u2  3.0.13-1~deb12u1  CVE-2024-0001  LOW       A very lo…',
      '',
    ]);
    for (const line of formatTable(one, { width: 80 }).split('\n'))
      expect(line.length).toBeLessThanOrEqual(80);
    expect(formatTable(report).split('\n')).toEqual([
      'registry.example/shop/api:1.4 (debian 12.5)',
      '===========================================',
      'Total: 0 (CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0)',
      '',
    ]);
  });

  it('shrinks further columns when the title alone is not enough, never below the header width', () => {
    const one = sampleReport({
      findings: [finding({ id: 'CVE-2024-0001', package: openssl, severity: 'LOW', title: 'x'.repeat(30) })],
      models: [],
    });
    const lines = formatTable(one, { width: 50 }).split('\n').slice(4);
    expect(lines).toEqual([
      'Package  Installed  Fixed  Vulnerability  Severity  Title',
      '-------  ---------  -----  -------------  --------  --------',
      'openssl  3.0.11-1…         CVE-2024-0001  LOW       xxxxxxx…',
      '',
    ]);
  });

  it('colours severities only when asked', () => {
    const report = sampleReport({ models: [] });
    expect(formatTable(report)).not.toContain('\u001b[');
    const coloured = formatTable(report, { color: true });
    expect(coloured).toContain('\u001b[1;31mCRITICAL\u001b[0m  MiniZip');
    expect(coloured).toContain('\u001b[31mHIGH\u001b[0m      HTTP/2');
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toEqual(formatTable(report));
  });

  it('scrubs terminal control sequences from untrusted text', () => {
    const hostile = sampleReport({
      findings: [
        finding({
          id: 'CVE-2024-0002',
          package: { ...openssl, name: 'evil\u001b]0;pwned\u0007' },
          title: 'line\nbreak\u009b31m and \u001b[2J clear',
        }),
      ],
      models: [],
    });
    const text = formatTable(hostile);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('evil ]0;pwned   ');
    expect(text).toContain('line break 31m and  [2J clear');
  });

  it('reports a clean scan in one line when there is no OS target', () => {
    const report = sampleReport({ findings: [], models: [], inventory: { packages: [] } });
    expect(formatTable(report)).toEqual('registry.example/shop/api:1.4: no vulnerabilities found\n');
  });

  it('shows suppressed counts on targets', () => {
    const [first] = sampleReport().findings;
    const report = sampleReport({
      findings: [],
      models: [],
      suppressed: [{ finding: first!, suppression: { kind: 'ignore', source: '.bosunignore' } }],
    });
    expect(formatTable(report).split('\n').slice(2, 4)).toEqual([
      'Total: 0 (CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0)',
      'Suppressed: 1 (ignore file or VEX)',
    ]);
  });
});
