/**
 * The explicit list of analyzers run on every layer. Adding an analyzer = one import and one line
 * here; `registry.test.ts` checks every entry (unique ids, versions, pure `wants`).
 */
import type { Analyzer } from './analyzer.ts';
// OS analyzers
import { osReleaseAnalyzer } from './analyzers/os-release/os-release.ts';
import { dpkgAnalyzer } from './analyzers/dpkg/dpkg.ts';
import { apkAnalyzer } from './analyzers/apk/apk.ts';
import { rpmAnalyzer } from './analyzers/rpm/rpm.ts';
// Language analyzers
import {
  npmInstalledAnalyzer,
  npmLockAnalyzer,
  pnpmLockAnalyzer,
  yarnLockAnalyzer,
} from './analyzers/npm/index.ts';
import { pythonInstalledAnalyzer, pythonLockAnalyzer } from './analyzers/python/index.ts';
import { goBinaryAnalyzer, goModAnalyzer } from './analyzers/go/index.ts';

export const analyzers: readonly Analyzer[] = [
  // OS analyzers
  osReleaseAnalyzer,
  dpkgAnalyzer,
  apkAnalyzer,
  rpmAnalyzer,
  // Language analyzers
  npmInstalledAnalyzer,
  npmLockAnalyzer,
  yarnLockAnalyzer,
  pnpmLockAnalyzer,
  pythonInstalledAnalyzer,
  pythonLockAnalyzer,
  goBinaryAnalyzer,
  goModAnalyzer,
];

/** The analyzer with this id, or undefined. */
export function findAnalyzer(id: string): Analyzer | undefined {
  return analyzers.find((analyzer) => analyzer.id === id);
}
