/**
 * A real `Gemfile.lock` resolved offline by Bundler (`bundle lock --local`) against the gems Debian's
 * ruby package installs, cached in `.cache/fixtures/ruby/`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../.cache/fixtures/ruby/', import.meta.url));

/** The Bundler command on this machine (`bundle`, or Debian's `bundle3.1`), if any. */
export function bundlerCommand(): string | undefined {
  for (const cmd of ['bundle', 'bundle3.1']) {
    try {
      execFileSync(cmd, ['--version'], { stdio: 'pipe' });
      return cmd;
    } catch {
      // try the next name
    }
  }
  return undefined;
}

export function gemfileLockFixture(): string {
  const lock = `${ROOT}Gemfile.lock`;
  if (existsSync(lock)) return lock;
  mkdirSync(ROOT, { recursive: true });
  writeFileSync(
    `${ROOT}Gemfile`,
    'source "https://rubygems.org"\ngem "rake", "13.0.6"\ngem "minitest"\ngroup :test do\n  gem "test-unit"\nend\n',
  );
  execFileSync(bundlerCommand() ?? 'bundle', ['lock', '--local'], {
    cwd: ROOT,
    stdio: 'pipe',
    timeout: 120_000,
  });
  return lock;
}
