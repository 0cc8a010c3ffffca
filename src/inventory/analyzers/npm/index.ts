export {
  npmInstalledAnalyzer,
  npmLockAnalyzer,
  pnpmLockAnalyzer,
  yarnLockAnalyzer,
  isInstalledPackageJson,
} from './npm.ts';
export { parsePackageLock } from './package-lock.ts';
export { parseYarnLock } from './yarn-lock.ts';
export { parsePnpmLock } from './pnpm-lock.ts';
export { parseInstalledPackageJson } from './installed.ts';
