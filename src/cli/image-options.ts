/**
 * Flags shared by every command that reads an image, and their translation into library options:
 * a credential chain (explicit flags, pull secrets, docker config), CAs, platform.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  chainCredentialProviders,
  defaultDockerConfigPath,
  dockerConfigProvider,
  hostPlatform,
  kubernetesSecretProvider,
  parsePlatform,
  parseReference,
  staticCredentialProvider,
  type CredentialProvider,
  type OpenImageOptions,
  type Platform,
} from '../image/index.ts';
import { BosunError } from '../util/errors.ts';
import { readStdin, type CliIo } from './io.ts';

export interface ImageFlags {
  platform?: string;
  username?: string;
  passwordStdin?: boolean;
  dockerConfig?: string;
  pullSecret?: string[];
  caFile?: string[];
  insecure?: boolean;
  timeout?: string;
}

export function addImageOptions(command: Command): Command {
  return command
    .option(
      '--platform <os/arch[/variant]>',
      "platform to pick from a multi-platform image (default: this host's)",
    )
    .option('--username <user>', 'registry user name (with --password-stdin)')
    .option('--password-stdin', 'read the registry password from stdin')
    .option(
      '--docker-config <dir>',
      'directory of the docker config.json (default: $DOCKER_CONFIG or ~/.docker)',
    )
    .option(
      '--pull-secret <file>',
      'Kubernetes dockerconfigjson/dockercfg Secret with credentials (repeatable)',
      collect,
      [],
    )
    .option('--ca-file <file>', 'extra CA certificates (PEM) to trust (repeatable)', collect, [])
    .option('--insecure', 'allow plain HTTP and unverified TLS to the registry')
    .option('--timeout <seconds>', 'per-request registry timeout in seconds', '30');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Registry target (for explicit credentials) is the registry of the image argument, when it has one. */
export async function imageOpenOptions(
  flags: ImageFlags,
  io: CliIo,
  image?: string,
): Promise<OpenImageOptions> {
  const providers: CredentialProvider[] = [];
  if (flags.username !== undefined || flags.passwordStdin) {
    if (flags.username === undefined || !flags.passwordStdin) {
      throw new BosunError('CLI_USAGE', '--username and --password-stdin go together');
    }
    if (image === undefined) throw new BosunError('CLI_USAGE', '--username needs a registry image');
    const password = (await readStdin(io)).replace(/\r?\n$/, '');
    const registry = parseReference(image).registry;
    providers.push(staticCredentialProvider(registry, { kind: 'basic', username: flags.username, password }));
  }
  for (const file of flags.pullSecret ?? []) {
    providers.push(kubernetesSecretProvider(await readFile(resolve(io.cwd, file), 'utf8')));
  }
  const configPath =
    flags.dockerConfig !== undefined
      ? join(resolve(io.cwd, flags.dockerConfig), 'config.json')
      : defaultDockerConfigPath(io.env, io.env['HOME'] ?? homedir());
  providers.push(
    dockerConfigProvider({
      path: configPath,
      helper: { searchPath: (io.env['PATH'] ?? '').split(delimiter).filter((p) => p !== '') },
    }),
  );
  const caPems = await Promise.all(
    (flags.caFile ?? []).map((file) => readFile(resolve(io.cwd, file), 'utf8')),
  );
  const timeoutSeconds = Number(flags.timeout ?? '30');
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new BosunError(
      'CLI_USAGE',
      `--timeout must be a positive number of seconds, got "${flags.timeout}"`,
    );
  }
  return {
    registry: {
      credentials: chainCredentialProviders(...providers),
      caPems,
      insecure: flags.insecure === true,
      timeoutMs: timeoutSeconds * 1000,
    },
  };
}

export function platformOptions(flags: ImageFlags): { platform?: Platform; defaultPlatform: Platform } {
  return {
    ...(flags.platform === undefined ? {} : { platform: parsePlatform(flags.platform) }),
    defaultPlatform: hostPlatform(process.arch),
  };
}
