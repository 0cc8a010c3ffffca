/**
 * Parsers for the files that name an operating system. Each takes text (already size-bounded by
 * the analyzer) and returns facts; none of them throws on odd text: an unrecognised file yields
 * family `unknown`, never a guess.
 */
import type { OsInfo } from '../../types.ts';

/**
 * os-release(5): `KEY=value` lines, values optionally in single or double quotes, shell-style
 * backslash escapes inside double quotes (`\"`, `\\`, `\$`, `` \` ``), `#` comments.
 */
export function parseOsReleaseFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (match === null) continue;
    const [, key = '', value = ''] = match;
    fields[key] = unquote(value);
  }
  return fields;
}

function unquote(value: string): string {
  const quote = value[0];
  if (quote === "'") {
    const end = value.indexOf("'", 1);
    return end === -1 ? value.slice(1) : value.slice(1, end);
  }
  if (quote === '"') {
    let out = '';
    for (let i = 1; i < value.length; i++) {
      const ch = value[i];
      if (ch === '"') return out;
      if (ch === '\\' && i + 1 < value.length && '"\\$`'.includes(value[i + 1] ?? '')) {
        out += value[i + 1];
        i++;
        continue;
      }
      out += ch;
    }
    return out;
  }
  // Unquoted: up to an inline comment.
  return value.replace(/\s+#.*$/, '').trim();
}

/** os-release `ID` → family. Families not listed are `unknown`. */
const FAMILY_BY_ID: Readonly<Record<string, string>> = {
  debian: 'debian',
  ubuntu: 'ubuntu',
  alpine: 'alpine',
  rhel: 'rhel',
  centos: 'centos',
  rocky: 'rocky',
  almalinux: 'almalinux',
  fedora: 'fedora',
  amzn: 'amzn',
  sles: 'sles',
  sled: 'sles',
  'sle-micro': 'sles',
  'opensuse-leap': 'opensuse-leap',
  'opensuse-tumbleweed': 'opensuse-tumbleweed',
  opensuse: 'opensuse-leap',
  wolfi: 'wolfi',
  chainguard: 'chainguard',
  photon: 'photon',
  ol: 'oracle',
};

/** Facts from an os-release file. Google distroless writes Debian's ID with `PRETTY_NAME="Distroless"`. */
export function osInfoFromOsRelease(text: string): OsInfo {
  const f = parseOsReleaseFields(text);
  const id = f['ID']?.toLowerCase();
  let family = id === undefined ? 'unknown' : (FAMILY_BY_ID[id] ?? 'unknown');
  if (family === 'debian' && /distroless/i.test(f['PRETTY_NAME'] ?? '')) family = 'distroless';
  // Debian 8 and old Ubuntu have no VERSION_CODENAME, only `VERSION="8 (jessie)"`; other distros'
  // parentheses hold marketing names ("Plow", "Container Image"), not codenames.
  const fromVersion = id === 'debian' || id === 'ubuntu' ? codenameFromVersion(f['VERSION']) : undefined;
  const codename = f['VERSION_CODENAME'] || f['UBUNTU_CODENAME'] || fromVersion;
  return compact({
    family,
    version: f['VERSION_ID'] || undefined,
    codename: codename || undefined,
    prettyName: f['PRETTY_NAME'] || f['NAME'] || undefined,
    id: id || undefined,
  });
}

/** `VERSION="12 (bookworm)"` → `bookworm`; `VERSION="22.04.3 LTS (Jammy Jellyfish)"` → `jammy`. */
function codenameFromVersion(version: string | undefined): string | undefined {
  const match = /\(([^)]+)\)/.exec(version ?? '');
  const word = match?.[1]?.trim().split(/[\s,]+/)[0];
  return word === undefined || word === '' ? undefined : word.toLowerCase();
}

/** `/etc/alpine-release`: a version number on the first line. */
export function osInfoFromAlpineRelease(text: string): OsInfo {
  const version = firstLine(text);
  return compact({
    family: 'alpine',
    id: 'alpine',
    version: /^\d[\w.-]*$/.test(version) ? version : undefined,
  });
}

/** `/etc/debian_version`: `12.4`, or `trixie/sid` on testing and unstable. */
export function osInfoFromDebianVersion(text: string): OsInfo {
  const line = firstLine(text);
  if (/^\d+(\.\d+)*$/.test(line)) return { family: 'debian', id: 'debian', version: line };
  const codename = /^([a-z]+)\/sid$/.exec(line)?.[1];
  return compact({ family: 'debian', id: 'debian', codename });
}

/** `/etc/lsb-release`: `DISTRIB_ID`, `DISTRIB_RELEASE`, `DISTRIB_CODENAME`. */
export function osInfoFromLsbRelease(text: string): OsInfo {
  const f = parseOsReleaseFields(text);
  const id = f['DISTRIB_ID']?.toLowerCase();
  return compact({
    family: id === undefined ? 'unknown' : (FAMILY_BY_ID[id] ?? 'unknown'),
    id: id || undefined,
    version: f['DISTRIB_RELEASE'] || undefined,
    codename: f['DISTRIB_CODENAME']?.toLowerCase() || undefined,
    prettyName: f['DISTRIB_DESCRIPTION'] || undefined,
  });
}

/** Names in `*-release` one-liners, most specific first (`Red Hat Enterprise Linux` before `Linux`). */
const RELEASE_NAMES: readonly (readonly [RegExp, string])[] = [
  [/^Red Hat Enterprise Linux/i, 'rhel'],
  [/^CentOS/i, 'centos'],
  [/^Rocky Linux/i, 'rocky'],
  [/^AlmaLinux/i, 'almalinux'],
  [/^Fedora/i, 'fedora'],
  [/^Amazon Linux/i, 'amzn'],
  [/^Oracle Linux/i, 'oracle'],
  [/^SUSE Linux Enterprise/i, 'sles'],
  [/^openSUSE/i, 'opensuse-leap'],
  [/^VMware Photon OS/i, 'photon'],
];

const ID_BY_FAMILY: Readonly<Record<string, string>> = { oracle: 'ol', 'opensuse-leap': 'opensuse-leap' };

/**
 * `/etc/redhat-release` and friends (`centos-release`, `rocky-release`, `almalinux-release`,
 * `fedora-release`, `system-release`, `SuSE-release`, `photon-release`):
 * `Rocky Linux release 9.3 (Blue Onyx)`, `Amazon Linux release 2 (Karoo)`,
 * `SUSE Linux Enterprise Server 12 (x86_64)` + `VERSION = 12` + `PATCHLEVEL = 3`.
 */
export function osInfoFromReleaseLine(text: string): OsInfo {
  const line = firstLine(text);
  const family = RELEASE_NAMES.find(([pattern]) => pattern.test(line))?.[1] ?? 'unknown';
  if (family === 'unknown') return { family };
  const id = ID_BY_FAMILY[family] ?? family;
  const fields = parseOsReleaseFields(text.replace(/^\s*(\w+)\s*=\s*/gm, '$1='));
  let version = /\brelease\s+(\d[\w.]*)/i.exec(line)?.[1] ?? /\s(\d+(?:\.\d+)*)\b/.exec(line)?.[1];
  if (family === 'sles' && fields['VERSION'] !== undefined) {
    version =
      fields['PATCHLEVEL'] === undefined ? fields['VERSION'] : `${fields['VERSION']}.${fields['PATCHLEVEL']}`;
  }
  const paren = /\(([^)]+)\)\s*$/.exec(line)?.[1];
  const codename =
    paren === undefined || /^(x86_64|aarch64|i[3-6]86|s390x|ppc64le)$/.test(paren) ? undefined : paren;
  return compact({ family, id, version, codename, prettyName: line || undefined });
}

function firstLine(text: string): string {
  return (text.split(/\r?\n/, 1)[0] ?? '').trim();
}

type OsFields = { -readonly [K in keyof OsInfo]: OsInfo[K] };
type OsInput = { family: string } & { [K in Exclude<keyof OsInfo, 'family'>]?: string | undefined };

/** Drop undefined fields so results compare and serialise cleanly. */
function compact(info: OsInput): OsInfo {
  const out: OsFields = { family: info.family };
  for (const key of ['version', 'codename', 'prettyName', 'id'] as const) {
    const value = info[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
