import { compareDigits, compareStrings, defineComparator, DIGITS, invalidVersion } from './compare-util.ts';
import type { Ordering, VersionComparator, VersionSchemeId } from './types.ts';

/**
 * SemVer 2.0.0 precedence (semver.org §11), read tolerantly the way OSV data needs: an optional
 * `v`, one or more numeric release components (missing ones are 0, numbers of any size), then
 * `-prerelease` and `+build`. For every string that is valid SemVer the order is exactly
 * SemVer's (the tests check it against npm's `semver` package).
 */
export interface SemverOptions {
  readonly allowV: boolean;
  /** NuGet compares prerelease labels case-insensitively. */
  readonly caseInsensitivePrerelease: boolean;
  /** Dart's pub orders by build metadata after prerelease (a build sorts above none); SemVer ignores it. */
  readonly compareBuild: boolean;
}

interface SemverVersion {
  readonly release: readonly string[];
  readonly prerelease: readonly string[];
  readonly build: readonly string[];
}

const IDENTIFIERS = /^[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*$/;
const RELEASE = /^[0-9]+(?:\.[0-9]+)*$/;

function parseWith(scheme: VersionSchemeId, options: SemverOptions) {
  return (raw: string): SemverVersion => {
    let text = raw.trim();
    if (options.allowV && (text.startsWith('v') || text.startsWith('V'))) text = text.slice(1);
    const plus = text.indexOf('+');
    const buildText = plus >= 0 ? text.slice(plus + 1) : undefined;
    if (plus >= 0) text = text.slice(0, plus);
    const hyphen = text.indexOf('-');
    const preText = hyphen >= 0 ? text.slice(hyphen + 1) : undefined;
    const releaseText = hyphen >= 0 ? text.slice(0, hyphen) : text;
    if (!RELEASE.test(releaseText)) throw invalidVersion(scheme, raw, 'release is not dot-separated numbers');
    if (preText !== undefined && !IDENTIFIERS.test(preText)) {
      throw invalidVersion(scheme, raw, 'prerelease is not dot-separated [0-9A-Za-z-] identifiers');
    }
    if (buildText !== undefined && !IDENTIFIERS.test(buildText)) {
      throw invalidVersion(scheme, raw, 'build metadata is not dot-separated [0-9A-Za-z-] identifiers');
    }
    const prerelease = preText === undefined ? [] : preText.split('.');
    return {
      release: releaseText.split('.'),
      prerelease: options.caseInsensitivePrerelease ? prerelease.map((p) => p.toLowerCase()) : prerelease,
      build: buildText === undefined ? [] : buildText.split('.'),
    };
  };
}

/** Release components compared numerically, the shorter padded with zeros. */
export function compareRelease(a: readonly string[], b: readonly string[]): Ordering {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const diff = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (diff !== 0) return diff;
  }
  return 0;
}

/** SemVer §11.4: numeric identifiers numerically and below alphanumeric ones (ASCII order); more identifiers win a tie. */
export function compareIdentifiers(a: readonly string[], b: readonly string[]): Ordering {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    const xNum = DIGITS.test(x);
    const yNum = DIGITS.test(y);
    const diff = xNum && yNum ? compareDigits(x, y) : xNum ? -1 : yNum ? 1 : compareStrings(x, y);
    if (diff !== 0) return diff;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareWith(options: SemverOptions) {
  return (a: SemverVersion, b: SemverVersion): Ordering => {
    const byRelease = compareRelease(a.release, b.release);
    if (byRelease !== 0) return byRelease;
    if (a.prerelease.length === 0 || b.prerelease.length === 0) {
      // A prerelease sorts below its release.
      if (a.prerelease.length !== b.prerelease.length) return a.prerelease.length === 0 ? 1 : -1;
    } else {
      const byPre = compareIdentifiers(a.prerelease, b.prerelease);
      if (byPre !== 0) return byPre;
    }
    if (!options.compareBuild) return 0;
    if (a.build.length === 0 || b.build.length === 0) {
      return a.build.length === b.build.length ? 0 : a.build.length === 0 ? -1 : 1;
    }
    return compareIdentifiers(a.build, b.build);
  };
}

export function semverLikeComparator(id: VersionSchemeId, options: SemverOptions): VersionComparator {
  return defineComparator(id, parseWith(id, options), compareWith(options));
}

/** npm, crates.io and Hex: SemVer 2.0.0 precedence (build metadata ignored). */
export const semverComparator = semverLikeComparator('semver', {
  allowV: true,
  caseInsensitivePrerelease: false,
  compareBuild: false,
});

/**
 * Go modules: golang.org/x/mod/semver order. OSV writes Go versions without the `v`; both
 * spellings are read. `+incompatible` is build metadata and ignored; pseudo-versions
 * (`v0.0.0-20191109021931-daa7c04131f5`, `v1.2.4-0.2019...`) are prereleases and so sort
 * below the release they precede, by timestamp.
 */
export const goComparator = semverLikeComparator('go', {
  allowV: true,
  caseInsensitivePrerelease: false,
  compareBuild: false,
});

/** Dart pub: SemVer precedence, then build metadata (pub_semver's Version.compareTo). */
export const pubComparator = semverLikeComparator('pub', {
  allowV: true,
  caseInsensitivePrerelease: false,
  compareBuild: true,
});

/** NuGet: up to four numeric parts (1.0 = 1.0.0.0), prerelease labels case-insensitive, build metadata ignored. */
export const nugetComparator = semverLikeComparator('nuget', {
  allowV: false,
  caseInsensitivePrerelease: true,
  compareBuild: false,
});
