import calculator from 'ae-cvss-calculator';
import type { Cvss, CvssVersion, Severity } from './finding.ts';

/** Base metrics and their allowed values per CVSS version (FIRST specifications v2 §3.3.1, v3.1 §6, v4.0 §7). */
const BASE_METRICS: Record<'2' | '3' | '4', Record<string, string>> = {
  '2': { AV: 'LAN', AC: 'HML', Au: 'MSN', C: 'NPC', I: 'NPC', A: 'NPC' },
  '3': { AV: 'NALP', AC: 'LH', PR: 'NLH', UI: 'NR', S: 'UC', C: 'HLN', I: 'HLN', A: 'HLN' },
  '4': {
    AV: 'NALP',
    AC: 'LH',
    AT: 'NP',
    PR: 'NLH',
    UI: 'NPA',
    VC: 'HLN',
    VI: 'HLN',
    VA: 'HLN',
    SC: 'HLN',
    SI: 'HLN',
    SA: 'HLN',
  },
};

/**
 * Scores a CVSS vector as OSV writes it (`CVSS_V2`, `CVSS_V3`, `CVSS_V4`). The base metrics are
 * checked here first (the calculator fills missing ones with "not defined" and returns 0), then
 * the base score comes from ae-cvss-calculator. `undefined` for anything malformed.
 */
export function scoreCvss(vector: string): Cvss | undefined {
  // The same vectors recur across records and scans; scoring one is the costly part of a match.
  if (scored.has(vector)) return scored.get(vector);
  const result = computeCvss(vector);
  if (scored.size >= MAX_CACHED) scored.clear();
  scored.set(vector, result);
  return result;
}

const MAX_CACHED = 10_000;
const scored = new Map<string, Cvss | undefined>();

function computeCvss(vector: string): Cvss | undefined {
  const text = vector.trim();
  if (text.length > 512) return undefined;
  let version: CvssVersion;
  let body: string;
  if (text.startsWith('CVSS:3.1/') || text.startsWith('CVSS:3.0/') || text.startsWith('CVSS:4.0/')) {
    version = text.slice(5, 8) as CvssVersion;
    body = text.slice(9);
  } else if (text.startsWith('CVSS:')) {
    return undefined;
  } else {
    version = '2.0';
    // Some v2 vectors are wrapped in parentheses (NVD style).
    body = text.replace(/^\(|\)$/g, '');
  }
  const metrics = new Map<string, string>();
  for (const part of body.split('/')) {
    const colon = part.indexOf(':');
    if (colon <= 0) return undefined;
    const key = part.slice(0, colon);
    if (metrics.has(key)) return undefined;
    metrics.set(key, part.slice(colon + 1));
  }
  const required = BASE_METRICS[version[0] as '2' | '3' | '4'];
  for (const [key, allowed] of Object.entries(required)) {
    const value = metrics.get(key);
    if (value === undefined || value.length !== 1 || !allowed.includes(value)) return undefined;
  }
  try {
    const scores = calculate(version, version === '2.0' ? body : text);
    const score = scores.base ?? scores.overall;
    if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 10) return undefined;
    return { version, vector: text, score };
  } catch {
    return undefined;
  }
}

function calculate(version: CvssVersion, vector: string): { base?: number; overall?: number } {
  switch (version) {
    case '2.0':
      return new calculator.Cvss2(vector).calculateScores();
    case '3.0':
      return new calculator.Cvss3P0(vector).calculateScores();
    case '3.1':
      return new calculator.Cvss3P1(vector).calculateScores();
    case '4.0':
      return new calculator.Cvss4P0(vector).calculateScores();
  }
}

/** Qualitative rating of a base score: v3.x/v4.0 rating scale; v2 has no Critical (NVD's v2 bands). */
export function severityOfScore(cvss: Cvss): Severity {
  const { score } = cvss;
  if (cvss.version === '2.0') return score >= 7 ? 'HIGH' : score >= 4 ? 'MEDIUM' : 'LOW';
  return score >= 9 ? 'CRITICAL' : score >= 7 ? 'HIGH' : score >= 4 ? 'MEDIUM' : 'LOW';
}

const PREFERENCE: Record<CvssVersion, number> = { '4.0': 4, '3.1': 3, '3.0': 2, '2.0': 1 };

/** The newest valid vector among `severity` entries (v4 over v3.1 over v3.0 over v2). */
export function bestCvss(
  entries: readonly { readonly type: string; readonly score: string }[],
): Cvss | undefined {
  let best: Cvss | undefined;
  for (const entry of entries) {
    if (!entry.type.startsWith('CVSS_V')) continue;
    const cvss = scoreCvss(entry.score);
    if (cvss !== undefined && (best === undefined || PREFERENCE[cvss.version] > PREFERENCE[best.version]))
      best = cvss;
  }
  return best;
}
