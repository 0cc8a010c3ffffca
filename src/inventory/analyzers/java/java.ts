/** Java analyzer: Maven packages inside jar, war and ear files (nested archives included). */
import type { Analyzer } from '../../analyzer.ts';
import { inputIssue, locationOf, readInput } from '../../analyzer.ts';
import { DEFAULT_JAVA_LIMITS, parseJavaArchive } from './java-archive.ts';
import { isZip } from './zip.ts';

const MAX_ARCHIVE_BYTES = 512 * 1024 * 1024;

export function isJavaArchivePath(path: string): boolean {
  return /\.(jar|war|ear)$/i.test(path);
}

export const javaArchiveAnalyzer: Analyzer = {
  id: 'java-archive',
  version: 1,
  wants: (path, info) => isJavaArchivePath(path) && info.size <= MAX_ARCHIVE_BYTES,
  async analyze(input, ctx) {
    const bytes = await readInput(input, MAX_ARCHIVE_BYTES, ctx.signal);
    if (!isZip(bytes))
      return {
        packages: [],
        issues: [inputIssue('java-archive', input, 'INVENTORY_PARSE', `${input.path}: not a zip archive`)],
      };
    const { packages, problems } = parseJavaArchive(bytes, locationOf(input), DEFAULT_JAVA_LIMITS);
    const issues = problems.map((p) => inputIssue('java-archive', input, p.code, p.message));
    return { packages, issues, kind: 'installed' };
  },
};
