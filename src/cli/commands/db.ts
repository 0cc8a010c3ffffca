import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatAge } from '../../scan/index.ts';
import { BosunError } from '../../util/errors.ts';
import { buildVulnDb, dbStatus, updateVulnDb, type DbStatus, type OsvSource } from '../../vulndb/index.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { parseFormat } from '../formats.ts';
import { addDbOptions, parseDbPaths } from './scan-flags.ts';
import { progressView } from './scan-progress.ts';

interface DbFlags {
  cacheDir?: string;
  dbPath?: string;
  dbSource?: string;
  quiet?: boolean;
}

interface UpdateFlags extends DbFlags {
  ecosystems?: string;
  full?: boolean;
}

export function registerDb(program: Command, io: CliIo, _outcome: CommandOutcome): void {
  const db = program.command('db').description('manage the vulnerability DB (OSV records in SQLite)');

  addDbOptions(
    db
      .command('update')
      .description('download or refresh the DB (only records changed since the last update when possible)')
      .option(
        '--ecosystems <list>',
        'OSV ecosystems to fetch, e.g. Debian,npm,PyPI (default: those in the DB, else all)',
      )
      .option('--full', "download every ecosystem's all.zip even when an incremental refresh is possible"),
  ).action(async (flags: UpdateFlags) => {
    const paths = parseDbPaths(flags, io.env, io.cwd);
    const ecosystems = (flags.ecosystems ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const progress = progressView(io, flags.quiet === true);
    let result;
    try {
      result = await updateVulnDb({
        dbPath: paths.dbPath,
        ...(paths.dbSource === undefined ? {} : { source: paths.dbSource }),
        ...(ecosystems.length === 0 ? {} : { ecosystems }),
        ...(flags.full === true ? { full: true } : {}),
        onProgress: progress.onUpdate,
      });
    } finally {
      progress.stop();
    }
    for (const u of result.updates) {
      io.stdout.write(
        `${u.ecosystem}: ${u.mode}, ${u.records} records${u.removed > 0 ? `, ${u.removed} removed` : ''}${u.invalid > 0 ? `, ${u.invalid} invalid` : ''}\n`,
      );
    }
    io.stdout.write(`${result.status.records} records in ${result.status.path}\n`);
  });

  addDbOptions(
    db
      .command('import')
      .description('build the DB from OSV JSON directories or zip files (offline; replaces the DB)')
      .argument('<source...>', 'directory of OSV JSON records, or an OSV all.zip'),
  ).action(async (sources: string[], flags: DbFlags) => {
    const paths = parseDbPaths(flags, io.env, io.cwd);
    const resolved: OsvSource[] = [];
    for (const source of sources) {
      const path = resolve(io.cwd, source);
      let info;
      try {
        info = await stat(path);
      } catch (cause) {
        throw new BosunError('CLI_USAGE', `${source}: no such directory or zip file`, {
          cause,
          details: { input: source },
        });
      }
      resolved.push(info.isDirectory() ? { kind: 'dir', path } : { kind: 'zip', path });
    }
    const results = await buildVulnDb(paths.dbPath, resolved);
    for (const r of results) {
      io.stdout.write(`${r.source}: ${r.imported} records${r.invalid > 0 ? `, ${r.invalid} invalid` : ''}\n`);
      if (flags.quiet !== true) {
        for (const issue of r.issues.slice(0, 10))
          io.stderr.write(`bosun: warning: ${issue.file}: ${issue.message} [${issue.code}]\n`);
      }
    }
    io.stdout.write(`${(await dbStatus(paths.dbPath)).records} records in ${paths.dbPath}\n`);
  });

  db.command('status')
    .description('show what the DB holds: sources, record counts, build time and age')
    .option('--cache-dir <dir>', 'cache directory (default: $XDG_CACHE_HOME/bosun or ~/.cache/bosun)')
    .option('--db-path <file>', 'vulnerability DB file (default: <cache-dir>/db/bosun.db)')
    .option('-f, --format <format>', 'table or json', 'table')
    .action(async (flags: DbFlags & { format: string }) => {
      const format = parseFormat(flags.format, ['table', 'json'] as const);
      const paths = parseDbPaths(flags, io.env, io.cwd);
      const status = await dbStatus(paths.dbPath);
      const ageMs = Date.now() - Date.parse(status.builtAt);
      if (format === 'json') {
        io.stdout.write(
          `${JSON.stringify({ ...status, ageSeconds: Number.isNaN(ageMs) ? null : Math.round(ageMs / 1000) }, null, 2)}\n`,
        );
      } else {
        io.stdout.write(renderStatus(status, ageMs));
      }
    });
}

export function renderStatus(status: DbStatus, ageMs: number): string {
  const lines = [
    `Path:        ${status.path}`,
    `Schema:      ${status.schemaVersion}`,
    `Built at:    ${status.builtAt}${Number.isNaN(ageMs) ? '' : ` (${formatAge(ageMs)} ago)`}`,
    `Records:     ${status.records} (${status.withdrawn} withdrawn)`,
    `Size:        ${(status.sizeBytes / 1048576).toFixed(1)} MiB`,
    'Ecosystems:',
    ...Object.entries(status.counts)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, count]) => `  ${name.padEnd(20)} ${String(count).padStart(8)}`),
    'Sources:',
    ...status.sources.map(
      (s) =>
        `  ${s.name.padEnd(20)} ${String(s.records).padStart(8)}  imported ${s.importedAt}  modified ${s.lastModified}  ${s.source}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
