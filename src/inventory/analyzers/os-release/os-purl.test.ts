import { describe, expect, it } from 'vitest';
import type { Package } from '../../types.ts';
import { applyOs, buildOsPurl, osDistroQualifier } from './os-purl.ts';

function pkg(ecosystem: Package['ecosystem'], purl: string): Package {
  return { ecosystem, name: 'x', version: '1', licenses: [], purl, locations: [] };
}

describe('os purls', () => {
  it.each([
    [
      { type: 'deb', namespace: 'debian', name: 'libc6', version: '2.36-9', arch: 'amd64' },
      'pkg:deb/debian/libc6@2.36-9?arch=amd64',
    ],
    [
      { type: 'deb', namespace: 'debian', name: 'ed', version: '1:1.19-1', arch: 'amd64' },
      'pkg:deb/debian/ed@1:1.19-1?arch=amd64',
    ],
    [
      { type: 'rpm', name: 'bash', version: '5.1.8-6.el9', arch: 'x86_64', epoch: '0' },
      'pkg:rpm/bash@5.1.8-6.el9?arch=x86_64',
    ],
    [
      { type: 'rpm', name: 'bind', version: '9.16-1', arch: 'x86_64', epoch: '32' },
      'pkg:rpm/bind@9.16-1?arch=x86_64&epoch=32',
    ],
    [
      { type: 'apk', namespace: 'alpine', name: 'musl', version: '1.2.4-r2', arch: 'x86_64' },
      'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64',
    ],
  ] as const)('%j → %s', (parts, expected) => {
    expect(buildOsPurl(parts)).toEqual(expected);
  });

  it.each([
    [{ family: 'debian', id: 'debian', version: '12' }, 'debian-12'],
    [{ family: 'distroless', id: 'debian', version: '12' }, 'debian-12'],
    [{ family: 'debian', id: 'debian', codename: 'trixie' }, 'debian-trixie'],
    [{ family: 'unknown', id: 'arch' }, undefined],
  ])('distro qualifier of %j is %s', (os, expected) => {
    expect(osDistroQualifier(os)).toEqual(expected);
  });

  it('re-stamps OS packages with namespace and distro, leaves others alone', () => {
    const npm = pkg('npm', 'pkg:npm/left-pad@1.3.0');
    const packages = [
      pkg('deb', 'pkg:deb/debian/bash@5.2-1?arch=amd64'),
      pkg('rpm', 'pkg:rpm/bash@5.1-1.el9?arch=x86_64&epoch=1'),
      npm,
    ];
    expect(
      applyOs(packages, { family: 'ubuntu', id: 'ubuntu', version: '22.04' }).map((p) => p.purl),
    ).toEqual([
      'pkg:deb/ubuntu/bash@5.2-1?arch=amd64&distro=ubuntu-22.04',
      'pkg:rpm/ubuntu/bash@5.1-1.el9?arch=x86_64&distro=ubuntu-22.04&epoch=1',
      'pkg:npm/left-pad@1.3.0',
    ]);
    expect(applyOs(packages, { family: 'rhel', id: 'rhel', version: '9.3' })[1]).toMatchObject({
      namespace: 'redhat',
      purl: 'pkg:rpm/redhat/bash@5.1-1.el9?arch=x86_64&distro=rhel-9.3&epoch=1',
    });
    expect(applyOs(packages, { family: 'unknown' })).toEqual(packages);
  });
});
