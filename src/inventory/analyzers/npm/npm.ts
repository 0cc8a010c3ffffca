/** npm ecosystem analyzers: installed `node_modules` packages and the three lockfile formats. */
import type { Analyzer } from '../../analyzer.ts';
import { baseName, fileAnalyzer } from '../lang-common/file-analyzer.ts';
import { decodeText } from '../lang-common/text.ts';
import { parseInstalledPackageJson } from './installed.ts';
import { parsePackageLock } from './package-lock.ts';
import { parsePnpmLock } from './pnpm-lock.ts';
import { parseYarnLock } from './yarn-lock.ts';

/** `node_modules/<name>/package.json` or `node_modules/@scope/<name>/package.json`, at any depth. */
export function isInstalledPackageJson(path: string): boolean {
  return /(^|\/)node_modules\/(@[^/]+\/)?[^/@.][^/]*\/package\.json$/.test(path);
}

/** Lockfiles shipped inside installed packages describe their development, not this image. */
function isProjectFile(path: string, names: readonly string[]): boolean {
  return names.includes(baseName(path)) && !/(^|\/)node_modules\//.test(path);
}

export const npmInstalledAnalyzer: Analyzer = fileAnalyzer({
  id: 'npm-installed',
  version: 1,
  kind: 'installed',
  wants: (path) => isInstalledPackageJson(path),
  parse: (bytes, location) => parseInstalledPackageJson(decodeText(bytes), location),
});

export const npmLockAnalyzer: Analyzer = fileAnalyzer({
  id: 'npm-lock',
  version: 1,
  kind: 'lockfile',
  wants: (path) => isProjectFile(path, ['package-lock.json', 'npm-shrinkwrap.json']),
  parse: (bytes, location, limits) => parsePackageLock(decodeText(bytes), location, limits),
});

export const yarnLockAnalyzer: Analyzer = fileAnalyzer({
  id: 'yarn-lock',
  version: 1,
  kind: 'lockfile',
  wants: (path) => isProjectFile(path, ['yarn.lock']),
  parse: (bytes, location, limits) => parseYarnLock(decodeText(bytes), location, limits),
});

export const pnpmLockAnalyzer: Analyzer = fileAnalyzer({
  id: 'pnpm-lock',
  version: 1,
  kind: 'lockfile',
  wants: (path) => isProjectFile(path, ['pnpm-lock.yaml']),
  parse: (bytes, location, limits) => parsePnpmLock(decodeText(bytes), location, limits),
});
