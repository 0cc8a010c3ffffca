import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedText, valueOrBosunError } from '../../../test/support/parser-property.ts';
import { isBosunError } from '../../util/errors.ts';
import { jsonNesting, parseSbom } from './parse-sbom.ts';

const CYCLONEDX = JSON.stringify({
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  metadata: { component: { type: 'container', name: 'registry.example/app', version: 'sha256:abc' } },
  components: [
    { type: 'operating-system', name: 'debian', version: '12' },
    {
      type: 'library',
      name: 'libssl3',
      version: '3.0.11-1~deb12u2',
      purl: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12',
      properties: [
        { name: 'bosun:package:sourceName', value: 'openssl' },
        { name: 'bosun:package:location', value: 'var/lib/dpkg/status' },
      ],
    },
    {
      type: 'library',
      name: 'core',
      purl: 'pkg:npm/%40babel/core@7.0.0',
      licenses: [{ license: { id: 'MIT' } }],
      evidence: { occurrences: [{ location: '/app/node_modules/@babel/core/package.json' }] },
      components: [{ type: 'library', name: 'nested', purl: 'pkg:golang/github.com/google/uuid@v1.3.0' }],
    },
    { type: 'library', name: 'no-purl' },
    { type: 'library', name: 'bin', purl: 'pkg:generic/thing@1' },
    { type: 'library', name: 'kernel', purl: 'pkg:rpm/redhat/kernel@5.14.0-1.el9?epoch=2&arch=x86_64' },
    { type: 'library', name: 'junit', purl: 'pkg:maven/org.junit/junit@4.12' },
    { type: 'machine-learning-model', name: 'models/a.pkl' },
  ],
});

const SPDX = JSON.stringify({
  spdxVersion: 'SPDX-2.3',
  SPDXID: 'SPDXRef-DOCUMENT',
  name: 'app-sbom',
  packages: [
    { SPDXID: 'SPDXRef-app', name: 'app', primaryPackagePurpose: 'CONTAINER' },
    {
      SPDXID: 'SPDXRef-os',
      name: 'Alpine',
      versionInfo: '3.19.1',
      primaryPackagePurpose: 'OPERATING_SYSTEM',
    },
    {
      SPDXID: 'SPDXRef-musl',
      name: 'musl',
      sourceInfo: 'built package from: musl',
      licenseConcluded: 'MIT',
      externalRefs: [
        {
          referenceCategory: 'PACKAGE-MANAGER',
          referenceType: 'purl',
          referenceLocator: 'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64',
        },
      ],
    },
    {
      SPDXID: 'SPDXRef-req',
      name: 'requests',
      licenseConcluded: 'NOASSERTION',
      externalRefs: [
        {
          referenceCategory: 'PACKAGE_MANAGER',
          referenceType: 'purl',
          referenceLocator: 'pkg:pypi/requests@2.31.0',
        },
      ],
    },
    { SPDXID: 'SPDXRef-x', name: 'mystery' },
  ],
});

describe('parseSbom', () => {
  it('reads CycloneDX components, nested ones included, with OS, source names, locations', () => {
    const sbom = parseSbom(Buffer.from(CYCLONEDX), 'bom.json');
    expect(sbom.format).toBe('cyclonedx');
    expect(sbom.subject).toEqual({ name: 'registry.example/app', version: 'sha256:abc' });
    expect(sbom.os).toEqual({ family: 'debian', id: 'debian', version: '12' });
    expect(sbom.packages.map((p) => [p.ecosystem, p.name, p.version])).toEqual([
      ['deb', 'libssl3', '3.0.11-1~deb12u2'],
      ['golang', 'github.com/google/uuid', 'v1.3.0'],
      ['maven', 'org.junit:junit', '4.12'],
      ['npm', '@babel/core', '7.0.0'],
      ['rpm', 'kernel', '2:5.14.0-1.el9'],
    ]);
    const deb = sbom.packages[0];
    expect(deb?.sourceName).toBe('openssl');
    expect(deb?.arch).toBe('amd64');
    expect(deb?.locations).toEqual([{ path: 'var/lib/dpkg/status' }]);
    const npm = sbom.packages.find((p) => p.ecosystem === 'npm');
    expect(npm?.locations).toEqual([{ path: 'app/node_modules/@babel/core/package.json' }]);
    expect(npm?.licenses).toEqual(['MIT']);
    expect(npm?.namespace).toBe('babel');
    expect(sbom.packages.find((p) => p.ecosystem === 'golang')?.locations).toEqual([{ path: 'bom.json' }]);
    expect(sbom.issues.map((i) => [i.path, i.code])).toEqual([
      ['no-purl', 'SBOM_NO_PURL'],
      ['bin', 'SBOM_PURL_SKIPPED'],
    ]);
  });

  it('reads SPDX packages by their purl external reference', () => {
    const sbom = parseSbom(Buffer.from(SPDX), 'spdx.json');
    expect(sbom.format).toBe('spdx');
    expect(sbom.os).toEqual({ family: 'alpine', id: 'alpine', version: '3.19.1' });
    expect(sbom.packages.map((p) => [p.purl, p.sourceName, p.licenses])).toEqual([
      ['pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64', 'musl', ['MIT']],
      ['pkg:pypi/requests@2.31.0', undefined, []],
    ]);
    expect(sbom.issues.map((i) => i.path)).toEqual(['mystery']);
  });

  it('takes the OS from a distro qualifier when no OS component is listed', () => {
    const bom = {
      bomFormat: 'CycloneDX',
      components: [
        { type: 'library', name: 'x', purl: 'pkg:deb/ubuntu/bash@5.1-6ubuntu1?distro=ubuntu-22.04' },
      ],
    };
    expect(parseSbom(Buffer.from(JSON.stringify(bom)), 'b').os).toEqual({
      family: 'ubuntu',
      id: 'ubuntu',
      version: '22.04',
    });
  });

  it.each([
    ['not JSON', '{"bomFormat":', 'SCAN_SBOM_INVALID'],
    ['an array', '[]', 'SCAN_SBOM_INVALID'],
    ['another document', '{"kind":"Pod"}', 'SCAN_SBOM_INVALID'],
    ['deep nesting', `{"bomFormat":"CycloneDX","x":${'['.repeat(200)}${']'.repeat(200)}}`, 'SCAN_SBOM_LIMIT'],
  ])('rejects %s', (_name, text, code) => {
    let caught: unknown;
    try {
      parseSbom(Buffer.from(text), 'in.json');
    } catch (error) {
      caught = error;
    }
    expect(isBosunError(caught) ? caught.code : caught).toBe(code);
  });

  it.each([
    ['bytes', { maxBytes: 10 }],
    ['components', { maxComponents: 3 }],
  ])('enforces the %s limit', (_name, limits) => {
    let caught: unknown;
    try {
      parseSbom(Buffer.from(CYCLONEDX), 'bom.json', limits);
    } catch (error) {
      caught = error;
    }
    expect(isBosunError(caught, 'SCAN_SBOM_LIMIT')).toBe(true);
  });

  it('counts nesting outside strings only', () => {
    expect(jsonNesting('{"a":"[[[[{{{{\\"","b":[{}]}', 10)).toBe(3);
  });

  it.each([
    ['CycloneDX', CYCLONEDX],
    ['SPDX', SPDX],
  ])('property: mutated %s gives a value or a BosunError, within limits', (_name, seed) => {
    fc.assert(
      fc.property(mutatedText(seed), (text) => {
        const parsed = valueOrBosunError(
          () => parseSbom(Buffer.from(text), 'fuzz.json', { maxComponents: 50 }),
          ['SCAN_SBOM_INVALID', 'SCAN_SBOM_LIMIT'],
        );
        if (parsed !== undefined) expect(parsed.packages.length).toBeLessThanOrEqual(50);
      }),
      { numRuns: 400 },
    );
  });
});
