import type { Command } from 'commander';
import { formatReference, openImage, withDigest } from '../../image/index.ts';
import { BosunError } from '../../util/errors.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { addImageOptions, imageOpenOptions, type ImageFlags } from '../image-options.ts';

export function registerResolve(program: Command, io: CliIo, _outcome: CommandOutcome): void {
  addImageOptions(
    program
      .command('resolve')
      .description('print the digest-pinned reference of a registry image (name:tag@sha256:...)')
      .argument('<image>', 'registry reference'),
  )
    .addHelpText(
      'after',
      `
The digest is that of what the tag points at (for a multi-platform image, the index), as
Kyverno's mutateDigest and \`bosun pin\` write it.

Examples:
  bosun resolve alpine:3.20
  bosun resolve 127.0.0.1:5000/team/app:1.2 --insecure`,
    )
    .action(async (image: string, flags: ImageFlags) => {
      const { source, reference } = await openImage(image, await imageOpenOptions(flags, io, image));
      try {
        if (reference === undefined) {
          throw new BosunError(
            'CLI_USAGE',
            `resolve takes a registry reference, not a local image: ${image}`,
          );
        }
        const root = await source.root();
        if (reference.digest !== undefined && reference.digest !== root.digest) {
          // The registry served other bytes than the digest asked for: never print a wrong pin.
          throw new BosunError('IMAGE_DIGEST_MISMATCH', `${image}: registry returned ${root.digest}`);
        }
        io.stdout.write(`${formatReference(withDigest(reference, root.digest), { familiar: false })}\n`);
      } finally {
        await source.close();
      }
    });
}
