import type { Command } from 'commander';
import { attestImage, predicateTypeUri } from '../../sign/index.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { addImageOptions } from '../image-options.ts';
import {
  loadSigningKey,
  openSigningClients,
  parseSignatureFormat,
  readSmallFile,
  type SignatureRepoFlags,
} from './sign-common.ts';
import { warnIfTag } from './sign.ts';

interface AttestFlags extends SignatureRepoFlags {
  key: string;
  type: string;
  predicate: string;
  format: string;
  replace?: boolean;
}

/** Attestations carry SBOMs and scan reports; verifiers read envelopes up to 32 MiB. */
const MAX_PREDICATE_BYTES = 24 * 1024 * 1024;

export function registerAttest(program: Command, io: CliIo, _outcome: CommandOutcome): void {
  addImageOptions(
    program
      .command('attest')
      .description(
        'attach a signed in-toto attestation (SBOM, vulnerability scan, ...) to an image (cosign-compatible)',
      )
      .argument('<image>', 'registry reference; a tag is resolved to its digest and the digest is attested')
      .requiredOption('--key <file>', 'private key (cosign.key, or a PEM PKCS#8/SEC 1/PKCS#1 key)')
      .requiredOption('--predicate <file>', 'the predicate: JSON (or any text for --type custom)')
      .option(
        '--type <type>',
        'predicate type: custom, cyclonedx, spdx, spdxjson, vuln, slsaprovenance, slsaprovenance1, link, or a URI',
        'custom',
      )
      .option(
        '--format <format>',
        'bundle: Sigstore bundle attached as an OCI referrer (cosign v3); legacy: .att tag image (cosign v1/v2)',
        'bundle',
      )
      .option('--replace', 'legacy format: drop earlier attestations of the same predicate type')
      .option(
        '--signature-repo <repository>',
        "store the attestation in this repository instead of the image's (default: $COSIGN_REPOSITORY)",
      ),
  )
    .addHelpText(
      'after',
      `
The statement's subject is the image digest. --type vuln reshapes the predicate into cosign's
vulnerability scan record ({invocation, scanner: {uri, version, db, result}, metadata}); put a
scanner report (Bosun's --format json, Trivy's or Grype's JSON) in scanner.result.
The key password comes from BOSUN_PASSWORD or COSIGN_PASSWORD, else a prompt.

Examples:
  bosun attest --key cosign.key --type cyclonedx --predicate sbom.cdx.json registry.example.com/team/app@sha256:...
  bosun attest --key cosign.key --type vuln --predicate scan.json --format legacy --replace registry.example.com/team/app:1.2`,
    )
    .action(async (image: string, flags: AttestFlags) => {
      const format = parseSignatureFormat(flags.format);
      // Checked before any prompt or network call: an unknown name is a usage mistake.
      predicateTypeUri(flags.type);
      const predicate = await readSmallFile(io, flags.predicate, '--predicate', MAX_PREDICATE_BYTES);
      if (flags.replace === true && format === 'bundle') {
        io.stderr.write(
          'warning: --replace applies to the legacy format; bundles are added beside earlier ones\n',
        );
      }
      const clients = await openSigningClients(flags, io, image);
      try {
        const key = await loadSigningKey(io, flags.key, { stdinTaken: flags.passwordStdin === true });
        const result = await attestImage({
          reference: image,
          key,
          type: flags.type,
          predicate,
          format,
          replace: flags.replace === true,
          client: clients.client,
          ...(clients.signatureRepo === undefined ? {} : { signatureRepo: clients.signatureRepo }),
          ...(clients.signatureClient === undefined ? {} : { signatureClient: clients.signatureClient }),
        });
        warnIfTag(io, image, result);
        const { stored } = result;
        io.stderr.write(
          stored.tag !== undefined
            ? `Pushing attestation (${result.predicateType}) to: ${stored.repository}:${stored.tag}\n`
            : `Attached attestation bundle (${result.predicateType}) ${stored.manifestDigest} to ${stored.repository}\n`,
        );
        io.stdout.write(`${result.reference}\n`);
      } finally {
        await clients.close();
      }
    });
}
