import { describe, expect, it } from 'vitest';
import { bestCvss, scoreCvss, severityOfScore } from './cvss.ts';

describe('CVSS scoring', () => {
  // Base scores of well-known vectors (FIRST specification examples, NVD).
  it.each([
    { vector: 'AV:N/AC:L/Au:N/C:P/I:P/A:P', version: '2.0', score: 7.5, severity: 'HIGH' },
    { vector: 'AV:N/AC:M/Au:N/C:N/I:P/A:N', version: '2.0', score: 4.3, severity: 'MEDIUM' },
    {
      vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      version: '3.1',
      score: 9.8,
      severity: 'CRITICAL',
    },
    // Hand-computed per CVSS v3.1 §7.1: exploitability 2.22, impact 4.22, roundup(6.44) = 6.5.
    {
      vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:H/A:N',
      version: '3.1',
      score: 6.5,
      severity: 'MEDIUM',
    },
    { vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:N/I:L/A:N', version: '3.1', score: 2.8, severity: 'LOW' },
    {
      vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N',
      version: '3.0',
      score: 5.4,
      severity: 'MEDIUM',
    },
    {
      vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
      version: '3.1',
      score: 10,
      severity: 'CRITICAL',
    },
    {
      vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
      version: '4.0',
      score: 9.3,
      severity: 'CRITICAL',
    },
  ])('$vector → $score $severity', ({ vector, version, score, severity }) => {
    const cvss = scoreCvss(vector);
    expect(cvss).toEqual({ version, vector, score });
    expect(cvss === undefined ? undefined : severityOfScore(cvss)).toBe(severity);
  });

  it.each([
    'CVSS:3.1/AV:N',
    'CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    'CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    'CVSS:5.0/AV:N/AC:L',
    'AV:N/AC:L',
    'garbage',
    '',
  ])('rejects %j', (vector) => {
    expect(scoreCvss(vector)).toBeUndefined();
  });

  it('prefers the newest valid vector', () => {
    expect(
      bestCvss([
        { type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' },
        { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
        { type: 'CVSS_V4', score: 'CVSS:4.0/broken' },
        { type: 'Ubuntu', score: 'high' },
      ])?.version,
    ).toBe('3.1');
  });
});
