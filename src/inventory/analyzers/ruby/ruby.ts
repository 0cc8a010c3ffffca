/** Ruby analyzers: installed gem specifications and `Gemfile.lock`. */
import type { Analyzer } from '../../analyzer.ts';
import { baseName, fileAnalyzer } from '../lang-common/file-analyzer.ts';
import { decodeText } from '../lang-common/text.ts';
import { parseGemfileLock } from './gemfile-lock.ts';
import { parseGemspec } from './gemspec.ts';

/** `.../specifications/x.gemspec` (also `specifications/default/`). */
export function isInstalledGemspec(path: string): boolean {
  return /(^|\/)specifications\/(default\/)?[^/]+\.gemspec$/.test(path);
}

export const gemspecAnalyzer: Analyzer = fileAnalyzer({
  id: 'ruby-gemspec',
  version: 1,
  kind: 'installed',
  wants: (path) => isInstalledGemspec(path),
  parse: (bytes, location) => parseGemspec(decodeText(bytes), location),
});

export const gemfileLockAnalyzer: Analyzer = fileAnalyzer({
  id: 'ruby-gemfile-lock',
  version: 1,
  kind: 'lockfile',
  wants: (path) => baseName(path) === 'Gemfile.lock' || baseName(path) === 'gems.locked',
  parse: (bytes, location, limits) => parseGemfileLock(decodeText(bytes), location, limits),
});
