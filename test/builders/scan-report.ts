/**
 * Small, deterministic scan results for report tests: a Debian image with OS packages in two
 * layers, an npm lockfile with a dependency edge, a Python package, and findings against them.
 */
import type { Package } from '../../src/inventory/index.ts';
import type { ModelScanResult } from '../../src/models/index.ts';
import type { ScanReport } from '../../src/report/index.ts';
import type { Finding } from '../../src/vulndb/index.ts';

export const LAYER_1 = `sha256:${'1'.repeat(64)}`;
export const LAYER_2 = `sha256:${'2'.repeat(64)}`;
export const DIFF_1 = `sha256:${'a'.repeat(64)}`;
export const DIFF_2 = `sha256:${'b'.repeat(64)}`;
export const IMAGE_DIGEST = `sha256:${'d'.repeat(64)}`;

export function pkg(
  fields: Partial<Package> & Pick<Package, 'ecosystem' | 'name' | 'version' | 'purl'>,
): Package {
  return { licenses: [], locations: [], ...fields };
}

export const openssl = pkg({
  ecosystem: 'deb',
  name: 'openssl',
  version: '3.0.11-1~deb12u2',
  sourceName: 'openssl',
  arch: 'amd64',
  namespace: 'debian',
  licenses: ['Apache-2.0'],
  purl: 'pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12',
  locations: [{ layerDigest: LAYER_1, diffId: DIFF_1, path: 'var/lib/dpkg/status' }],
  osOwned: true,
});

export const zlib = pkg({
  ecosystem: 'deb',
  name: 'zlib1g',
  version: '1:1.2.13.dfsg-1',
  sourceName: 'zlib',
  arch: 'amd64',
  namespace: 'debian',
  licenses: ['Zlib', 'GPL-2.0-or-later WITH Autoconf-exception-generic', 'public-domain'],
  purl: 'pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12',
  locations: [{ layerDigest: LAYER_1, diffId: DIFF_1, path: 'var/lib/dpkg/status' }],
  osOwned: true,
});

export const curl = pkg({
  ecosystem: 'deb',
  name: 'curl',
  version: '7.88.1-10+deb12u5',
  namespace: 'debian',
  licenses: ['curl'],
  purl: 'pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12',
  locations: [{ layerDigest: LAYER_2, diffId: DIFF_2, path: 'var/lib/dpkg/status' }],
  osOwned: true,
});

export const express = pkg({
  ecosystem: 'npm',
  name: 'express',
  version: '4.17.1',
  licenses: ['MIT'],
  purl: 'pkg:npm/express@4.17.1',
  locations: [{ layerDigest: LAYER_2, diffId: DIFF_2, path: 'app/package-lock.json' }],
  dependsOn: ['pkg:npm/qs@6.7.0', 'pkg:npm/not-in-inventory@1.0.0'],
});

export const qs = pkg({
  ecosystem: 'npm',
  name: 'qs',
  version: '6.7.0',
  licenses: ['BSD-3-Clause'],
  purl: 'pkg:npm/qs@6.7.0',
  locations: [{ layerDigest: LAYER_2, diffId: DIFF_2, path: 'app/package-lock.json' }],
});

export const requests = pkg({
  ecosystem: 'pypi',
  name: 'requests',
  version: '2.25.0',
  licenses: ['Apache 2.0'],
  purl: 'pkg:pypi/requests@2.25.0',
  locations: [
    {
      layerDigest: LAYER_2,
      diffId: DIFF_2,
      path: 'usr/lib/python3/dist-packages/requests-2.25.0.dist-info/METADATA',
    },
  ],
});

export function finding(fields: Partial<Finding> & Pick<Finding, 'id' | 'package'>): Finding {
  return {
    aliases: [],
    records: [fields.id],
    installedVersion: fields.package.version,
    fixedVersions: [],
    severity: 'UNKNOWN',
    severitySource: 'none',
    status: 'affected',
    references: [],
    location: fields.package.locations[0],
    ...fields,
  };
}

export const findings: readonly Finding[] = [
  finding({
    id: 'CVE-2024-0727',
    aliases: ['DLA-3942-1'],
    package: openssl,
    installedVersion: '3.0.11-1~deb12u2',
    fixedVersions: ['3.0.13-1~deb12u1'],
    severity: 'MEDIUM',
    severitySource: 'cvss',
    cvss: { version: '3.1', vector: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H', score: 5.5 },
    status: 'fixed',
    title: 'PKCS12 NULL dereference',
    references: ['https://security-tracker.debian.org/tracker/CVE-2024-0727'],
  }),
  finding({
    id: 'CVE-2023-45853',
    package: zlib,
    severity: 'CRITICAL',
    severitySource: 'distro',
    status: 'will-not-fix',
    title: 'MiniZip integer overflow in zipOpenNewFileInZip4_64',
  }),
  finding({
    id: 'CVE-2024-2398',
    package: curl,
    fixedVersions: ['7.88.1-10+deb12u6'],
    severity: 'HIGH',
    severitySource: 'cvss',
    cvss: { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', score: 7.5 },
    status: 'fixed',
    title: 'HTTP/2 push headers memory-leak',
    references: ['https://curl.se/docs/CVE-2024-2398.html'],
  }),
  finding({
    id: 'CVE-2022-24999',
    aliases: ['GHSA-hrpp-h998-j3pp'],
    package: qs,
    fixedVersions: ['6.7.3'],
    severity: 'HIGH',
    severitySource: 'database',
    status: 'fixed',
    title: 'qs vulnerable to Prototype Pollution',
    references: ['https://github.com/advisories/GHSA-hrpp-h998-j3pp'],
  }),
  finding({
    id: 'CVE-2024-29041',
    aliases: ['GHSA-rv95-896h-c2vc'],
    package: express,
    fixedVersions: ['4.19.2', '5.0.0-beta.3'],
    severity: 'MEDIUM',
    severitySource: 'database',
    status: 'fixed',
    title: 'Express.js Open Redirect in malformed URLs',
    references: ['https://github.com/advisories/GHSA-rv95-896h-c2vc'],
  }),
  finding({
    id: 'CVE-2023-32681',
    aliases: ['GHSA-j8r2-6x86-q33q', 'PYSEC-2023-74'],
    package: requests,
    fixedVersions: ['2.31.0'],
    severity: 'MEDIUM',
    severitySource: 'cvss',
    cvss: { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N', score: 6.1 },
    status: 'fixed',
    title: 'Unintended leak of Proxy-Authorization header',
    references: ['https://github.com/psf/requests/security/advisories/GHSA-j8r2-6x86-q33q'],
  }),
];

export const modelResult: ModelScanResult = {
  file: 'models/classifier.pkl',
  formats: ['pickle'],
  verdict: 'fail',
  bytesRead: 120,
  findings: [
    {
      file: 'models/classifier.pkl',
      location: [],
      format: 'pickle',
      offset: 2,
      kind: 'dangerous-callable',
      severity: 'CRITICAL',
      verdict: 'dangerous',
      callable: 'os.system',
      callChain: ['GLOBAL os.system @2', 'REDUCE @40'],
      message: 'calls os.system when loaded',
    },
  ],
};

export function sampleReport(overrides: Partial<ScanReport> = {}): ScanReport {
  return {
    artifact: {
      name: 'registry.example/shop/api:1.4',
      type: 'container-image',
      digest: IMAGE_DIGEST,
      repoDigests: [`registry.example/shop/api@${IMAGE_DIGEST}`],
      platform: { os: 'linux', architecture: 'amd64' },
      layers: [
        { digest: LAYER_1, diffId: DIFF_1 },
        { digest: LAYER_2, diffId: DIFF_2 },
      ],
    },
    inventory: {
      os: {
        family: 'debian',
        version: '12.5',
        codename: 'bookworm',
        prettyName: 'Debian GNU/Linux 12 (bookworm)',
      },
      packages: [curl, express, openssl, qs, requests, zlib],
      modelFiles: [
        {
          path: 'models/classifier.pkl',
          format: 'pickle',
          size: 120,
          evidence: 'magic',
          location: { layerDigest: LAYER_2, diffId: DIFF_2, path: 'models/classifier.pkl' },
        },
      ],
    },
    findings,
    models: [modelResult],
    ...overrides,
  };
}

export const FIXED_TIME = new Date('2024-05-01T12:00:00.000Z');
