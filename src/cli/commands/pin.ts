import type { Command } from 'commander';
import { resolve } from 'node:path';
import { pinFiles, registryDigestResolver } from '../../pin/index.ts';
import { BosunError } from '../../util/errors.ts';
import { collectYamlFiles } from '../files.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { addImageOptions, imageOpenOptions, type ImageFlags } from '../image-options.ts';

interface PinFlags extends ImageFlags {
  write?: boolean;
  check?: boolean;
}

export function registerPin(program: Command, io: CliIo, outcome: CommandOutcome): void {
  addImageOptions(
    program
      .command('pin')
      .description(
        'rewrite image references in Kubernetes YAML to name:tag@sha256:... (comments and layout kept)',
      )
      .argument('<paths...>', 'YAML files or directories (multi-document and Helm-rendered output work)')
      .option('-w, --write', 'write the pinned files in place (default: print them to stdout)')
      .option('--check', 'only report references without a digest; exit 1 when there are any (no network)'),
  )
    .addHelpText(
      'after',
      `
Exit codes: 0 done (or, with --check, everything pinned); 1 --check found unpinned images;
2 a file could not be read or parsed; 3 a tag could not be resolved.

Examples:
  bosun pin deploy/ --write
  helm template ./chart | tee rendered.yaml >/dev/null && bosun pin rendered.yaml
  bosun pin --check k8s/          # in CI: fail when anything runs by tag only`,
    )
    .action(async (paths: string[], flags: PinFlags) => {
      if (flags.write && flags.check)
        throw new BosunError('CLI_USAGE', '--write and --check exclude each other');
      const files = await collectYamlFiles(paths, io.cwd);
      if (files.length === 0) throw new BosunError('CLI_USAGE', 'no YAML files found');
      if (flags.check) {
        const result = await pinFiles(files, { check: true });
        reportFileErrors(result.files, io);
        for (const file of result.files) {
          for (const f of file.unpinned) {
            io.stdout.write(
              `${relativeTo(io, file.file)}: ${f.kind}/${f.name} ${f.pointer}: ${f.image} is not pinned by digest\n`,
            );
          }
        }
        io.stderr.write(`${result.unpinned} unpinned image reference(s) in ${files.length} file(s)\n`);
        outcome.exitCode = result.files.some((f) => f.error) ? 2 : result.unpinned > 0 ? 1 : 0;
        return;
      }
      const open = await imageOpenOptions(flags, io);
      const resolver = registryDigestResolver({
        ...(open.registry?.credentials === undefined ? {} : { credentials: open.registry.credentials }),
        ...(open.registry?.caPems === undefined ? {} : { caPems: open.registry.caPems }),
        ...(open.registry?.insecure === undefined ? {} : { insecure: open.registry.insecure }),
        ...(open.registry?.timeoutMs === undefined ? {} : { timeoutMs: open.registry.timeoutMs }),
      });
      try {
        const result = await pinFiles(files, { resolve: resolver, write: flags.write === true });
        reportFileErrors(result.files, io);
        for (const file of result.files) {
          for (const issue of file.issues) {
            io.stderr.write(
              `${relativeTo(io, file.file)}: ${issue.kind}/${issue.name} ${issue.image}: ${issue.message} [${issue.code}]\n`,
            );
          }
          for (const change of file.changes) {
            io.stderr.write(`${relativeTo(io, file.file)}: ${change.image} -> ${change.pinned}\n`);
          }
          if (!flags.write && file.text !== undefined) {
            if (result.files.length > 1) io.stdout.write(`# ${relativeTo(io, file.file)}\n`);
            io.stdout.write(file.text);
          }
        }
        io.stderr.write(`${result.changed} reference(s) pinned${flags.write ? ' and written' : ''}\n`);
        outcome.exitCode = result.files.some((f) => f.error) ? 2 : result.issues > 0 ? 3 : 0;
      } finally {
        await resolver.close();
      }
    });
}

function reportFileErrors(
  files: readonly { file: string; error?: { code: string; message: string } }[],
  io: CliIo,
): void {
  for (const file of files) {
    if (file.error)
      io.stderr.write(`${relativeTo(io, file.file)}: ${file.error.message} [${file.error.code}]\n`);
  }
}

function relativeTo(io: CliIo, file: string): string {
  const base = resolve(io.cwd);
  return file.startsWith(`${base}/`) ? file.slice(base.length + 1) : file;
}
