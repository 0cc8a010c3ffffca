import { readFile, stat, writeFile } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import {
  formatPlatform,
  openImage,
  openLocalImage,
  parseLocalSpec,
  resolveImage,
  type ImageSource,
} from '../../image/index.ts';
import {
  convertCheck,
  hashModelDir,
  scanImageModels,
  scanModelPath,
  verifyModelDir,
  verifySafetensorsIndex,
  type ModelScanOptions,
} from '../../models/index.ts';
import { BosunError, isBosunError } from '../../util/errors.ts';
import { parseFormat } from '../formats.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { addImageOptions, imageOpenOptions, platformOptions, type ImageFlags } from '../image-options.ts';
import { modelScanOptions, type ModelScanFlags } from './model-config.ts';
import {
  renderJson,
  renderSarif,
  renderTable,
  type ModelScanEntry,
  type ModelScanTarget,
} from './model-render.ts';

interface ScanFlags extends ImageFlags, ModelScanFlags {
  format: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerModel(program: Command, io: CliIo, outcome: CommandOutcome): void {
  const model = program
    .command('model')
    .description('scan model files for code that runs on load; pin and verify model directories');

  addImageOptions(
    model
      .command('scan')
      .description('scan a model file, a directory of model files, or every model file in an image')
      .argument(
        '<target>',
        'file, directory, image reference, oci:DIR, oci-archive:FILE or docker-archive:FILE',
      )
      .option('-f, --format <format>', 'output format: table, json or sarif', 'table')
      .option('--exit-code <n>', 'exit code when any file fails the gate (default 0, as in Trivy)')
      .option(
        '--allow <presets>',
        'allow-list presets to enable, comma-separated (replaces the config)',
        collect,
        [],
      )
      .option(
        '--allow-global <name>',
        'extra allowed callable: module.name or module.* (repeatable)',
        collect,
        [],
      )
      .option('--config <file>', 'bosun-models.yaml: allow-list, limits, exit code')
      .option('--fail-unknown', 'fail files in no recognised model format instead of skipping them'),
  )
    .addHelpText(
      'after',
      `
A file passes only when every callable it imports is on the allow-list and nothing at HIGH or
above was found (docs/models.md). Exit codes: 0 done (or no file failed), the --exit-code value
when a file failed, 2 usage or unreadable input, 3 registry, 4 integrity or limit.

Examples:
  bosun model scan pytorch_model.bin
  bosun model scan ./models --format json --exit-code 1
  bosun model scan ./models --allow python,torch,numpy,sklearn --allow-global mylab.layers.*
  bosun model scan registry.example.com/ml/server:1.4 --format sarif > models.sarif
  bosun model scan oci-archive:server.tar --config bosun-models.yaml`,
    )
    .action(async (target: string, flags: ScanFlags) => {
      const format = parseFormat(flags.format, ['table', 'json', 'sarif'] as const);
      const { options, exitCode } = await modelScanOptions(flags, io.cwd);
      const scanned = await scanTarget(target, flags, options, io);
      const text =
        format === 'json'
          ? renderJson(scanned.target, scanned.entries)
          : format === 'sarif'
            ? renderSarif(scanned.target, scanned.entries, program.version() ?? '0.0.0')
            : renderTable(scanned.target, scanned.entries);
      io.stdout.write(text);
      if (scanned.entries.some((e) => e.result.verdict === 'fail')) outcome.exitCode = exitCode;
    });

  model
    .command('hash')
    .description('print a sha256sum-compatible manifest of every file under a directory')
    .argument('<dir>', 'model directory')
    .option(
      '-o, --output <file>',
      'write the manifest to a file (left out of the manifest when inside <dir>)',
    )
    .option('--exclude <path>', 'relative path to leave out (repeatable)', collect, [])
    .addHelpText(
      'after',
      `
The manifest is what \`sha256sum\` prints from inside the directory, so \`sha256sum -c\` checks it
too. Write it outside the directory (or use --output): a shell redirection into the directory
creates the file before it is hashed.

Examples:
  bosun model hash ./llama-3-8b > llama-3-8b.sha256
  bosun model hash ./llama-3-8b -o ./llama-3-8b/models.sha256`,
    )
    .action(async (dir: string, flags: { output?: string; exclude: string[] }) => {
      const root = await directory(dir, io.cwd);
      const exclude = [...flags.exclude];
      const output = flags.output === undefined ? undefined : resolve(io.cwd, flags.output);
      const inside = output === undefined ? undefined : insideDir(root, output);
      if (inside !== undefined) exclude.push(inside);
      const hashes = await hashModelDir(root, { exclude });
      if (output === undefined) io.stdout.write(hashes.manifest);
      else {
        await writeFile(output, hashes.manifest);
        io.stderr.write(`${hashes.entries.length} files hashed into ${flags.output}\n`);
      }
    });

  model
    .command('verify')
    .description('check a model directory against a sha256sum manifest (and a safetensors index)')
    .argument('<dir>', 'model directory')
    .requiredOption('--manifest <file>', 'manifest written by `bosun model hash` or sha256sum')
    .option('--index <file>', 'safetensors index (relative to <dir>): shards pinned, tensors as indexed')
    .option('--allow-extra', 'do not fail on files the manifest does not list')
    .addHelpText(
      'after',
      `
Exit codes: 0 every file matches; 1 a file is missing, changed or not listed (each named on
stderr); 2 unreadable manifest or directory. Run it as an init container before a model server
starts (README, "Models").

Examples:
  bosun model verify --manifest models.sha256 /models
  bosun model verify --manifest /pins/models.sha256 --index model.safetensors.index.json /models`,
    )
    .action(async (dir: string, flags: { manifest: string; index?: string; allowExtra?: boolean }) => {
      const root = await directory(dir, io.cwd);
      const manifestPath = resolve(io.cwd, flags.manifest);
      let manifest: string;
      try {
        manifest = await readFile(manifestPath, 'utf8');
      } catch (error) {
        throw new BosunError('CLI_USAGE', `${flags.manifest}: cannot be read`, {
          cause: error,
          details: { input: flags.manifest },
        });
      }
      const inside = insideDir(root, manifestPath);
      const result = await verifyModelDir(manifest, root, { exclude: inside === undefined ? [] : [inside] });
      const problems: string[] = [
        ...result.missing.map((p) => `missing: ${p}`),
        ...result.changed.map((p) => `changed: ${p}`),
        ...(flags.allowExtra === true ? [] : result.extra.map((p) => `extra: ${p}`)),
      ];
      if (flags.index !== undefined) {
        const index = await verifySafetensorsIndex(root, flags.index, manifest);
        problems.push(
          ...index.unpinned.map((p) => `unpinned: ${p}`),
          ...index.missing.filter((p) => !result.missing.includes(p)).map((p) => `missing: ${p}`),
          ...index.tensorMismatches.map((p) => `tensor: ${p}`),
        );
      }
      for (const problem of problems) io.stderr.write(`${problem}\n`);
      io.stdout.write(
        problems.length === 0
          ? `OK: ${result.matched.length} files match ${flags.manifest}\n`
          : `FAILED: ${problems.length} problem${problems.length === 1 ? '' : 's'} (${result.matched.length} files match)\n`,
      );
      outcome.exitCode = problems.length === 0 ? 0 : 1;
    });

  model
    .command('convert-check')
    .description('tell whether a pickle checkpoint holds only tensors (convertible to safetensors as is)')
    .argument('<file>', 'model file')
    .option('-f, --format <format>', 'output format: table or json', 'table')
    .addHelpText(
      'after',
      `
Information only: the exit code is 0 whatever the answer.

Examples:
  bosun model convert-check pytorch_model.bin
  bosun model convert-check model.pt --format json`,
    )
    .action(async (file: string, flags: { format: string }) => {
      const format = parseFormat(flags.format, ['table', 'json'] as const);
      const result = await convertCheck(resolve(io.cwd, file));
      const shown = { ...result, file };
      if (format === 'json') {
        io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
        return;
      }
      io.stdout.write(
        result.tensorsOnly
          ? `${file}: tensors only: can be converted to safetensors as is\n`
          : `${file}: not tensors only${result.blockers.length === 0 ? ' (not a pickle checkpoint)' : ':'}\n`,
      );
      for (const b of result.blockers) io.stdout.write(`  ${b.severity} ${b.kind} ${b.callable ?? ''}\n`);
    });
}

async function directory(dir: string, cwd: string): Promise<string> {
  const root = resolve(cwd, dir);
  const info = await stat(root).catch(() => undefined);
  if (info?.isDirectory() !== true) {
    throw new BosunError('CLI_USAGE', `${dir}: not a directory`, { details: { input: dir } });
  }
  return root;
}

/** The manifest-style relative path of `file` when it lies inside `root`. */
function insideDir(root: string, file: string): string | undefined {
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || resolve(root, rel) !== file) return undefined;
  return rel.split(sep).join('/');
}

interface Scanned {
  readonly target: ModelScanTarget;
  readonly entries: readonly ModelScanEntry[];
}

/**
 * A local-transport spec or an OCI layout / image archive on disk is an image; any other file or
 * directory on disk holds model files; anything else is a registry reference.
 */
async function scanTarget(
  target: string,
  flags: ScanFlags,
  options: ModelScanOptions,
  io: CliIo,
): Promise<Scanned> {
  if (parseLocalSpec(target) === undefined) {
    const path = resolve(io.cwd, target);
    const info = await stat(path).catch(() => undefined);
    if (info !== undefined) {
      const source = await localImage(path, info.isDirectory());
      if (source === undefined) {
        const results = await scanModelPath(path, options);
        return {
          target: { kind: 'path', name: target },
          entries: results.map((result) =>
            info.isDirectory() ? { result } : { result: relabel(result, target) },
          ),
        };
      }
      return scanImage(source, target, flags, options, io);
    }
  }
  const { source } = await openImage(target, await imageOpenOptions(flags, io, target));
  return scanImage(source, target, flags, options, io);
}

/** An image only when the path is one (oci-layout marker, or a tar holding an image). */
async function localImage(path: string, isDir: boolean): Promise<ImageSource | undefined> {
  if (isDir) {
    const marker = await stat(resolve(path, 'oci-layout')).catch(() => undefined);
    return marker?.isFile() === true ? openLocalImage(path) : undefined;
  }
  if (!path.toLowerCase().endsWith('.tar')) return undefined;
  try {
    return await openLocalImage(path);
  } catch (error) {
    // An old torch.save checkpoint is a tar too: not an image, so scan it as a model file.
    if (isBosunError(error, 'IMAGE_SOURCE_UNSUPPORTED')) return undefined;
    throw error;
  }
}

async function scanImage(
  source: ImageSource,
  name: string,
  flags: ScanFlags,
  options: ModelScanOptions,
  io: CliIo,
): Promise<Scanned> {
  try {
    const image = await resolveImage(source, platformOptions(flags));
    const progress = io.stderr.isTTY === true;
    const scan = await scanImageModels(image, {
      ...options,
      ...(progress
        ? {
            onLayer: (e) => {
              io.stderr.write(
                `layer ${e.index + 1}/${e.total} ${e.digest.slice(0, 19)}: ${e.candidates} candidate files\n`,
              );
            },
          }
        : {}),
    });
    for (const issue of scan.issues) io.stderr.write(`warning: ${issue.path}: ${issue.message}\n`);
    return {
      target: {
        kind: 'image',
        name,
        digest: image.manifest.digest,
        ...(image.platform === undefined ? {} : { platform: formatPlatform(image.platform) }),
      },
      entries: scan.files.map((f) => ({
        result: f.result,
        layer: {
          index: f.layerIndex,
          digest: f.layerDigest,
          ...(f.diffId === undefined ? {} : { diffId: f.diffId }),
        },
      })),
    };
  } finally {
    await source.close();
  }
}

function relabel(result: ModelScanEntry['result'], file: string): ModelScanEntry['result'] {
  return { ...result, file, findings: result.findings.map((f) => ({ ...f, file })) };
}
