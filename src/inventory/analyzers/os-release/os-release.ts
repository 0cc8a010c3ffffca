/**
 * OS detection: reads os-release and the distro-specific release files. Each file yields the OS it
 * names; `resolveOs` (called by the merge step on the files that survive in the final filesystem)
 * picks the most authoritative one.
 */
import {
  EMPTY_RESULT,
  readInput,
  type Analyzer,
  type AnalyzerFact,
  type AnalyzerResult,
} from '../../analyzer.ts';
import type { OsInfo } from '../../types.ts';
import {
  osInfoFromAlpineRelease,
  osInfoFromDebianVersion,
  osInfoFromLsbRelease,
  osInfoFromOsRelease,
  osInfoFromReleaseLine,
} from './parse-os-release.ts';

/** Release files are a few hundred bytes; anything bigger is not one. */
const MAX_RELEASE_FILE = 64 * 1024;

type ReleaseKind = 'os-release' | 'alpine' | 'debian' | 'lsb' | 'release-line';

/** Wanted paths, in order of authority (first wins in `resolveOs`). */
const RELEASE_FILES: readonly (readonly [string, ReleaseKind])[] = [
  ['etc/os-release', 'os-release'],
  ['usr/lib/os-release', 'os-release'],
  ['etc/alpine-release', 'alpine'],
  ['etc/centos-release', 'release-line'],
  ['etc/rocky-release', 'release-line'],
  ['etc/almalinux-release', 'release-line'],
  ['etc/fedora-release', 'release-line'],
  ['etc/system-release', 'release-line'],
  ['etc/SuSE-release', 'release-line'],
  ['etc/photon-release', 'release-line'],
  ['etc/redhat-release', 'release-line'],
  ['etc/lsb-release', 'lsb'],
  ['etc/debian_version', 'debian'],
];
const KIND_BY_PATH = new Map(RELEASE_FILES);
const RANK_BY_PATH = new Map(RELEASE_FILES.map(([path], index) => [path, index]));

/** Parse one release file's text by its path; `undefined` for a path that is not a release file. */
export function osInfoFromFile(path: string, text: string): OsInfo | undefined {
  const kind = KIND_BY_PATH.get(path);
  switch (kind) {
    case undefined:
      return undefined;
    case 'os-release':
      return osInfoFromOsRelease(text);
    case 'alpine':
      return osInfoFromAlpineRelease(text);
    case 'debian':
      return osInfoFromDebianVersion(text);
    case 'lsb':
      return osInfoFromLsbRelease(text);
    case 'release-line':
      return osInfoFromReleaseLine(text);
  }
}

export const osReleaseAnalyzer: Analyzer = {
  id: 'os-release',
  version: 1,
  wants(path, info) {
    return KIND_BY_PATH.has(path) && info.size <= MAX_RELEASE_FILE;
  },
  async analyze(input, ctx): Promise<AnalyzerResult> {
    const bytes = await readInput(input, MAX_RELEASE_FILE, ctx.signal);
    const os = osInfoFromFile(input.path, new TextDecoder().decode(bytes));
    return os === undefined ? EMPTY_RESULT : { packages: [], os, issues: [] };
  },
};

/** One OS statement that survived in the final filesystem. */
export interface OsCandidate {
  readonly path: string;
  readonly os: OsInfo;
}

/**
 * The image's OS from the release files present in the final filesystem: the most authoritative
 * file that names a known family wins (os-release first, debian_version last, because Ubuntu and
 * distroless also ship one). A dpkg `status.d/` database marks Debian as Google distroless.
 * Version or codename missing from the winner are filled from a lower file of the same family
 * (Debian testing has no VERSION_ID; debian_version has the point release).
 */
export function resolveOs(candidates: readonly OsCandidate[], facts: readonly AnalyzerFact[] = []): OsInfo {
  const ranked = [...candidates].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  const known = ranked.filter((candidate) => candidate.os.family !== 'unknown');
  const best = known[0]?.os ?? ranked[0]?.os ?? { family: 'unknown' };
  const sameFamily = known.filter(
    (candidate) => candidate.os.family === best.family || candidate.os.id === best.id,
  );
  const version =
    best.version ?? sameFamily.find((candidate) => candidate.os.version !== undefined)?.os.version;
  const codename =
    best.codename ?? sameFamily.find((candidate) => candidate.os.codename !== undefined)?.os.codename;
  const distroless = best.family === 'debian' && facts.some((fact) => fact.kind === 'dpkg-status-d');
  return {
    ...best,
    ...(distroless ? { family: 'distroless' } : {}),
    ...(version === undefined ? {} : { version }),
    ...(codename === undefined ? {} : { codename }),
  };
}

function rank(path: string): number {
  return RANK_BY_PATH.get(path) ?? RELEASE_FILES.length;
}
