/**
 * The dpkg analyzer: Debian and Ubuntu package databases, Google distroless `status.d/`, the file
 * lists that say which paths dpkg owns, and machine-readable copyright files for licenses.
 */
import {
  EMPTY_RESULT,
  locationOf,
  readInput,
  type Analyzer,
  type AnalyzerInput,
  type AnalyzerResult,
} from '../../analyzer.ts';
import { parseDebianCopyright, parseDpkgList, parseDpkgMd5sums } from './dpkg-files.ts';
import { parseDpkgStatus } from './dpkg-status.ts';

/** A full Ubuntu desktop status file is ~4 MiB. */
const MAX_STATUS = 64 * 1024 * 1024;
const MAX_LIST = 32 * 1024 * 1024;
/** Some real copyright files are over 2 MiB (Boost's). */
const MAX_COPYRIGHT = 4 * 1024 * 1024;

type DpkgFile = 'status' | 'status-d' | 'status-d-md5sums' | 'list' | 'copyright';

/** What kind of dpkg file a path is, from the path alone. */
export function classifyDpkgPath(path: string): DpkgFile | undefined {
  if (path === 'var/lib/dpkg/status') return 'status';
  const statusD = /^var\/lib\/dpkg\/status\.d\/([^/]+)$/.exec(path)?.[1];
  if (statusD !== undefined) return statusD.endsWith('.md5sums') ? 'status-d-md5sums' : 'status-d';
  if (/^var\/lib\/dpkg\/info\/[^/]+\.list$/.test(path)) return 'list';
  if (/^usr\/share\/doc\/[^/]+\/copyright$/.test(path)) return 'copyright';
  return undefined;
}

const LIMIT_BY_KIND: Readonly<Record<DpkgFile, number>> = {
  status: MAX_STATUS,
  'status-d': MAX_STATUS,
  'status-d-md5sums': MAX_LIST,
  list: MAX_LIST,
  copyright: MAX_COPYRIGHT,
};

export const dpkgAnalyzer: Analyzer = {
  id: 'dpkg',
  version: 2,
  wants(path) {
    return classifyDpkgPath(path) !== undefined;
  },
  async analyze(input, ctx): Promise<AnalyzerResult> {
    const kind = classifyDpkgPath(input.path);
    if (kind === undefined) return EMPTY_RESULT;
    const text = new TextDecoder().decode(await readInput(input, LIMIT_BY_KIND[kind], ctx.signal));
    return analyzeDpkgText(kind, input, text);
  },
};

function analyzeDpkgText(kind: DpkgFile, input: AnalyzerInput, text: string): AnalyzerResult {
  switch (kind) {
    case 'status':
      return { packages: parseDpkgStatus(text, { location: locationOf(input) }), issues: [] };
    case 'status-d':
      return {
        packages: parseDpkgStatus(text, { location: locationOf(input), statusOptional: true }),
        facts: [{ kind: 'dpkg-status-d' }],
        issues: [],
      };
    case 'status-d-md5sums':
      return { packages: [], ownedFiles: parseDpkgMd5sums(text, input.path), issues: [] };
    case 'list':
      return { packages: [], ownedFiles: parseDpkgList(text, input.path), issues: [] };
    case 'copyright': {
      const licenses = parseDebianCopyright(text);
      const name = input.path.split('/')[3] ?? '';
      return licenses.length === 0
        ? EMPTY_RESULT
        : {
            packages: [],
            facts: [{ kind: 'package-licenses', ecosystem: 'deb', name, licenses }],
            issues: [],
          };
    }
  }
}
