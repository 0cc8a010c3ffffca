/**
 * From a scan result to what the user sees: filters (severity, fix status, package type, ignore
 * files, VEX), one of the report formats, the output file, and the `--exit-code` decision.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  exitCodeForFindings,
  filterFindings,
  formatHtml,
  formatTable,
  parseIgnoreFile,
  parseVex,
  toCycloneDxVulnerabilities,
  toJsonReport,
  toSarif,
  toSpdx,
  type IgnoreFile,
  type ReportArtifact,
  type ScanReport,
  type VexDocument,
} from '../../report/index.ts';
import type { ScanResult } from '../../scan/index.ts';
import { BosunError } from '../../util/errors.ts';
import type { CliIo } from '../io.ts';
import type { ScanCliOptions, ScanFormat } from './scan-flags.ts';

export const DEFAULT_IGNORE_FILES = ['.bosunignore', '.trivyignore'] as const;

async function readInput(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new BosunError('CLI_USAGE', `${what} ${path} cannot be read`, { cause, details: { input: path } });
  }
}

/** `--ignorefile`, else the first default ignore file present in `cwd`. */
export async function loadIgnoreFiles(options: ScanCliOptions, cwd: string): Promise<IgnoreFile[]> {
  let path = options.ignoreFile;
  if (path === undefined)
    path = DEFAULT_IGNORE_FILES.map((name) => join(cwd, name)).find((p) => existsSync(p));
  if (path === undefined) return [];
  return [parseIgnoreFile(await readInput(path, 'ignore file'), { source: path })];
}

export async function loadVex(options: ScanCliOptions): Promise<VexDocument[]> {
  return Promise.all(
    options.vexFiles.map(async (file) => parseVex(await readInput(file, 'VEX document'), { source: file })),
  );
}

/** The filtered report of a scan. */
export async function buildScanReport(
  result: ScanResult,
  artifact: ReportArtifact,
  options: ScanCliOptions,
  io: CliIo,
  now: Date,
): Promise<ScanReport> {
  const filtered = filterFindings(result.findings, {
    ...(options.severities === undefined ? {} : { severities: options.severities }),
    ignoreUnfixed: options.ignoreUnfixed,
    pkgTypes: options.pkgTypes,
    ignoreFiles: await loadIgnoreFiles(options, io.cwd),
    vex: await loadVex(options),
    artifact,
    now,
  });
  return {
    artifact,
    inventory: result.inventory,
    findings: filtered.findings,
    suppressed: filtered.suppressed,
    ...(result.models === undefined ? {} : { models: result.models }),
    issues: [
      ...result.inventory.issues.map((i) => ({
        source: i.analyzer,
        path: i.path,
        code: i.code,
        message: i.message,
      })),
      ...result.issues,
    ],
    warnings: [...result.warnings, ...filtered.warnings],
  };
}

/** The JSON report, with every package listed under `packages` when `--list-all-pkgs` is set. */
export function jsonReport(
  report: ScanReport,
  options: Pick<ScanCliOptions, 'listAllPkgs'>,
  now: Date,
  toolVersion: string,
): Record<string, unknown> {
  const json: Record<string, unknown> = { ...toJsonReport(report, { timestamp: now, toolVersion }) };
  if (options.listAllPkgs) {
    json['packages'] = report.inventory.packages.map((p) => ({
      ecosystem: p.ecosystem,
      name: p.name,
      version: p.version,
      purl: p.purl,
      ...(p.sourceName === undefined ? {} : { sourceName: p.sourceName }),
      ...(p.sourceVersion === undefined ? {} : { sourceVersion: p.sourceVersion }),
      licenses: [...p.licenses],
      ...(p.osOwned === true ? { osOwned: true } : {}),
      locations: p.locations.map((l) => ({ ...l })),
    }));
  }
  return json;
}

/**
 * Cosign's vulnerability attestation predicate (`cosign attest --type vuln`, spec
 * COSIGN_VULN_ATTESTATION_SPEC.md): invocation, scanner (uri, version, db, result) and scan times;
 * the result is Bosun's JSON report.
 */
export function cosignVulnPredicate(
  result: ScanResult,
  report: ScanReport,
  options: Pick<ScanCliOptions, 'listAllPkgs'>,
  toolVersion: string,
): Record<string, unknown> {
  return {
    invocation: { parameters: null, uri: '', event_id: '', 'builder.id': '' },
    scanner: {
      uri: `pkg:npm/bosun@${toolVersion}`,
      version: toolVersion,
      db: { uri: result.db?.sources[0] ?? '', version: result.db?.builtAt ?? '' },
      result: jsonReport(report, options, new Date(result.finishedAt), toolVersion),
    },
    metadata: { scanStartedOn: result.startedAt, scanFinishedOn: result.finishedAt },
  };
}

export function renderScanReport(
  format: ScanFormat,
  result: ScanResult,
  report: ScanReport,
  options: ScanCliOptions,
  context: { readonly io: CliIo; readonly now: Date; readonly toolVersion: string },
): string {
  const { io, now, toolVersion } = context;
  const common = { timestamp: now, toolVersion };
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  switch (format) {
    case 'table': {
      const tty = (io.stdout as { isTTY?: boolean }).isTTY === true && options.output === undefined;
      const columns = (io.stdout as { columns?: number }).columns;
      return formatTable(report, {
        color: tty && io.env['NO_COLOR'] === undefined,
        ...(tty && columns !== undefined ? { width: columns } : {}),
      });
    }
    case 'json':
      return json(jsonReport(report, options, now, toolVersion));
    case 'sarif':
      return json(toSarif(report, { ...common, informationUri: 'https://github.com/bosun-dev/bosun' }));
    case 'cyclonedx':
      return json(toCycloneDxVulnerabilities(report, common));
    case 'spdx-json':
      return json(toSpdx(report.inventory, { ...common, artifact: report.artifact }));
    case 'html':
      return formatHtml(report, common);
    case 'cosign-vuln':
      return json(cosignVulnPredicate(result, report, options, toolVersion));
  }
}

/** Writes the text to `--output` or stdout. */
export async function writeOutput(text: string, output: string | undefined, io: CliIo): Promise<void> {
  if (output === undefined) io.stdout.write(text);
  else await writeFile(output, text);
}

/** `--exit-code` applies to vulnerabilities left after filters and to failed model files. */
export function scanExitCode(report: ScanReport, exitCode: number): number {
  const failedModels = (report.models ?? []).filter((m) => m.verdict === 'fail');
  return exitCodeForFindings([...report.findings, ...failedModels], exitCode);
}
