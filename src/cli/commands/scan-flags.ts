/**
 * Flags shared by `bosun image`, `fs` and `sbom-scan` (Trivy's names), validated into one options
 * object. Pure over (flags, env, cwd) so every rule is a table test.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { SEVERITIES, type PkgType } from '../../report/index.ts';
import type { Severity } from '../../vulndb/index.ts';
import type { ScannerKind } from '../../scan/index.ts';
import { BosunError } from '../../util/errors.ts';

export const SCAN_FORMATS = [
  'table',
  'json',
  'sarif',
  'cyclonedx',
  'spdx-json',
  'html',
  'cosign-vuln',
] as const;
export type ScanFormat = (typeof SCAN_FORMATS)[number];

export interface ScanFlags {
  format: string;
  output?: string;
  severity?: string;
  ignoreUnfixed?: boolean;
  pkgTypes?: string;
  ignorefile?: string;
  vex?: string[];
  exitCode?: string;
  listAllPkgs?: boolean;
  includeOsOwned?: boolean;
  scanners?: string;
  cacheDir?: string;
  dbPath?: string;
  skipDbUpdate?: boolean;
  offline?: boolean;
  dbSource?: string;
  quiet?: boolean;
}

export interface ScanCliOptions {
  readonly format: ScanFormat;
  /** Absolute path, or undefined for stdout. */
  readonly output?: string;
  readonly severities?: readonly Severity[];
  readonly ignoreUnfixed: boolean;
  readonly pkgTypes: readonly PkgType[];
  /** Explicit `--ignorefile` (absolute); when absent the defaults in cwd are tried. */
  readonly ignoreFile?: string;
  readonly vexFiles: readonly string[];
  readonly exitCode: number;
  readonly listAllPkgs: boolean;
  readonly includeOsOwned: boolean;
  readonly scanners: readonly ScannerKind[];
  readonly cacheDir: string;
  readonly dbPath: string;
  readonly skipDbUpdate: boolean;
  readonly offline: boolean;
  /** A URL as given, or an absolute path. */
  readonly dbSource?: string;
  readonly quiet: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--cache-dir`, `--db-path`, `--db-source`, `--skip-db-update`, `--offline`, `--quiet`: also used by `bosun db`. */
export function addDbOptions(command: Command): Command {
  return command
    .option('--cache-dir <dir>', 'cache directory (default: $XDG_CACHE_HOME/bosun or ~/.cache/bosun)')
    .option('--db-path <file>', 'vulnerability DB file (default: <cache-dir>/db/bosun.db)')
    .option(
      '--db-source <url|dir|zip>',
      'where DB updates come from: an OSV-style base URL, a directory of OSV JSON, or a zip of it',
    )
    .option('-q, --quiet', 'no progress bars or warnings on stderr');
}

/**
 * `defaultScanners`: images and directories check model files too by default (a model file is
 * code until proven otherwise); an SBOM has no files to check.
 */
export function addScanOptions(
  command: Command,
  formats: readonly string[] = SCAN_FORMATS,
  defaultScanners = 'vuln,model',
): Command {
  return addDbOptions(
    command
      .option('-f, --format <format>', `output format: ${formats.join(', ')}`, 'table')
      .option('-o, --output <file>', 'write the report to a file instead of stdout')
      .option('-s, --severity <list>', 'severities to report, e.g. CRITICAL,HIGH (default: all)')
      .option('--ignore-unfixed', 'report only vulnerabilities with a fixed version')
      .option('--pkg-types <list>', 'package types to report: os, library', 'os,library')
      .option(
        '--ignorefile <file>',
        'ignore file (default: .bosunignore, then .trivyignore, in the current directory)',
      )
      .option('--vex <file>', 'OpenVEX or CycloneDX VEX document (repeatable)', collect, [])
      .option('--exit-code <n>', 'exit with this code when findings remain after filters', '0')
      .option('--list-all-pkgs', 'JSON output lists every package, not only vulnerable ones')
      .option('--include-os-owned', 'also match language packages installed by the OS package manager')
      .option('--scanners <list>', 'scanners to run: vuln, model', defaultScanners)
      .option('--skip-db-update', 'use the vulnerability DB as it is')
      .option('--offline', 'no network: never download or refresh the DB'),
  );
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function usage(message: string): BosunError {
  return new BosunError('CLI_USAGE', message);
}

/** The user's cache directory: `$XDG_CACHE_HOME/bosun`, else `~/.cache/bosun`. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && xdg !== '') return join(xdg, 'bosun');
  return join(env['HOME'] ?? homedir(), '.cache', 'bosun');
}

export interface DbPaths {
  readonly cacheDir: string;
  readonly dbPath: string;
  readonly dbSource?: string;
}

export function parseDbPaths(
  flags: Pick<ScanFlags, 'cacheDir' | 'dbPath' | 'dbSource'>,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): DbPaths {
  const cacheDir = flags.cacheDir === undefined ? defaultCacheDir(env) : resolve(cwd, flags.cacheDir);
  const dbPath = flags.dbPath === undefined ? join(cacheDir, 'db', 'bosun.db') : resolve(cwd, flags.dbPath);
  const source = flags.dbSource;
  return {
    cacheDir,
    dbPath,
    ...(source === undefined
      ? {}
      : { dbSource: /^https?:\/\//i.test(source) ? source : resolve(cwd, source) }),
  };
}

export function parseScanFlags(
  flags: ScanFlags,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  formats: readonly string[] = SCAN_FORMATS,
): ScanCliOptions {
  if (!formats.includes(flags.format)) {
    throw usage(`unknown format "${flags.format}"; use one of: ${formats.join(', ')}`);
  }
  const severities = list(flags.severity).map((s) => s.toUpperCase());
  for (const s of severities) {
    if (!(SEVERITIES as readonly string[]).includes(s)) {
      throw usage(`unknown severity "${s}"; use: ${SEVERITIES.join(', ')}`);
    }
  }
  const pkgTypes = list(flags.pkgTypes ?? 'os,library');
  for (const p of pkgTypes) {
    if (p !== 'os' && p !== 'library') throw usage(`unknown package type "${p}"; use: os, library`);
  }
  if (pkgTypes.length === 0) throw usage('--pkg-types needs at least one of: os, library');
  const scanners = list(flags.scanners ?? 'vuln');
  for (const s of scanners) {
    if (s !== 'vuln' && s !== 'model') throw usage(`unknown scanner "${s}"; use: vuln, model`);
  }
  if (scanners.length === 0) throw usage('--scanners needs at least one of: vuln, model');
  const exitText = flags.exitCode ?? '0';
  const exitCode = Number(exitText);
  if (!/^\d+$/.test(exitText) || exitCode > 255) throw usage(`--exit-code must be 0..255, got "${exitText}"`);
  const paths = parseDbPaths(flags, env, cwd);
  return {
    format: flags.format as ScanFormat,
    ...(flags.output === undefined ? {} : { output: resolve(cwd, flags.output) }),
    ...(severities.length === 0 ? {} : { severities: [...new Set(severities)] as Severity[] }),
    ignoreUnfixed: flags.ignoreUnfixed === true,
    pkgTypes: [...new Set(pkgTypes)] as PkgType[],
    ...(flags.ignorefile === undefined ? {} : { ignoreFile: resolve(cwd, flags.ignorefile) }),
    vexFiles: (flags.vex ?? []).map((file) => resolve(cwd, file)),
    exitCode,
    listAllPkgs: flags.listAllPkgs === true,
    includeOsOwned: flags.includeOsOwned === true,
    scanners: [...new Set(scanners)] as ScannerKind[],
    ...paths,
    skipDbUpdate: flags.skipDbUpdate === true,
    offline: flags.offline === true,
    quiet: flags.quiet === true,
  };
}
