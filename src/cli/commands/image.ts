import type { Command } from 'commander';
import { parseLocalSpec, parseReference, repositoryName } from '../../image/index.ts';
import { artifactFromTarget, type ReportArtifact } from '../../report/index.ts';
import type { InventoryTarget } from '../../inventory/index.ts';
import { scanImage } from '../../scan/index.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { addImageOptions, imageOpenOptions, platformOptions, type ImageFlags } from '../image-options.ts';
import { addScanOptions, parseScanFlags, type ScanFlags } from './scan-flags.ts';
import { runScanCommand } from './scan-command.ts';

type ImageScanFlags = ImageFlags & ScanFlags;

export function registerImage(program: Command, io: CliIo, outcome: CommandOutcome): void {
  addScanOptions(
    addImageOptions(
      program
        .command('image')
        .description(
          'scan an image for vulnerable packages (and unsafe model files with --scanners vuln,model)',
        )
        .argument(
          '<image>',
          'registry reference, oci:DIR, oci-archive:FILE, docker-archive:FILE or an archive path',
        ),
    ),
  )
    .addHelpText(
      'after',
      `
Examples:
  bosun image alpine:3.20
  bosun image registry.example.com/app:1.2 --severity CRITICAL,HIGH --exit-code 1
  bosun image docker-archive:app.tar --format sarif -o app.sarif
  bosun image app:1.2 --format cosign-vuln -o vuln.json && cosign attest --type vuln --predicate vuln.json app:1.2
  bosun image app:1.2 --offline --db-path ./bosun.db`,
    )
    .action(async (image: string, flags: ImageScanFlags) => {
      const options = parseScanFlags(flags, io.env, io.cwd);
      const open = await imageOpenOptions(flags, io, image);
      const platform = platformOptions(flags);
      await runScanCommand(
        io,
        outcome,
        options,
        program.version() ?? '0.0.0',
        (common) => scanImage(image, { ...common, open, ...platform, cacheDir: options.cacheDir }),
        (result) => imageArtifact(result.inventory.target, image),
      );
    });
}

/** The artifact of an image scan, with the pinned `repository@digest` for registry images. */
export function imageArtifact(target: InventoryTarget, spec: string): ReportArtifact {
  const artifact = artifactFromTarget(target);
  if (target.kind !== 'image') return artifact;
  let repoDigests: string[] = [];
  const local = parseLocalSpec(spec) !== undefined || /^(\.{0,2}\/|\.$)|\.tar$/i.test(spec);
  if (!local) {
    const digest = target.image.indexDigest ?? target.image.digest;
    repoDigests = [`${repositoryName(parseReference(spec))}@${digest}`];
  }
  return { ...artifact, name: spec, ...(repoDigests.length > 0 ? { repoDigests } : {}) };
}
