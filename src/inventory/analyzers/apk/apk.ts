/** The apk analyzer: Alpine, Wolfi and Chainguard package databases. */
import { locationOf, readInput, type Analyzer, type AnalyzerResult } from '../../analyzer.ts';
import { parseApkInstalled } from './apk-installed.ts';

/** A large Alpine image's database is a few MiB (it lists every file). */
const MAX_INSTALLED = 128 * 1024 * 1024;

/** apk-tools 2 keeps the database in `lib/apk/db`; usr-merged systems (apk-tools 3) in `usr/lib/apk/db`. */
const PATHS = new Set(['lib/apk/db/installed', 'usr/lib/apk/db/installed']);

export const apkAnalyzer: Analyzer = {
  id: 'apk',
  version: 1,
  wants(path) {
    return PATHS.has(path);
  },
  async analyze(input, ctx): Promise<AnalyzerResult> {
    const text = new TextDecoder().decode(await readInput(input, MAX_INSTALLED, ctx.signal));
    const { packages, ownedFiles } = parseApkInstalled(text, locationOf(input));
    return { packages, ownedFiles, issues: [] };
  },
};
