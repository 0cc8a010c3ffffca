/** Rust analyzers: `Cargo.lock` and `cargo auditable` data in executables. */
import type { Analyzer } from '../../analyzer.ts';
import { locationOf, readInput } from '../../analyzer.ts';
import { isElf } from '../lang-common/elf.ts';
import { isExecutableCandidate, MAX_BINARY_BYTES } from '../lang-common/executable-candidate.ts';
import { baseName, fileAnalyzer } from '../lang-common/file-analyzer.ts';
import { decodeText } from '../lang-common/text.ts';
import { parseCargoAuditable } from './auditable.ts';
import { parseCargoLock } from './cargo-lock.ts';

export const cargoLockAnalyzer: Analyzer = fileAnalyzer({
  id: 'cargo-lock',
  version: 1,
  kind: 'lockfile',
  wants: (path) => baseName(path) === 'Cargo.lock' && !/(^|\/)\.cargo\/registry\//.test(path),
  parse: (bytes, location, limits) => parseCargoLock(decodeText(bytes), location, limits),
});

export const cargoAuditableAnalyzer: Analyzer = {
  id: 'cargo-auditable',
  version: 1,
  wants: (path, info) => isExecutableCandidate(path, info.size),
  async analyze(input, ctx) {
    const bytes = await readInput(input, MAX_BINARY_BYTES, ctx.signal);
    if (!isElf(bytes)) return { packages: [], issues: [] };
    return { packages: parseCargoAuditable(bytes, locationOf(input)), issues: [], kind: 'installed' };
  },
};
