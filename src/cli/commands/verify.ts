import type { Command } from 'commander';
import { verifyImageSignatures } from '../../sign/index.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { addImageOptions } from '../image-options.ts';
import { parseFormat } from '../formats.ts';
import { collect, parseAnnotations, parsePositiveInteger } from './sign-common.ts';
import { addKeylessVerifyOptions, checkedLines } from './keyless-flags.ts';
import {
  addTrustedKeyOption,
  openVerification,
  reportVerdict,
  writeNotCounted,
  writeVerified,
  type VerifyTrustFlags,
} from './verify-common.ts';

interface VerifyFlags extends VerifyTrustFlags {
  annotations: string[];
  minSignatures: string;
  checkDockerReference?: boolean;
  output: string;
}

export function registerVerify(program: Command, io: CliIo, outcome: CommandOutcome): void {
  addImageOptions(
    addKeylessVerifyOptions(
      addTrustedKeyOption(
        program
          .command('verify')
          .description(
            'verify the signatures of an image with public keys (cosign-compatible, both storage formats)',
          )
          .argument('<image>', 'registry reference; a tag is resolved to its digest now'),
      )
        .option(
          '-a, --annotations <key=value>',
          'claim every counted signature must carry (repeatable)',
          collect,
          [],
        )
        .option('--min-signatures <n>', 'distinct trusted keys that must each have signed', '1')
        .option(
          '--check-docker-reference',
          "require the signed repository name to be this image's (a signature copied from another repository does not count)",
        )
        .option(
          '--signature-repo <repository>',
          "read signatures from this repository instead of the image's (default: $COSIGN_REPOSITORY)",
        )
        .option(
          '-o, --output <format>',
          'json: one array of the signed payloads; text: one payload per line',
          'json',
        ),
    ),
  )
    .addHelpText(
      'after',
      `
Signatures are read from both places cosign stores them: the .sig tag image (legacy) and Sigstore
bundles attached as OCI referrers (cosign v3). On success the signed payloads are printed on
stdout (a simple-signing payload for the legacy format, the in-toto statement for bundles), and a
summary on stderr. Exit code 1 when too few signatures verify; each rejected one is listed on
stderr with its reason.

Examples:
  bosun verify --key cosign.pub registry.example.com/team/app:1.2
  bosun verify --key a.pub --key b.pub --min-signatures 2 -a env=prod registry.example.com/team/app@sha256:...
  bosun verify --trusted-root trusted_root.json \\
    --certificate-identity-regexp '^https://github\\.com/team/app/' \\
    --certificate-oidc-issuer https://token.actions.githubusercontent.com registry.example.com/team/app:1.2

Keyless (no --key): the signature's Fulcio certificate must chain to the trusted root at the time
Rekor logged it, its SCT and the Rekor entry must be signed by the root's logs, and the certificate
must name the identity and OIDC issuer given. Without --trusted-root the root comes through TUF.`,
    )
    .action(async (image: string, flags: VerifyFlags) => {
      const output = parseFormat(flags.output, ['json', 'text'] as const);
      const annotations = parseAnnotations(flags.annotations);
      const minSignatures = parsePositiveInteger(flags.minSignatures, '--min-signatures');
      const opened = await openVerification(io, flags, image);
      try {
        const result = await verifyImageSignatures({
          ...opened.common,
          minSignatures,
          checkDockerReference: flags.checkDockerReference === true,
          ...(annotations === undefined ? {} : { annotations }),
        });
        const what = { heading: result.reference, noun: 'signatures', needed: minSignatures };
        if (!reportVerdict(io, outcome, image, result, what)) return;
        io.stderr.write(
          'The following checks were performed on each of these signatures:\n' +
            '  - The cosign claims were validated\n' +
            checkedLines(opened.keyless),
        );
        writeVerified(io, result.verified, flags.key);
        writeNotCounted(io, result.failures);
        const payloads = result.verified.map((v) => JSON.parse(v.payloadBytes.toString('utf8')) as unknown);
        io.stdout.write(
          output === 'json'
            ? `${JSON.stringify(payloads)}\n`
            : payloads.map((p) => `${JSON.stringify(p)}\n`).join(''),
        );
      } finally {
        await opened.close();
      }
    });
}
