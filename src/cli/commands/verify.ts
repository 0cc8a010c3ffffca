import type { Command } from 'commander';
import { verifyImageSignatures, type VerificationFailure } from '../../sign/index.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { addImageOptions } from '../image-options.ts';
import { parseFormat } from '../formats.ts';
import {
  collect,
  loadVerifyKeys,
  openSigningClients,
  parseAnnotations,
  parsePositiveInteger,
  type SignatureRepoFlags,
} from './sign-common.ts';
import {
  addKeylessVerifyOptions,
  checkedLines,
  loadKeylessVerify,
  verifiedWith,
  wantsKeylessVerify,
  type KeylessVerifyFlags,
} from './keyless-flags.ts';

interface VerifyFlags extends SignatureRepoFlags, KeylessVerifyFlags {
  key: string[];
  annotations: string[];
  minSignatures: string;
  checkDockerReference?: boolean;
  output: string;
}

export function registerVerify(program: Command, io: CliIo, outcome: CommandOutcome): void {
  addImageOptions(
    addKeylessVerifyOptions(
      program
        .command('verify')
        .description(
          'verify the signatures of an image with public keys (cosign-compatible, both storage formats)',
        )
        .argument('<image>', 'registry reference; a tag is resolved to its digest now')
        .option(
          '--key <file>',
          'trusted public key (cosign.pub); repeatable, any of them may verify',
          collect,
          [],
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
      const keyless = wantsKeylessVerify(flags)
        ? await loadKeylessVerify(io, flags, flags.key.length > 0)
        : undefined;
      const keys = keyless === undefined ? await loadVerifyKeys(io, flags.key) : [];
      const clients = await openSigningClients(flags, io, image);
      try {
        const result = await verifyImageSignatures({
          reference: image,
          ...(keyless === undefined ? { keys } : { keyless }),
          client: clients.client,
          minSignatures,
          checkDockerReference: flags.checkDockerReference === true,
          ...(annotations === undefined ? {} : { annotations }),
          ...(clients.signatureRepo === undefined ? {} : { signatureRepo: clients.signatureRepo }),
          ...(clients.signatureClient === undefined ? {} : { signatureClient: clients.signatureClient }),
        });
        io.stderr.write(`Verification for ${result.reference} --\n`);
        if (result.resolvedFromTag) io.stderr.write(`(the tag ${image} points at ${result.digest} now)\n`);
        if (!result.ok) {
          io.stderr.write(
            `Error: no matching signatures (${result.verified.length} verified, ${minSignatures} needed):\n`,
          );
          writeFailures(io, result.failures);
          outcome.exitCode = 1;
          return;
        }
        io.stderr.write(
          'The following checks were performed on each of these signatures:\n' +
            '  - The cosign claims were validated\n' +
            checkedLines(keyless !== undefined),
        );
        for (const v of result.verified) {
          io.stderr.write(
            `  verified: ${v.format} ${v.source.manifestDigest} ${verifiedWith(v, flags.key)}\n`,
          );
        }
        if (result.failures.length > 0) {
          io.stderr.write('Not counted:\n');
          writeFailures(io, result.failures);
        }
        const payloads = result.verified.map((v) => JSON.parse(v.payloadBytes.toString('utf8')) as unknown);
        io.stdout.write(
          output === 'json'
            ? `${JSON.stringify(payloads)}\n`
            : payloads.map((p) => `${JSON.stringify(p)}\n`).join(''),
        );
      } finally {
        await clients.close();
      }
    });
}

/** One line per rejected signature or attestation: reason, where it was, detail. */
export function writeFailures(io: CliIo, failures: readonly VerificationFailure[]): void {
  for (const f of failures) {
    const where = f.source === undefined ? '' : ` ${f.source.format} ${f.source.manifestDigest}`;
    // Details can quote untrusted signed text (a claimed repository): no control characters reach the terminal.
    const detail = f.detail === undefined ? '' : ` (${printable(f.detail)})`;
    io.stderr.write(`  - ${f.reason}${where}${detail}\n`);
  }
}

function printable(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    out += code < 0x20 || (code >= 0x7f && code < 0xa0) ? '?' : char;
  }
  return out;
}
