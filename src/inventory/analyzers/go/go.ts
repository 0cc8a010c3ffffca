/** Go analyzers: build info of executables (installed) and `go.mod` (manifest). */
import type { Analyzer } from '../../analyzer.ts';
import { locationOf, readInput } from '../../analyzer.ts';
import { isExecutableCandidate, MAX_BINARY_BYTES } from '../lang-common/executable-candidate.ts';
import { baseName, fileAnalyzer } from '../lang-common/file-analyzer.ts';
import { isElf } from '../lang-common/elf.ts';
import { decodeText } from '../lang-common/text.ts';
import { parseGoBinary } from './go-binary.ts';
import { parseGoMod } from './go-mod.ts';

export const goBinaryAnalyzer: Analyzer = {
  id: 'go-binary',
  version: 1,
  wants: (path, info) => isExecutableCandidate(path, info.size),
  async analyze(input, ctx) {
    const bytes = await readInput(input, MAX_BINARY_BYTES, ctx.signal);
    if (!isElf(bytes)) return { packages: [], issues: [] };
    return { packages: parseGoBinary(bytes, locationOf(input)), issues: [], kind: 'installed' };
  },
};

export const goModAnalyzer: Analyzer = fileAnalyzer({
  id: 'go-mod',
  version: 1,
  kind: 'lockfile',
  wants: (path) => baseName(path) === 'go.mod' && !/(^|\/)(vendor|pkg\/mod)\//.test(path),
  parse: (bytes, location, limits) => parseGoMod(decodeText(bytes), location, limits),
});
