import { join } from 'node:path';

/**
 * Where the docker CLI keeps `config.json`: `$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`. Pure: the CLI passes `process.env` and `os.homedir()`.
 */
export function defaultDockerConfigPath(
  env: Readonly<Record<string, string | undefined>>,
  homedir: string,
): string {
  const dir = env['DOCKER_CONFIG'];
  return dir !== undefined && dir !== '' ? join(dir, 'config.json') : join(homedir, '.docker', 'config.json');
}
