/**
 * Platforms as the OCI image index describes them, normalised the way containerd's platforms
 * package does: `aarch64` → `arm64`, `x86_64`/`x86-64` → `amd64`, `arm64` variant `v8` is the
 * default (same as none), `amd64` `v1` likewise, 32-bit `arm` defaults to `v7`.
 */
import { BosunError } from '../util/errors.ts';
import type { Platform } from './types.ts';

const ARCH_ALIASES: Readonly<Record<string, string>> = {
  aarch64: 'arm64',
  x86_64: 'amd64',
  'x86-64': 'amd64',
  i386: '386',
  i686: '386',
  armhf: 'arm',
  armel: 'arm',
};

/** Normalised os/architecture/variant (other fields dropped). */
export function normalisePlatform(platform: Platform): Platform {
  const os = platform.os.toLowerCase();
  const architecture =
    ARCH_ALIASES[platform.architecture.toLowerCase()] ?? platform.architecture.toLowerCase();
  let variant = platform.variant?.toLowerCase();
  if (architecture === 'arm64' && (variant === 'v8' || variant === '8')) variant = undefined;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  if (architecture === 'arm') {
    if (variant === undefined || variant === '') variant = 'v7';
    else if (/^\d+$/.test(variant)) variant = `v${variant}`;
  }
  if (variant === '') variant = undefined;
  return { os, architecture, ...(variant === undefined ? {} : { variant }) };
}

/** Parses `os/arch[/variant]` (e.g. `linux/arm64/v8`); IMAGE_PLATFORM_NOT_FOUND-free: usage errors are CLI_USAGE. */
export function parsePlatform(value: string): Platform {
  const parts = value.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '' || !/^[A-Za-z0-9._-]+$/.test(p))) {
    throw new BosunError(
      'CLI_USAGE',
      `invalid platform "${value.slice(0, 60)}": expected os/arch[/variant]`,
      {
        details: { input: 'platform' },
      },
    );
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return normalisePlatform({ os, architecture, ...(variant === undefined ? {} : { variant }) });
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant]
    .filter((p) => p !== undefined && p !== '')
    .join('/');
}

/**
 * Whether `have` satisfies `want`. A wanted variant must match (after normalisation); without one,
 * any variant of the architecture matches.
 */
export function platformMatches(want: Platform, have: Platform): boolean {
  const w = normalisePlatform(want);
  const h = normalisePlatform(have);
  if (w.os !== h.os || w.architecture !== h.architecture) return false;
  if (want.variant === undefined || want.variant === '') return true;
  return w.variant === h.variant;
}
