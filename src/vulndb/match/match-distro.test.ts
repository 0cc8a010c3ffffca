import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OsInfo, Package } from '../../inventory/index.ts';
import { osvRecord, range } from '../../../test/builders/osv.ts';
import { buildVulnDb } from '../db/build-db.ts';
import { openVulnDb } from '../db/schema.ts';
import type { Finding } from './finding.ts';
import { matchInventory } from './match-inventory.ts';

/*
 * The shared OSV folder has no distro records, so these are small OSV records written in the
 * test from real facts:
 * - Debian versions and CVEs are from the Debian changelogs of a bookworm system
 *   (openssh 1:9.2p1-2+deb12u5 fixes CVE-2025-26465; openssl 3.0.19-1~deb12u2 fixes
 *   CVE-2026-28387; expat 2.5.0-1+deb12u1 fixes CVE-2024-45490), with ids in OSV's Debian
 *   tracker form (DEBIAN-CVE-...).
 * - Debian tracker states: CVE-2011-3374 (apt) is open and `unimportant` in every release;
 *   CVE-2016-2781 (coreutils) is left unfixed in bookworm (`<no-dsa>`); CVE-2024-3094 (xz backdoor)
 *   is not-affected in bookworm (the tracker writes fixed_version "0"). Where OSV's conversion puts
 *   such states in `ecosystem_specific` is an assumption written here as `urgency`/`status`.
 * - Alpine 3.19 openssl 3.1.4-r5 fixes CVE-2024-0727 (Alpine secfixes); Ubuntu 22.04 openssl
 *   3.0.2-0ubuntu1.14 fixes it (USN-6622-1).
 */
const RECORDS = [
  osvRecord({
    id: 'DEBIAN-CVE-2025-26465',
    aliases: ['CVE-2025-26465'],
    summary: 'openssh: MitM in verify_host_key_callback',
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:H/A:N' }],
    affected: [
      {
        ecosystem: 'Debian:12',
        name: 'openssh',
        ranges: [range('ECOSYSTEM', ['introduced', '0'], ['fixed', '1:9.2p1-2+deb12u5'])],
        ecosystem_specific: { urgency: 'medium' },
      },
      {
        ecosystem: 'Debian:11',
        name: 'openssh',
        ranges: [range('ECOSYSTEM', ['introduced', '0'], ['fixed', '1:8.4p1-5+deb11u4'])],
      },
    ],
  }),
  osvRecord({
    id: 'DSA-TEST-1',
    aliases: ['CVE-2025-26465'],
    summary: 'openssh security update',
    affected: [
      {
        ecosystem: 'Debian:12',
        name: 'openssh',
        ranges: [range('ECOSYSTEM', ['introduced', '0'], ['fixed', '1:9.2p1-2+deb12u5'])],
      },
    ],
  }),
  osvRecord({
    id: 'DEBIAN-CVE-2026-28387',
    aliases: ['CVE-2026-28387'],
    affected: [
      {
        ecosystem: 'Debian:12',
        name: 'openssl',
        ranges: [range('ECOSYSTEM', ['introduced', '0'], ['fixed', '3.0.19-1~deb12u2'])],
        ecosystem_specific: { urgency: 'high' },
      },
    ],
  }),
  osvRecord({
    id: 'DEBIAN-CVE-2011-3374',
    aliases: ['CVE-2011-3374'],
    affected: [
      {
        ecosystem: 'Debian:12',
        name: 'apt',
        ranges: [range('ECOSYSTEM', ['introduced', '0'])],
        ecosystem_specific: { urgency: 'unimportant' },
      },
    ],
  }),
  osvRecord({
    id: 'DEBIAN-CVE-2016-2781',
    aliases: ['CVE-2016-2781'],
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:C/C:N/I:H/A:N' }],
    affected: [
      {
        ecosystem: 'Debian:12',
        name: 'coreutils',
        ranges: [range('ECOSYSTEM', ['introduced', '0'], ['fixed', '<no-dsa>'])],
        ecosystem_specific: { urgency: 'low' },
      },
    ],
  }),
  osvRecord({
    id: 'DEBIAN-CVE-2024-3094',
    aliases: ['CVE-2024-3094'],
    affected: [
      {
        ecosystem: 'Debian:12',
        name: 'xz-utils',
        ranges: [range('ECOSYSTEM', ['introduced', '0'], ['fixed', '0'])],
      },
      {
        ecosystem: 'Debian:11',
        name: 'xz-utils',
        ranges: [range('ECOSYSTEM', ['introduced', '0'], ['fixed', '<not-affected>'])],
      },
    ],
  }),
  osvRecord({
    id: 'ALPINE-CVE-2024-0727',
    aliases: ['CVE-2024-0727'],
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }],
    affected: [
      {
        ecosystem: 'Alpine:v3.19',
        name: 'openssl',
        ranges: [range('ECOSYSTEM', ['introduced', '0'], ['fixed', '3.1.4-r5'])],
      },
    ],
  }),
  osvRecord({
    id: 'UBUNTU-CVE-2024-0727',
    aliases: ['CVE-2024-0727'],
    severity: [
      { type: 'Ubuntu', score: 'low' },
      { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' },
    ],
    affected: [
      {
        ecosystem: 'Ubuntu:22.04:LTS',
        name: 'openssl',
        ranges: [range('ECOSYSTEM', ['introduced', '0'], ['fixed', '3.0.2-0ubuntu1.14'])],
      },
      {
        ecosystem: 'Ubuntu:Pro:18.04:LTS',
        name: 'openssl',
        ranges: [range('ECOSYSTEM', ['introduced', '0'])],
      },
    ],
  }),
  osvRecord({
    id: 'DEBIAN-CVE-2099-0001',
    withdrawn: '2024-02-01T00:00:00Z',
    aliases: ['CVE-2099-0001'],
    affected: [{ ecosystem: 'Debian:12', name: 'apt', ranges: [range('ECOSYSTEM', ['introduced', '0'])] }],
  }),
];

const DEBIAN_12: OsInfo = { family: 'debian', version: '12', codename: 'bookworm', id: 'debian' };

function deb(name: string, version: string, source?: { name: string; version: string }): Package {
  return {
    ecosystem: 'deb',
    name,
    version,
    ...(source === undefined ? {} : { sourceName: source.name, sourceVersion: source.version }),
    licenses: [],
    purl: `pkg:deb/debian/${name}@${version}`,
    locations: [{ path: 'var/lib/dpkg/status', layerDigest: 'sha256:2222' }],
    osOwned: true,
  };
}

function summary(finding: Finding) {
  return {
    id: finding.id,
    records: finding.records,
    installed: finding.installedVersion,
    fixed: finding.fixedVersions,
    severity: finding.severity,
    source: finding.severitySource,
    status: finding.status,
  };
}

let dir: string;
let db: DatabaseSync;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bosun-distro-'));
  const files = RECORDS.map((record) => ({
    name: `${String(record['id'])}.json`,
    bytes: Buffer.from(JSON.stringify(record)),
  }));
  await buildVulnDb(join(dir, 'distro.db'), [{ kind: 'files', label: 'distro-fixtures', files }], {
    strict: true,
  });
  db = openVulnDb(join(dir, 'distro.db'));
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('matchInventory on distro records', () => {
  it.each([
    {
      what: 'Debian: binary matched by source package, epoch compared, records merged by alias, distro urgency wins over CVSS',
      os: DEBIAN_12,
      pkg: deb('openssh-client', '1:9.2p1-2+deb12u4', { name: 'openssh', version: '1:9.2p1-2+deb12u4' }),
      expected: [
        {
          id: 'CVE-2025-26465',
          records: ['DEBIAN-CVE-2025-26465', 'DSA-TEST-1'],
          installed: '1:9.2p1-2+deb12u4',
          fixed: ['1:9.2p1-2+deb12u5'],
          severity: 'MEDIUM',
          source: 'distro',
          status: 'fixed',
        },
      ],
    },
    {
      what: 'Debian: the fixed version is clean',
      os: DEBIAN_12,
      pkg: deb('openssh-client', '1:9.2p1-2+deb12u5', { name: 'openssh', version: '1:9.2p1-2+deb12u5' }),
      expected: [],
    },
    {
      what: 'Debian: without its epoch 9.9p1 sorts below 1:9.2p1 and stays affected',
      os: DEBIAN_12,
      pkg: deb('openssh-client', '9.9p1-1', { name: 'openssh', version: '9.9p1-1' }),
      expected: [
        {
          id: 'CVE-2025-26465',
          records: ['DEBIAN-CVE-2025-26465', 'DSA-TEST-1'],
          installed: '9.9p1-1',
          fixed: ['1:9.2p1-2+deb12u5'],
          severity: 'MEDIUM',
          source: 'distro',
          status: 'fixed',
        },
      ],
    },
    {
      what: 'Debian: ~ sorts before the release (3.0.19-1~deb12u1 < 3.0.19-1~deb12u2)',
      os: DEBIAN_12,
      pkg: deb('libssl3', '3.0.19-1~deb12u1', { name: 'openssl', version: '3.0.19-1~deb12u1' }),
      expected: [
        {
          id: 'CVE-2026-28387',
          records: ['DEBIAN-CVE-2026-28387'],
          installed: '3.0.19-1~deb12u1',
          fixed: ['3.0.19-1~deb12u2'],
          severity: 'HIGH',
          source: 'distro',
          status: 'fixed',
        },
      ],
    },
    {
      what: 'Debian: 3.0.19-1 is above 3.0.19-1~deb12u2',
      os: DEBIAN_12,
      pkg: deb('libssl3', '3.0.19-1', { name: 'openssl', version: '3.0.19-1' }),
      expected: [],
    },
    {
      what: 'Debian: unfixed and unimportant → LOW, affected; the withdrawn record is ignored',
      os: DEBIAN_12,
      pkg: deb('apt', '2.6.1'),
      expected: [
        {
          id: 'CVE-2011-3374',
          records: ['DEBIAN-CVE-2011-3374'],
          installed: '2.6.1',
          fixed: [],
          severity: 'LOW',
          source: 'distro',
          status: 'affected',
        },
      ],
    },
    {
      what: 'Debian: <no-dsa> → will-not-fix',
      os: DEBIAN_12,
      pkg: deb('coreutils', '9.1-1'),
      expected: [
        {
          id: 'CVE-2016-2781',
          records: ['DEBIAN-CVE-2016-2781'],
          installed: '9.1-1',
          fixed: [],
          severity: 'LOW',
          source: 'distro',
          status: 'will-not-fix',
        },
      ],
    },
    {
      what: 'Debian: fixed "0" (not affected in bookworm) never matches',
      os: DEBIAN_12,
      pkg: deb('xz-utils', '5.4.1-0.2'),
      expected: [],
    },
    {
      what: 'Debian 11: <not-affected> never matches',
      os: { family: 'debian', version: '11' },
      pkg: deb('xz-utils', '5.2.5-2.1~deb11u1'),
      expected: [],
    },
    {
      what: 'Debian: another release’s range does not apply (Debian:11 record, Debian 12 image)',
      os: DEBIAN_12,
      pkg: deb('openssh-client', '1:8.4p1-5+deb11u3', { name: 'openssh', version: '1:8.4p1-5+deb11u3' }),
      expected: [
        {
          id: 'CVE-2025-26465',
          records: ['DEBIAN-CVE-2025-26465', 'DSA-TEST-1'],
          installed: '1:8.4p1-5+deb11u3',
          fixed: ['1:9.2p1-2+deb12u5'],
          severity: 'MEDIUM',
          source: 'distro',
          status: 'fixed',
        },
      ],
    },
    {
      what: 'Alpine: matched by origin; -r5 fixes -r4 (no distro rating: CVSS 7.5 → HIGH)',
      os: { family: 'alpine', version: '3.19.1' },
      pkg: {
        ...deb('libcrypto3', '3.1.4-r4', { name: 'openssl', version: '3.1.4-r4' }),
        ecosystem: 'apk' as const,
        purl: 'pkg:apk/alpine/libcrypto3@3.1.4-r4',
      },
      expected: [
        {
          id: 'CVE-2024-0727',
          records: ['ALPINE-CVE-2024-0727'],
          installed: '3.1.4-r4',
          fixed: ['3.1.4-r5'],
          severity: 'HIGH',
          source: 'cvss',
          status: 'fixed',
        },
      ],
    },
    {
      what: 'Alpine: -r10 is above -r5 (numeric, not text)',
      os: { family: 'alpine', version: '3.19.1' },
      pkg: {
        ...deb('libcrypto3', '3.1.4-r10', { name: 'openssl', version: '3.1.4-r10' }),
        ecosystem: 'apk' as const,
        purl: 'pkg:apk/alpine/libcrypto3@3.1.4-r10',
      },
      expected: [],
    },
    {
      what: 'Alpine: another branch (v3.18 image) does not see v3.19 records',
      os: { family: 'alpine', version: '3.18.4' },
      pkg: {
        ...deb('libcrypto3', '3.1.4-r4', { name: 'openssl', version: '3.1.4-r4' }),
        ecosystem: 'apk' as const,
        purl: 'pkg:apk/alpine/libcrypto3@3.1.4-r4',
      },
      expected: [],
    },
    {
      what: 'Ubuntu: `Ubuntu:22.04:LTS`, Ubuntu priority preferred to CVSS, Pro stream ignored',
      os: { family: 'ubuntu', version: '22.04' },
      pkg: {
        ...deb('libssl3', '3.0.2-0ubuntu1.12', { name: 'openssl', version: '3.0.2-0ubuntu1.12' }),
        purl: 'pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.12',
      },
      expected: [
        {
          id: 'CVE-2024-0727',
          records: ['UBUNTU-CVE-2024-0727'],
          installed: '3.0.2-0ubuntu1.12',
          fixed: ['3.0.2-0ubuntu1.14'],
          severity: 'LOW',
          source: 'distro',
          status: 'fixed',
        },
      ],
    },
  ])('$what', ({ os, pkg, expected }) => {
    expect(matchInventory(db, { os, packages: [pkg] }).map(summary)).toEqual(expected);
  });

  it('OS-owned language packages are left to the distro by default', () => {
    const python: Package = { ...deb('jinja2', '3.1.2'), ecosystem: 'pypi', purl: 'pkg:pypi/jinja2@3.1.2' };
    expect(matchInventory(db, { os: DEBIAN_12, packages: [python] })).toEqual([]);
  });
});
