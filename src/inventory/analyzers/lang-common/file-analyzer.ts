import type { Analyzer, AnalyzerContext, AnalyzerInput, AnalyzerResult } from '../../analyzer.ts';
import { locationOf, readInput } from '../../analyzer.ts';
import type { Package, PackageLocation } from '../../types.ts';
import { DEFAULT_LANG_LIMITS, type LangLimits } from './limits.ts';

/** What a language analyzer is made of: a pure path test and a pure parser of one file. */
export interface FileAnalyzerSpec {
  readonly id: string;
  readonly version: number;
  readonly kind: 'installed' | 'lockfile';
  wants(path: string, info: { readonly size: number; readonly type: 'file' }): boolean;
  parse(bytes: Uint8Array, location: PackageLocation, limits: LangLimits): readonly Package[];
}

/** The last path segment. */
export function baseName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

/** An `Analyzer` that buffers one file (bounded) and hands it to a pure parser. */
export function fileAnalyzer(spec: FileAnalyzerSpec, limits: LangLimits = DEFAULT_LANG_LIMITS): Analyzer {
  return {
    id: spec.id,
    version: spec.version,
    wants: (path, info) => spec.wants(path, info),
    async analyze(input: AnalyzerInput, ctx: AnalyzerContext): Promise<AnalyzerResult> {
      const bytes = await readInput(input, limits.maxFileBytes, ctx.signal);
      ctx.signal?.throwIfAborted();
      const packages = spec.parse(bytes, locationOf(input), limits);
      return { packages, issues: [], kind: spec.kind };
    },
  };
}
