import type { Command } from 'commander';
import { signImage, signImageKeyless, type SignImageResult } from '../../sign/index.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { addImageOptions } from '../image-options.ts';
import {
  collect,
  loadSigningKey,
  openSigningClients,
  parseAnnotations,
  parseSignatureFormat,
  type SignatureRepoFlags,
} from './sign-common.ts';
import { addKeylessSignOptions, loadKeylessSign, type KeylessSignFlags } from './keyless-flags.ts';

interface SignFlags extends SignatureRepoFlags, KeylessSignFlags {
  key?: string;
  format: string;
  annotations: string[];
}

export function registerSign(program: Command, io: CliIo, _outcome: CommandOutcome): void {
  addImageOptions(
    addKeylessSignOptions(
      program
        .command('sign')
        .description('sign an image with a key and store the signature in the registry (cosign-compatible)')
        .argument('<image>', 'registry reference; a tag is resolved to its digest and the digest is signed')
        .option('--key <file>', 'private key (cosign.key, or a PEM PKCS#8/SEC 1/PKCS#1 key)')
        .option(
          '--format <format>',
          'bundle: Sigstore bundle attached as an OCI referrer (cosign v3); legacy: .sig tag image (cosign v1/v2)',
          'bundle',
        )
        .option(
          '-a, --annotations <key=value>',
          'signed claim verifiers can require (repeatable)',
          collect,
          [],
        )
        .option(
          '--signature-repo <repository>',
          "store the signature in this repository instead of the image's (default: $COSIGN_REPOSITORY)",
        ),
    ),
  )
    .addHelpText(
      'after',
      `
The key password comes from BOSUN_PASSWORD or COSIGN_PASSWORD, else a prompt (or one line of
piped stdin). The signed reference (name[:tag]@digest) is printed on stdout.

Examples:
  bosun sign --key cosign.key registry.example.com/team/app@sha256:...
  bosun sign --key cosign.key --format legacy -a env=prod registry.example.com/team/app:1.2
  bosun sign --keyless --identity-token token.jwt --fulcio-url https://fulcio.example.com \\
    --rekor-url https://rekor.example.com registry.example.com/team/app@sha256:...

--keyless asks Fulcio for a short-lived certificate binding an ephemeral key to the identity in the
OIDC token, signs, and logs the signature in Rekor; the public-good Fulcio and Rekor are only the
defaults of --fulcio-url and --rekor-url.`,
    )
    .action(async (image: string, flags: SignFlags) => {
      const format = parseSignatureFormat(flags.format);
      const annotations = parseAnnotations(flags.annotations);
      const keyless = await loadKeylessSign(io, flags, flags.key);
      const clients = await openSigningClients(flags, io, image);
      try {
        const common = {
          reference: image,
          format,
          client: clients.client,
          ...(annotations === undefined ? {} : { annotations }),
          ...(clients.signatureRepo === undefined ? {} : { signatureRepo: clients.signatureRepo }),
          ...(clients.signatureClient === undefined ? {} : { signatureClient: clients.signatureClient }),
        };
        const result =
          keyless !== undefined
            ? await signImageKeyless({ ...common, ...keyless })
            : await signImage({
                ...common,
                key: await loadSigningKey(io, flags.key ?? '', { stdinTaken: flags.passwordStdin === true }),
              });
        warnIfTag(io, image, result);
        io.stderr.write(`${describeStored(result)}\n`);
        io.stdout.write(`${result.reference}\n`);
      } finally {
        await clients.close();
      }
    });
}

/** cosign warns when a tag names the image: what was signed is the digest the tag pointed at. */
export function warnIfTag(
  io: CliIo,
  image: string,
  result: { readonly resolvedFromTag: boolean; readonly digest: string },
): void {
  if (!result.resolvedFromTag) return;
  io.stderr.write(
    `warning: signing the digest ${result.digest} of tag ${image}: a tag can move; ` +
      'pass the digest to sign exactly the image you reviewed\n',
  );
}

function describeStored(result: SignImageResult): string {
  const { stored } = result;
  if (stored.tag !== undefined) {
    return result.appended
      ? `Pushing signature to: ${stored.repository}:${stored.tag}`
      : `Signature already present in ${stored.repository}:${stored.tag}`;
  }
  return `Attached signature bundle ${stored.manifestDigest} to ${stored.repository}`;
}
