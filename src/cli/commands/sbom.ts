import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { openImage, resolveImage } from '../../image/index.ts';
import { inventoryDirectory, inventoryImage, type Inventory } from '../../inventory/index.ts';
import { toCycloneDx, toSpdx, type ReportArtifact } from '../../report/index.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { addImageOptions, imageOpenOptions, platformOptions, type ImageFlags } from '../image-options.ts';
import { parseFormat } from '../formats.ts';
import { imageArtifact } from './image.ts';
import { defaultCacheDir } from './scan-flags.ts';
import { writeOutput } from './scan-output.ts';
import { progressView } from './scan-progress.ts';

interface SbomFlags extends ImageFlags {
  format: string;
  output?: string;
  cacheDir?: string;
  quiet?: boolean;
}

/** A plain directory (not an OCI layout) is inventoried as a directory. */
async function isPlainDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory() && !existsSync(join(path, 'oci-layout'));
  } catch {
    return false;
  }
}

export function registerSbom(program: Command, io: CliIo, _outcome: CommandOutcome): void {
  addImageOptions(
    program
      .command('sbom')
      .description('write the SBOM of an image or a directory (CycloneDX 1.6 or SPDX 2.3 JSON)')
      .argument('<target>', 'image reference, oci:DIR, an archive, or a directory')
      .option('-f, --format <format>', 'cyclonedx or spdx-json', 'cyclonedx')
      .option('-o, --output <file>', 'write to a file instead of stdout')
      .option('--cache-dir <dir>', 'layer cache directory (default: $XDG_CACHE_HOME/bosun or ~/.cache/bosun)')
      .option('-q, --quiet', 'no progress bar'),
  )
    .addHelpText(
      'after',
      `
Examples:
  bosun sbom alpine:3.20 > alpine.cdx.json
  bosun sbom ./project --format spdx-json -o project.spdx.json`,
    )
    .action(async (target: string, flags: SbomFlags) => {
      const format = parseFormat(flags.format, ['cyclonedx', 'spdx-json'] as const);
      const progress = progressView(io, flags.quiet === true);
      const dir = resolve(io.cwd, target);
      let inventory: Inventory;
      let artifact: ReportArtifact;
      try {
        if (await isPlainDirectory(dir)) {
          inventory = await inventoryDirectory(dir, {
            onProgress: (event) => progress.onScan({ kind: 'inventory', event }),
          });
          artifact = { name: target, type: 'filesystem' };
        } else {
          const { source } = await openImage(target, await imageOpenOptions(flags, io, target));
          try {
            const resolved = await resolveImage(source, platformOptions(flags));
            inventory = await inventoryImage(resolved, {
              cacheDir:
                flags.cacheDir === undefined ? defaultCacheDir(io.env) : resolve(io.cwd, flags.cacheDir),
              onProgress: (event) => progress.onScan({ kind: 'inventory', event }),
            });
          } finally {
            await source.close();
          }
          artifact = imageArtifact(inventory.target, target);
        }
      } finally {
        progress.stop();
      }
      const options = { artifact, toolVersion: program.version() ?? '0.0.0' };
      const document = format === 'cyclonedx' ? toCycloneDx(inventory, options) : toSpdx(inventory, options);
      await writeOutput(
        `${JSON.stringify(document, null, 2)}\n`,
        flags.output === undefined ? undefined : resolve(io.cwd, flags.output),
        io,
      );
    });
}
