/** Python analyzers: installed distributions (dist-info, egg-info) and lockfiles/requirements. */
import type { Analyzer } from '../../analyzer.ts';
import { baseName, fileAnalyzer } from '../lang-common/file-analyzer.ts';
import { decodeText } from '../lang-common/text.ts';
import { parsePythonMetadata } from './metadata.ts';
import { parsePipfileLock } from './pipfile-lock.ts';
import { parsePoetryLock } from './poetry-lock.ts';
import { parseRequirements } from './requirements.ts';
import { parseUvLock } from './uv-lock.ts';

/** `x.dist-info/METADATA`, `x.egg-info/PKG-INFO`, `x.egg/EGG-INFO/PKG-INFO`, or a bare `x.egg-info` file. */
export function isPythonMetadata(path: string): boolean {
  return (
    /\.dist-info\/METADATA$/.test(path) ||
    /\.egg-info\/PKG-INFO$/.test(path) ||
    /\.egg\/EGG-INFO\/PKG-INFO$/.test(path) ||
    /[^/]\.egg-info$/.test(path)
  );
}

export function isRequirementsFile(path: string): boolean {
  return /^requirements([-_.][\w.-]+)?\.txt$/.test(baseName(path));
}

export const pythonInstalledAnalyzer: Analyzer = fileAnalyzer({
  id: 'python-installed',
  version: 1,
  kind: 'installed',
  wants: (path) => isPythonMetadata(path),
  parse: (bytes, location) => parsePythonMetadata(decodeText(bytes), location),
});

export const pythonLockAnalyzer: Analyzer = fileAnalyzer({
  id: 'python-lock',
  version: 1,
  kind: 'lockfile',
  wants: (path) => {
    const base = baseName(path);
    return (
      base === 'poetry.lock' || base === 'Pipfile.lock' || base === 'uv.lock' || isRequirementsFile(path)
    );
  },
  parse: (bytes, location, limits) => {
    const text = decodeText(bytes);
    switch (baseName(location.path)) {
      case 'poetry.lock':
        return parsePoetryLock(text, location, limits);
      case 'Pipfile.lock':
        return parsePipfileLock(text, location, limits);
      case 'uv.lock':
        return parseUvLock(text, location, limits);
      default:
        return parseRequirements(text, location, limits);
    }
  },
});
