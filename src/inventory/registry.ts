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
import { javaArchiveAnalyzer } from './analyzers/java/index.ts';
import { cargoAuditableAnalyzer, cargoLockAnalyzer } from './analyzers/rust/index.ts';
import { gemfileLockAnalyzer, gemspecAnalyzer } from './analyzers/ruby/index.ts';
import { composerInstalledAnalyzer, composerLockAnalyzer } from './analyzers/php/index.ts';
import { dotnetDepsAnalyzer, nugetLockAnalyzer } from './analyzers/dotnet/index.ts';
import { modelFilesAnalyzer } from './analyzers/model-files/index.ts';

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
  javaArchiveAnalyzer,
  cargoLockAnalyzer,
  cargoAuditableAnalyzer,
  gemspecAnalyzer,
  gemfileLockAnalyzer,
  composerLockAnalyzer,
  composerInstalledAnalyzer,
  dotnetDepsAnalyzer,
  nugetLockAnalyzer,
  // Model files (not packages: recorded for src/models)
  modelFilesAnalyzer,
];

/** The analyzer with this id, or undefined. */
export function findAnalyzer(id: string): Analyzer | undefined {
  return analyzers.find((analyzer) => analyzer.id === id);
}
