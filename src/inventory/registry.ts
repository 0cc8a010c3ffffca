/**
 * The explicit list of analyzers run on every layer. Adding an analyzer = one import and one line
 * here; `registry.test.ts` checks every entry (unique ids, versions, pure `wants`).
 */
import type { Analyzer } from './analyzer.ts';
// OS analyzers
import { osReleaseAnalyzer } from './analyzers/os-release/os-release.ts';
import { dpkgAnalyzer } from './analyzers/dpkg/dpkg.ts';
import { apkAnalyzer } from './analyzers/apk/apk.ts';
// Language analyzers

export const analyzers: readonly Analyzer[] = [
  // OS analyzers
  osReleaseAnalyzer,
  dpkgAnalyzer,
  apkAnalyzer,
  // Language analyzers
];

/** The analyzer with this id, or undefined. */
export function findAnalyzer(id: string): Analyzer | undefined {
  return analyzers.find((analyzer) => analyzer.id === id);
}
