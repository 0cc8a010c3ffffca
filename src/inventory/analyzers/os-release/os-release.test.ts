import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnalyzerInput } from '../../analyzer.ts';
import type { OsInfo } from '../../types.ts';
import { osInfoFromFile, osReleaseAnalyzer, resolveOs } from './os-release.ts';
import { parseOsReleaseFields } from './parse-os-release.ts';

// Real release-file texts as the distributions ship them (trimmed to the fields that matter).
const OS_RELEASE_CASES: readonly (readonly [string, string, OsInfo])[] = [
  [
    'debian 12',
    `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"`,
    {
      family: 'debian',
      id: 'debian',
      version: '12',
      codename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
    },
  ],
  [
    'debian trixie/sid (no VERSION_ID)',
    `PRETTY_NAME="Debian GNU/Linux trixie/sid"
NAME="Debian GNU/Linux"
VERSION_CODENAME=trixie
ID=debian`,
    { family: 'debian', id: 'debian', codename: 'trixie', prettyName: 'Debian GNU/Linux trixie/sid' },
  ],
  [
    'ubuntu 22.04',
    `PRETTY_NAME="Ubuntu 22.04.3 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.3 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
UBUNTU_CODENAME=jammy`,
    { family: 'ubuntu', id: 'ubuntu', version: '22.04', codename: 'jammy', prettyName: 'Ubuntu 22.04.3 LTS' },
  ],
  [
    'alpine 3.19',
    `NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.19.1
PRETTY_NAME="Alpine Linux v3.19"
HOME_URL="https://alpinelinux.org/"`,
    { family: 'alpine', id: 'alpine', version: '3.19.1', prettyName: 'Alpine Linux v3.19' },
  ],
  [
    'ubi 9 (rhel)',
    `NAME="Red Hat Enterprise Linux"
VERSION="9.3 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Red Hat Enterprise Linux 9.3 (Plow)"`,
    { family: 'rhel', id: 'rhel', version: '9.3', prettyName: 'Red Hat Enterprise Linux 9.3 (Plow)' },
  ],
  [
    'centos 7',
    `NAME="CentOS Linux"
VERSION="7 (Core)"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="7"
PRETTY_NAME="CentOS Linux 7 (Core)"`,
    { family: 'centos', id: 'centos', version: '7', prettyName: 'CentOS Linux 7 (Core)' },
  ],
  [
    'rocky 9',
    `NAME="Rocky Linux"
VERSION="9.3 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"`,
    { family: 'rocky', id: 'rocky', version: '9.3', prettyName: 'Rocky Linux 9.3 (Blue Onyx)' },
  ],
  [
    'almalinux 8',
    `NAME="AlmaLinux"
VERSION="8.9 (Midnight Oncilla)"
ID="almalinux"
ID_LIKE="rhel centos fedora"
VERSION_ID="8.9"
PRETTY_NAME="AlmaLinux 8.9 (Midnight Oncilla)"`,
    { family: 'almalinux', id: 'almalinux', version: '8.9', prettyName: 'AlmaLinux 8.9 (Midnight Oncilla)' },
  ],
  [
    'fedora 39',
    `NAME="Fedora Linux"
VERSION="39 (Container Image)"
ID=fedora
VERSION_ID=39
VERSION_CODENAME=""
PRETTY_NAME="Fedora Linux 39 (Container Image)"`,
    { family: 'fedora', id: 'fedora', version: '39', prettyName: 'Fedora Linux 39 (Container Image)' },
  ],
  [
    'amazon linux 2023',
    `NAME="Amazon Linux"
VERSION="2023"
ID="amzn"
ID_LIKE="fedora"
VERSION_ID="2023"
PLATFORM_ID="platform:al2023"
PRETTY_NAME="Amazon Linux 2023.3.20240117"`,
    { family: 'amzn', id: 'amzn', version: '2023', prettyName: 'Amazon Linux 2023.3.20240117' },
  ],
  [
    'sles 15 sp5',
    `NAME="SLES"
VERSION="15-SP5"
VERSION_ID="15.5"
PRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"
ID="sles"
ID_LIKE="suse"`,
    { family: 'sles', id: 'sles', version: '15.5', prettyName: 'SUSE Linux Enterprise Server 15 SP5' },
  ],
  [
    'opensuse leap 15.5',
    `NAME="openSUSE Leap"
VERSION="15.5"
ID="opensuse-leap"
ID_LIKE="suse opensuse"
VERSION_ID="15.5"
PRETTY_NAME="openSUSE Leap 15.5"`,
    { family: 'opensuse-leap', id: 'opensuse-leap', version: '15.5', prettyName: 'openSUSE Leap 15.5' },
  ],
  [
    'wolfi',
    `ID=wolfi
NAME="Wolfi"
PRETTY_NAME="Wolfi"
VERSION_ID="20230201"
HOME_URL="https://wolfi.dev"`,
    { family: 'wolfi', id: 'wolfi', version: '20230201', prettyName: 'Wolfi' },
  ],
  [
    'chainguard',
    `ID=chainguard
NAME="Chainguard"
PRETTY_NAME="Chainguard"
VERSION_ID="20230214"
HOME_URL="https://chainguard.dev/"`,
    { family: 'chainguard', id: 'chainguard', version: '20230214', prettyName: 'Chainguard' },
  ],
  [
    'photon 5',
    `NAME="VMware Photon OS"
VERSION="5.0"
ID=photon
VERSION_ID=5.0
PRETTY_NAME="VMware Photon OS/Linux"`,
    { family: 'photon', id: 'photon', version: '5.0', prettyName: 'VMware Photon OS/Linux' },
  ],
  [
    'distroless',
    `PRETTY_NAME="Distroless"
NAME="Debian GNU/Linux"
ID="debian"
VERSION_ID="12"
VERSION="Debian GNU/Linux 12 (bookworm)"
HOME_URL="https://github.com/GoogleContainerTools/distroless"`,
    { family: 'distroless', id: 'debian', version: '12', codename: 'bookworm', prettyName: 'Distroless' },
  ],
  [
    'arch (unknown family)',
    `NAME="Arch Linux"
PRETTY_NAME="Arch Linux"
ID=arch
BUILD_ID=rolling`,
    { family: 'unknown', id: 'arch', prettyName: 'Arch Linux' },
  ],
  [
    'debian 8 (codename only in VERSION)',
    `PRETTY_NAME="Debian GNU/Linux 8 (jessie)"
NAME="Debian GNU/Linux"
VERSION_ID="8"
VERSION="8 (jessie)"
ID=debian`,
    {
      family: 'debian',
      id: 'debian',
      version: '8',
      codename: 'jessie',
      prettyName: 'Debian GNU/Linux 8 (jessie)',
    },
  ],
  ['empty', '', { family: 'unknown' }],
];

const OTHER_FILE_CASES: readonly (readonly [string, string, OsInfo])[] = [
  ['etc/alpine-release', '3.18.4\n', { family: 'alpine', id: 'alpine', version: '3.18.4' }],
  ['etc/debian_version', '12.4\n', { family: 'debian', id: 'debian', version: '12.4' }],
  ['etc/debian_version', 'bookworm/sid\n', { family: 'debian', id: 'debian', codename: 'bookworm' }],
  [
    'etc/redhat-release',
    'Red Hat Enterprise Linux release 8.9 (Ootpa)\n',
    {
      family: 'rhel',
      id: 'rhel',
      version: '8.9',
      codename: 'Ootpa',
      prettyName: 'Red Hat Enterprise Linux release 8.9 (Ootpa)',
    },
  ],
  [
    'etc/centos-release',
    'CentOS Linux release 7.9.2009 (Core)\n',
    {
      family: 'centos',
      id: 'centos',
      version: '7.9.2009',
      codename: 'Core',
      prettyName: 'CentOS Linux release 7.9.2009 (Core)',
    },
  ],
  [
    'etc/centos-release',
    'CentOS Stream release 9\n',
    { family: 'centos', id: 'centos', version: '9', prettyName: 'CentOS Stream release 9' },
  ],
  [
    'etc/rocky-release',
    'Rocky Linux release 9.3 (Blue Onyx)\n',
    {
      family: 'rocky',
      id: 'rocky',
      version: '9.3',
      codename: 'Blue Onyx',
      prettyName: 'Rocky Linux release 9.3 (Blue Onyx)',
    },
  ],
  [
    'etc/almalinux-release',
    'AlmaLinux release 9.3 (Shamrock Pampas Cat)\n',
    {
      family: 'almalinux',
      id: 'almalinux',
      version: '9.3',
      codename: 'Shamrock Pampas Cat',
      prettyName: 'AlmaLinux release 9.3 (Shamrock Pampas Cat)',
    },
  ],
  [
    'etc/fedora-release',
    'Fedora release 39 (Thirty Nine)\n',
    {
      family: 'fedora',
      id: 'fedora',
      version: '39',
      codename: 'Thirty Nine',
      prettyName: 'Fedora release 39 (Thirty Nine)',
    },
  ],
  [
    'etc/system-release',
    'Amazon Linux release 2 (Karoo)\n',
    {
      family: 'amzn',
      id: 'amzn',
      version: '2',
      codename: 'Karoo',
      prettyName: 'Amazon Linux release 2 (Karoo)',
    },
  ],
  [
    'etc/system-release',
    'Amazon Linux AMI release 2018.03\n',
    { family: 'amzn', id: 'amzn', version: '2018.03', prettyName: 'Amazon Linux AMI release 2018.03' },
  ],
  [
    'etc/SuSE-release',
    'SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 3\n',
    { family: 'sles', id: 'sles', version: '12.3', prettyName: 'SUSE Linux Enterprise Server 12 (x86_64)' },
  ],
  [
    'etc/photon-release',
    'VMware Photon OS 4.0\nPHOTON_BUILD_NUMBER=1526e30ba0\n',
    { family: 'photon', id: 'photon', version: '4.0', prettyName: 'VMware Photon OS 4.0' },
  ],
  [
    'etc/lsb-release',
    'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=20.04\nDISTRIB_CODENAME=focal\nDISTRIB_DESCRIPTION="Ubuntu 20.04.6 LTS"\n',
    { family: 'ubuntu', id: 'ubuntu', version: '20.04', codename: 'focal', prettyName: 'Ubuntu 20.04.6 LTS' },
  ],
  ['etc/redhat-release', 'Something else entirely\n', { family: 'unknown' }],
];

function inputOf(path: string, text: string): AnalyzerInput {
  const bytes = new TextEncoder().encode(text);
  return { path, size: bytes.byteLength, read: async () => bytes, layerDigest: 'sha256:' + 'a'.repeat(64) };
}

describe('os-release', () => {
  it.each(OS_RELEASE_CASES)('parses %s', async (_name, text, expected) => {
    expect(osInfoFromFile('etc/os-release', text)).toEqual(expected);
    expect(await osReleaseAnalyzer.analyze(inputOf('usr/lib/os-release', text), {})).toEqual({
      packages: [],
      os: expected,
      issues: [],
    });
  });

  it.each(OTHER_FILE_CASES)('parses %s: %j', (path, text, expected) => {
    expect(osInfoFromFile(path, text)).toEqual(expected);
  });

  it('handles quoting and escapes as os-release(5) says', () => {
    expect(
      parseOsReleaseFields(
        `A="x \\"y\\" \\$z"\nB='single # not comment'\nC=plain # comment\n# D=no\nE = spaced\nnot a field\n`,
      ),
    ).toEqual({ A: 'x "y" $z', B: 'single # not comment', C: 'plain', E: 'spaced' });
  });

  it.each([
    ['etc/os-release', 100, true],
    ['usr/lib/os-release', 100, true],
    ['etc/debian_version', 10, true],
    ['etc/os-release', 1024 * 1024, false],
    ['etc/os-release.bak', 100, false],
    ['usr/etc/os-release', 100, false],
    ['var/lib/dpkg/status', 100, false],
  ])('wants(%s, %d) = %s', (path, size, expected) => {
    expect(osReleaseAnalyzer.wants(path, { size, type: 'file' })).toEqual(expected);
  });

  it('rejects a file larger than its limit', async () => {
    const input = { ...inputOf('etc/os-release', 'ID=debian'), size: 10_000_000 };
    await expect(osReleaseAnalyzer.analyze(input, {})).rejects.toMatchObject({ code: 'INVENTORY_LIMIT' });
  });

  it('reads any bytes into an OsInfo (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          'etc/os-release',
          'etc/alpine-release',
          'etc/debian_version',
          'etc/lsb-release',
          'etc/redhat-release',
        ),
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 2048 }).map((bytes) => new TextDecoder().decode(bytes)),
        ),
        async (path, text) => {
          const result = await osReleaseAnalyzer.analyze(inputOf(path, text), {});
          expect(typeof result.os?.family).toEqual('string');
        },
      ),
    );
  });
});

describe('resolveOs', () => {
  const debian = {
    path: 'etc/os-release',
    os: { family: 'debian', id: 'debian', version: '12', codename: 'bookworm' },
  };
  const ubuntu = {
    path: 'etc/os-release',
    os: { family: 'ubuntu', id: 'ubuntu', version: '22.04', codename: 'jammy' },
  };
  const debianVersion = {
    path: 'etc/debian_version',
    os: { family: 'debian', id: 'debian', codename: 'bookworm' },
  };

  it.each([
    ['nothing', [], [], { family: 'unknown' }],
    ['os-release beats debian_version (Ubuntu ships both)', [debianVersion, ubuntu], [], ubuntu.os],
    ['debian_version alone', [debianVersion], [], debianVersion.os],
    [
      'debian with status.d is distroless',
      [debian],
      [{ kind: 'dpkg-status-d' } as const],
      { ...debian.os, family: 'distroless' },
    ],
    ['ubuntu with status.d stays ubuntu', [ubuntu], [{ kind: 'dpkg-status-d' } as const], ubuntu.os],
    [
      'missing version filled from debian_version',
      [
        { path: 'etc/os-release', os: { family: 'debian', id: 'debian', codename: 'trixie' } },
        { path: 'etc/debian_version', os: { family: 'debian', id: 'debian', version: '13.0' } },
      ],
      [],
      { family: 'debian', id: 'debian', codename: 'trixie', version: '13.0' },
    ],
    [
      'unknown os-release loses to a known release file',
      [
        { path: 'etc/os-release', os: { family: 'unknown', id: 'arch' } },
        { path: 'etc/alpine-release', os: { family: 'alpine', id: 'alpine', version: '3.19.0' } },
      ],
      [],
      { family: 'alpine', id: 'alpine', version: '3.19.0' },
    ],
  ] as const)('%s', (_name, candidates, facts, expected) => {
    expect(resolveOs(candidates, facts)).toEqual(expected);
  });
});
