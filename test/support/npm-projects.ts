/**
 * Real npm/yarn/pnpm projects for the npm analyzer tests, installed once (scripts disabled) from
 * the npm registry into `.cache/fixtures/npm/<tool>/` and reused by later runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type NpmTool = 'npm-v1' | 'npm-v2' | 'npm-v3' | 'yarn1' | 'yarn4' | 'pnpm7' | 'pnpm8' | 'pnpm9';

/** Old pinned versions (known advisories), a scoped package, a nested duplicate and a dev dependency. */
export const NPM_FIXTURE_MANIFEST = {
  name: 'fixture',
  version: '1.0.0',
  private: true,
  dependencies: {
    lodash: '4.17.15',
    minimist: '1.2.0',
    '@babel/helper-validator-identifier': '7.10.4',
    'is-number': '7.0.0',
  },
  devDependencies: { 'is-odd': '3.0.1' },
};

const ROOT = fileURLToPath(new URL('../../.cache/fixtures/npm/', import.meta.url));

const COMMANDS: Record<NpmTool, readonly string[]> = {
  'npm-v1': ['npm', 'install', '--ignore-scripts', '--no-audit', '--no-fund', '--lockfile-version', '1'],
  'npm-v2': ['npm', 'install', '--ignore-scripts', '--no-audit', '--no-fund', '--lockfile-version', '2'],
  'npm-v3': ['npm', 'install', '--ignore-scripts', '--no-audit', '--no-fund', '--lockfile-version', '3'],
  yarn1: ['npx', '-y', 'yarn@1.22.22', 'install', '--ignore-scripts', '--non-interactive', '--no-progress'],
  // --no-immutable: under CI=true yarn 4 forbids writing the lockfile it is asked to create.
  yarn4: [
    'npx',
    '-y',
    '-p',
    '@yarnpkg/cli-dist@4.5.3',
    'yarn',
    'install',
    '--mode=skip-build',
    '--no-immutable',
  ],
  pnpm7: ['npx', '-y', 'pnpm@7.33.7', 'install', '--ignore-scripts'],
  pnpm8: ['npx', '-y', 'pnpm@8.15.9', 'install', '--ignore-scripts'],
  pnpm9: ['npx', '-y', 'pnpm@9.15.9', 'install', '--ignore-scripts'],
};

/** The project directory for `tool`, installing it on first use. */
export function npmProject(tool: NpmTool): string {
  const dir = `${ROOT}${tool}/`;
  if (existsSync(`${dir}.done`)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}package.json`, JSON.stringify(NPM_FIXTURE_MANIFEST, null, 2));
  const [cmd, ...args] = COMMANDS[tool];
  // Yarn 2+ takes the nearest directory with a yarn.lock as the project root (else it climbs to
  // the repository's own package.json and refuses).
  if (tool === 'yarn4') writeFileSync(`${dir}yarn.lock`, '');
  execFileSync(cmd as string, args, { cwd: dir, stdio: 'pipe', timeout: 120_000 });
  if (tool.startsWith('npm')) {
    const ls = execFileSync('npm', ['ls', '--all', '--json'], { cwd: dir, encoding: 'utf8' });
    writeFileSync(`${dir}npm-ls.json`, ls);
  }
  writeFileSync(`${dir}.done`, '');
  return dir;
}
