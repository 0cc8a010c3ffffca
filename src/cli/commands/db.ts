import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  createRegistryClient,
  parseReference,
  repositoryName,
  type RegistryClient,
} from '../../image/index.ts';
import { formatAge, pullVulnDbArtifact, pushVulnDbArtifact } from '../../scan/index.ts';
import { signImage, verifyImageSignatures } from '../../sign/index.ts';
import { BosunError } from '../../util/errors.ts';
import { buildVulnDb, dbStatus, updateVulnDb, type DbStatus, type OsvSource } from '../../vulndb/index.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { parseFormat } from '../formats.ts';
import { addImageOptions, imageOpenOptions, type ImageFlags } from '../image-options.ts';
import { collect, loadSigningKey, loadVerifyKeys, parseSignatureFormat } from './sign-common.ts';
import { addDbOptions, parseDbPaths } from './scan-flags.ts';
import { progressView } from './scan-progress.ts';

interface DbFlags {
  cacheDir?: string;
  dbPath?: string;
  dbSource?: string;
  quiet?: boolean;
}

interface UpdateFlags extends DbFlags, ImageFlags {
  ecosystems?: string;
  full?: boolean;
  dbRepository?: string;
  key?: string[];
}

interface PushFlags extends DbFlags, ImageFlags {
  key?: string;
  signatureFormat: string;
}

/** A registry client for the repository of `ref`, from the shared registry flags. */
async function registryClient(flags: ImageFlags, io: CliIo, ref: string): Promise<RegistryClient> {
  if (flags.platform !== undefined)
    throw new BosunError('CLI_USAGE', '--platform does not apply to the DB artifact');
  const { registry } = await imageOpenOptions(flags, io, ref);
  return createRegistryClient({ ...registry, registry: parseReference(ref).registry });
}

/**
 * `db update --db-repository`: pull the DB artifact; with `--key`, only after its signature
 * verified, and by the digest that verified (a tag moved in between cannot swap the DB).
 */
async function pullFromRepository(flags: UpdateFlags, io: CliIo, dbPath: string): Promise<void> {
  const ref = flags.dbRepository as string;
  const reference = parseReference(ref);
  const client = await registryClient(flags, io, ref);
  try {
    let pullRef = reference.digest ?? reference.tag ?? 'latest';
    const keys = flags.key ?? [];
    if (keys.length > 0) {
      const verified = await verifyImageSignatures({
        reference: ref,
        keys: await loadVerifyKeys(io, keys),
        client,
      });
      if (!verified.ok) {
        const reasons = [...new Set(verified.failures.map((f) => f.reason))].join(', ') || 'no signature';
        throw new BosunError(
          'SIGN_SIGNATURE_INVALID',
          `DB artifact ${ref}: signature not verified (${reasons})`,
          {
            details: { input: ref },
          },
        );
      }
      pullRef = verified.digest;
    } else if (flags.quiet !== true) {
      io.stderr.write(
        `bosun: warning: DB artifact ${ref} pulled without signature verification (give --key)\n`,
      );
    }
    const pulled = await pullVulnDbArtifact({ client, repository: reference.repository }, pullRef, dbPath);
    io.stdout.write(
      `${pulled.status.records} records from ${repositoryName(reference)}@${pulled.digest} in ${dbPath}\n`,
    );
  } finally {
    await client.close();
  }
}

export function registerDb(program: Command, io: CliIo, _outcome: CommandOutcome): void {
  const db = program.command('db').description('manage the vulnerability DB (OSV records in SQLite)');

  addImageOptions(
    addDbOptions(
      db
        .command('update')
        .description('download or refresh the DB (only records changed since the last update when possible)')
        .option(
          '--ecosystems <list>',
          'OSV ecosystems to fetch, e.g. Debian,npm,PyPI (default: those in the DB, else all)',
        )
        .option('--full', "download every ecosystem's all.zip even when an incremental refresh is possible")
        .option(
          '--db-repository <ref>',
          'pull a DB published with `bosun db push` from this registry instead',
        )
        .option(
          '--key <file>',
          'with --db-repository: public key that must verify the artifact (repeatable)',
          collect,
          [],
        ),
    ),
  ).action(async (flags: UpdateFlags) => {
    const paths = parseDbPaths(flags, io.env, io.cwd);
    if (flags.dbRepository !== undefined) {
      if (flags.dbSource !== undefined)
        throw new BosunError('CLI_USAGE', '--db-repository and --db-source exclude each other');
      await pullFromRepository(flags, io, paths.dbPath);
      return;
    }
    if ((flags.key ?? []).length > 0) throw new BosunError('CLI_USAGE', '--key goes with --db-repository');
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

  addImageOptions(
    addDbOptions(
      db
        .command('push')
        .description('publish the DB as an OCI artifact (optionally signed) for other machines to pull')
        .argument(
          '<repository[:tag]>',
          'registry repository and tag, e.g. registry.example.com/security/bosun-db:latest',
        )
        .option('--key <file>', 'cosign private key: sign the pushed artifact')
        .option('--signature-format <format>', 'bundle or legacy', 'bundle'),
    ),
  ).action(async (ref: string, flags: PushFlags) => {
    const paths = parseDbPaths(flags, io.env, io.cwd);
    const reference = parseReference(ref);
    if (reference.digest !== undefined) throw new BosunError('CLI_USAGE', 'push to a tag, not a digest');
    const format = parseSignatureFormat(flags.signatureFormat);
    const key =
      flags.key === undefined
        ? undefined
        : await loadSigningKey(io, flags.key, { stdinTaken: flags.passwordStdin === true });
    const client = await registryClient(flags, io, ref);
    try {
      const pushed = await pushVulnDbArtifact(
        { client, repository: reference.repository },
        paths.dbPath,
        reference.tag ?? 'latest',
      );
      const pinned = `${repositoryName(reference)}@${pushed.digest}`;
      if (key !== undefined) await signImage({ reference: pinned, key, client, format });
      io.stdout.write(`${pinned}\n`);
      if (flags.quiet !== true) {
        io.stderr.write(
          `pushed ${pushed.status.records} records (${key === undefined ? 'unsigned' : 'signed'}) as ${repositoryName(reference)}:${reference.tag ?? 'latest'}\n`,
        );
      }
    } finally {
      await client.close();
    }
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
