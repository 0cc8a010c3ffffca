import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OsInfo, Package } from '../../inventory/index.ts';
import { buildVulnDb } from '../db/build-db.ts';
import { openVulnDb } from '../db/schema.ts';
import type { Finding, MatchIssue } from './finding.ts';
import { matchInventory } from './match-inventory.ts';

// Real advisories from the shared OSV folder (Go vulndb, PyPA, GHSA), read in place.
const SHARED_OSV = fileURLToPath(new URL('../../../../shared/osv', import.meta.url));

function pkg(
  ecosystem: Package['ecosystem'],
  name: string,
  version: string,
  extra: Partial<Package> = {},
): Package {
  return {
    ecosystem,
    name,
    version,
    licenses: [],
    purl: `pkg:${ecosystem}/${name}@${version}`,
    locations: [{ path: 'app/lock', layerDigest: 'sha256:1111' }],
    ...extra,
  };
}

/** The facts a test asserts about a finding. */
function summary(finding: Finding) {
  return {
    id: finding.id,
    records: finding.records,
    fixed: finding.fixedVersions,
    severity: finding.severity,
    status: finding.status,
  };
}

let dir: string;
let db: DatabaseSync;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bosun-match-'));
  await buildVulnDb(join(dir, 'real.db'), [{ kind: 'dir', path: SHARED_OSV }], { now: new Date(0) });
  db = openVulnDb(join(dir, 'real.db'));
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function match(packages: Package[], os?: OsInfo, options: { includeOsOwned?: boolean } = {}) {
  const issues: MatchIssue[] = [];
  const findings = matchInventory(
    db,
    { ...(os === undefined ? {} : { os }), packages },
    { ...options, onIssue: (i) => issues.push(i) },
  );
  return { findings, issues };
}

describe('matchInventory on real OSV records', () => {
  it.each([
    {
      what: 'npm semver ranges, GHSA ratings (MODERATE → MEDIUM), CVE as primary id',
      pkg: pkg('npm', 'lodash', '4.17.15'),
      expected: [
        {
          id: 'CVE-2020-28500',
          records: ['GHSA-29mw-wpgm-hmr9'],
          fixed: ['4.17.21'],
          severity: 'MEDIUM',
          status: 'fixed',
        },
        {
          id: 'CVE-2020-8203',
          records: ['GHSA-p6mc-m468-83gw'],
          fixed: ['4.17.19'],
          severity: 'HIGH',
          status: 'fixed',
        },
        {
          id: 'CVE-2021-23337',
          records: ['GHSA-35jh-r3h4-6jhm'],
          fixed: ['4.17.21'],
          severity: 'HIGH',
          status: 'fixed',
        },
        {
          id: 'CVE-2025-13465',
          records: ['GHSA-xxjr-mmjv-4gpg'],
          fixed: ['4.17.23'],
          severity: 'MEDIUM',
          status: 'fixed',
        },
        {
          id: 'CVE-2026-4800',
          records: ['GHSA-r5fr-rjxr-66jc'],
          fixed: ['4.18.0'],
          severity: 'HIGH',
          status: 'fixed',
        },
      ],
    },
    {
      what: 'npm prerelease inside 5.0.0-alpha.1..5.0.0-beta.3 and ..5.0.0',
      pkg: pkg('npm', 'express', '5.0.0-beta.1'),
      expected: [
        {
          id: 'CVE-2024-29041',
          records: ['GHSA-rv95-896h-c2vc'],
          fixed: ['5.0.0-beta.3'],
          severity: 'MEDIUM',
          status: 'fixed',
        },
        {
          id: 'CVE-2024-43796',
          records: ['GHSA-qw6h-vgh9-j6wx'],
          fixed: ['5.0.0'],
          severity: 'MEDIUM',
          status: 'fixed',
        },
      ],
    },
    { what: 'npm fixed version itself is clean', pkg: pkg('npm', 'express', '5.0.0'), expected: [] },
    {
      what: 'npm range plus versions list name the same version once',
      pkg: pkg('npm', 'jws', '4.0.0'),
      expected: [
        {
          id: 'CVE-2025-65945',
          records: ['GHSA-869p-cjfg-cm3x'],
          fixed: ['4.0.1'],
          severity: 'HIGH',
          status: 'fixed',
        },
      ],
    },
    {
      what: 'GHSA last_affected: the last affected version itself is affected, with no fixed version',
      pkg: pkg('pypi', 'pip', '25.2'),
      expected: [
        {
          id: 'CVE-2025-8869',
          records: ['GHSA-4xh5-x5gv-qwph'],
          fixed: [],
          severity: 'MEDIUM',
          status: 'affected',
        },
      ],
    },
    { what: 'GHSA last_affected: above it is clean', pkg: pkg('pypi', 'pip', '25.3'), expected: [] },
    {
      what: 'PyPI names are PEP 503 normalised (Jinja2 / jinja2 records both match)',
      pkg: pkg('pypi', 'Jinja2', '3.1.2'),
      expected: [
        {
          id: 'CVE-2024-22195',
          records: ['GHSA-h5c8-rqwp-cp95'],
          fixed: ['3.1.3'],
          severity: 'MEDIUM',
          status: 'fixed',
        },
        {
          id: 'CVE-2024-34064',
          records: ['GHSA-h75v-3vvj-5mfj'],
          fixed: ['3.1.4'],
          severity: 'MEDIUM',
          status: 'fixed',
        },
        {
          id: 'CVE-2024-56201',
          records: ['GHSA-gmj6-6f8f-6699'],
          fixed: ['3.1.5'],
          severity: 'MEDIUM',
          status: 'fixed',
        },
        {
          id: 'CVE-2024-56326',
          records: ['GHSA-q2x7-8rv6-6q7h'],
          fixed: ['3.1.5'],
          severity: 'MEDIUM',
          status: 'fixed',
        },
        {
          id: 'CVE-2025-27516',
          records: ['GHSA-cpwx-vrp4-4pq7'],
          fixed: ['3.1.6'],
          severity: 'MEDIUM',
          status: 'fixed',
        },
      ],
    },
    {
      what: 'PyPI versions-only record (no ECOSYSTEM range): listed version affected, UNKNOWN severity',
      pkg: pkg('pypi', 'gratient', '0.5'),
      expected: [
        { id: 'PYSEC-2024-1', records: ['PYSEC-2024-1'], fixed: [], severity: 'UNKNOWN', status: 'affected' },
      ],
    },
    {
      what: 'PyPI versions-only record: an unlisted version is clean',
      pkg: pkg('pypi', 'gratient', '0.6'),
      expected: [],
    },
    {
      what: 'PYSEC CVSS v3.1 vectors scored (2.8 LOW, 6.5 MEDIUM)',
      pkg: pkg('pypi', 'keylime', '7.2.4'),
      expected: [
        {
          id: 'CVE-2023-3674',
          records: ['PYSEC-2023-128'],
          fixed: ['7.2.5'],
          severity: 'LOW',
          status: 'fixed',
        },
        {
          id: 'CVE-2023-38201',
          records: ['PYSEC-2023-160'],
          fixed: ['7.5.0'],
          severity: 'MEDIUM',
          status: 'fixed',
        },
      ],
    },
    {
      what: 'Go stdlib with a second introduced (1.18.0-0) interval',
      pkg: pkg('golang', 'stdlib', 'v1.17.11'),
      contains: {
        id: 'CVE-2022-1962',
        records: ['GO-2022-0515'],
        fixed: ['1.17.12'],
        severity: 'UNKNOWN',
        status: 'fixed',
      },
    },
    {
      what: 'Go stdlib in the second interval gets that interval’s fix',
      pkg: pkg('golang', 'stdlib', 'v1.18.3'),
      contains: {
        id: 'CVE-2022-1962',
        records: ['GO-2022-0515'],
        fixed: ['1.18.4'],
        severity: 'UNKNOWN',
        status: 'fixed',
      },
    },
    {
      what: 'Go pseudo-version below a pseudo-version fix',
      pkg: pkg('golang', 'golang.org/x/crypto', 'v0.0.0-20200128174031-69ecbb4d6d5d'),
      contains: {
        id: 'CVE-2020-9283',
        records: ['GO-2020-0012'],
        fixed: ['0.0.0-20200220183623-bac4c82f6975'],
        severity: 'UNKNOWN',
        status: 'fixed',
      },
    },
  ])('$what', ({ pkg: p, expected, contains }) => {
    const { findings, issues } = match([p]);
    expect(issues).toEqual([]);
    if (expected !== undefined) expect(findings.map(summary)).toEqual(expected);
    if (contains !== undefined) expect(findings.map(summary)).toContainEqual(contains);
  });

  it('a Go pseudo-version at or after the pseudo-version fix is clean for that record', () => {
    const { findings } = match([pkg('golang', 'golang.org/x/crypto', 'v0.0.0-20200220183623-bac4c82f6975')]);
    expect(findings.map((f) => f.records[0])).not.toContain('GO-2020-0012');
    expect(findings.map((f) => f.records[0])).toContain('GO-2021-0227');
  });

  it('withdrawn records never match (GO-2022-0617 covers every k8s.io/kubernetes version)', () => {
    const { findings } = match([pkg('golang', 'k8s.io/kubernetes', 'v1.20.0')]);
    expect(findings.length).toBeGreaterThan(10);
    expect(findings.flatMap((f) => f.records)).not.toContain('GO-2022-0617');
    expect(findings.map((f) => f.id)).not.toContain('CVE-2020-8562');
  });

  it('aliases: the other ids of the vulnerability, sorted; references and location kept', () => {
    const { findings } = match([pkg('golang', 'golang.org/x/crypto', 'v0.0.0-20200128174031-69ecbb4d6d5d')]);
    const finding = findings.find((f) => f.id === 'CVE-2020-9283');
    expect(finding?.aliases).toEqual(['GHSA-ffhg-7mh4-33c4', 'GO-2020-0012']);
    expect(finding?.location).toEqual({ path: 'app/lock', layerDigest: 'sha256:1111' });
    expect(finding?.references.length).toBeGreaterThan(0);
    expect(finding?.installedVersion).toBe('v0.0.0-20200128174031-69ecbb4d6d5d');
  });

  it('language packages owned by the OS are skipped unless includeOsOwned', () => {
    const owned = pkg('pypi', 'jinja2', '3.1.2', { osOwned: true });
    expect(match([owned]).findings).toEqual([]);
    expect(match([owned], undefined, { includeOsOwned: true }).findings.map((f) => f.id)).toContain(
      'CVE-2024-22195',
    );
  });

  it('reports packages it cannot check instead of dropping them silently', () => {
    const { findings, issues } = match([
      pkg('npm', 'lodash', 'not a version'),
      pkg('deb', 'bash', '5.2.15-2+b2'),
    ]);
    expect(findings).toEqual([]);
    expect(issues.map((i) => i.code)).toEqual(['VERSION_INVALID', 'OS_UNSUPPORTED']);
  });
});
