/**
 * A real composer.lock and vendor/composer/installed.json (Composer 2 format) made offline by
 * Debian's composer from local path repositories (packagist disabled), cached in
 * `.cache/fixtures/php/`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../.cache/fixtures/php/', import.meta.url));

export function composerAvailable(): boolean {
  try {
    execFileSync('composer', ['--version'], {
      stdio: 'pipe',
      env: { ...process.env, COMPOSER_HOME: `${ROOT}.home` },
    });
    return true;
  } catch {
    return false;
  }
}

const PACKAGES: Record<string, object> = {
  monolog: {
    name: 'monolog/monolog',
    version: '1.25.1',
    license: 'MIT',
    require: { php: '>=7.0', 'psr/log': '^1.0' },
  },
  psrlog: { name: 'psr/log', version: '1.1.0', license: 'MIT' },
  phpunit: { name: 'phpunit/phpunit', version: '9.5.0', license: 'BSD-3-Clause' },
};

export function composerProject(): { lock: string; installed: string } {
  const out = { lock: `${ROOT}composer.lock`, installed: `${ROOT}vendor/composer/installed.json` };
  if (existsSync(out.installed)) return out;
  for (const [dir, manifest] of Object.entries(PACKAGES)) {
    mkdirSync(`${ROOT}pkgs/${dir}`, { recursive: true });
    writeFileSync(`${ROOT}pkgs/${dir}/composer.json`, JSON.stringify(manifest));
  }
  writeFileSync(
    `${ROOT}composer.json`,
    JSON.stringify({
      name: 'example/app',
      repositories: [
        { 'packagist.org': false },
        { type: 'path', url: 'pkgs/*', options: { symlink: false } },
      ],
      require: { 'monolog/monolog': '1.25.1' },
      'require-dev': { 'phpunit/phpunit': '9.5.0' },
    }),
  );
  execFileSync('composer', ['update', '--no-interaction', '--no-plugins', '--no-scripts', '--no-audit'], {
    cwd: ROOT,
    stdio: 'pipe',
    timeout: 120_000,
    env: { ...process.env, COMPOSER_HOME: `${ROOT}.home` },
  });
  return out;
}
