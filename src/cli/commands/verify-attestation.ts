import type { Command } from 'commander';
import { predicateTypeUri, verifyImageAttestations, type AttestationCondition } from '../../sign/index.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { addImageOptions } from '../image-options.ts';
import {
  collect,
  loadVerifyKeys,
  openSigningClients,
  parsePositiveInteger,
  type SignatureRepoFlags,
} from './sign-common.ts';
import { writeFailures } from './verify.ts';
import {
  addKeylessVerifyOptions,
  checkedLines,
  loadKeylessVerify,
  verifiedWith,
  wantsKeylessVerify,
  type KeylessVerifyFlags,
} from './keyless-flags.ts';
import { parseAttestationCondition } from './attestation-condition.ts';

interface VerifyAttestationFlags extends SignatureRepoFlags, KeylessVerifyFlags {
  key: string[];
  type: string;
  condition?: string;
  minSignatures: string;
}

export function registerVerifyAttestation(program: Command, io: CliIo, outcome: CommandOutcome): void {
  addImageOptions(
    addKeylessVerifyOptions(
      program
        .command('verify-attestation')
        .description(
          'verify the attestations of one predicate type on an image (cosign-compatible, both storage formats)',
        )
        .argument('<image>', 'registry reference; a tag is resolved to its digest now')
        .option(
          '--key <file>',
          'trusted public key (cosign.pub); repeatable, any of them may verify',
          collect,
          [],
        )
        .option(
          '--type <type>',
          'predicate type: custom, cyclonedx, spdx, spdxjson, vuln, slsaprovenance, slsaprovenance1, link, or a URI',
          'custom',
        )
        .option(
          '--condition <expr>',
          'a CEL expression over predicate, statement and now; or, for --type vuln, no-critical and/or max-age=<duration> (comma-separated, all must hold)',
        )
        .option('--min-signatures <n>', 'distinct trusted keys that must each have attested', '1')
        .option(
          '--signature-repo <repository>',
          "read attestations from this repository instead of the image's (default: $COSIGN_REPOSITORY)",
        ),
    ),
  )
    .addHelpText(
      'after',
      `
Attestations are read from the .att tag image (legacy) and from Sigstore bundles attached as OCI
referrers (cosign v3). Each verified in-toto statement is printed on stdout as one JSON line;
a summary goes to stderr. Exit code 1 when none verifies (or passes --condition), with each
rejected attestation and its reason on stderr.

--condition is a CEL expression (the policy engine's CEL, with timestamp() and duration()) over
  predicate   the statement's predicate
  statement   the whole in-toto statement (_type, subject, predicateType, predicate)
  now         the current time, a timestamp
that must be true; an evaluation error (e.g. a missing field; guard with has()) counts as false.
For vulnerability scan records (--type vuln) there are also shortcuts, comma-combinable:
  no-critical        scanner.result (Bosun, Trivy or Grype JSON report) has no CRITICAL entry
  max-age=<duration> metadata.scanFinishedOn is at most this old (30m, 24h, 7d, 1h30m)

Examples:
  bosun verify-attestation --key cosign.pub --type cyclonedx registry.example.com/team/app:1.2
  bosun verify-attestation --key cosign.pub --type vuln --condition no-critical,max-age=24h registry.example.com/team/app@sha256:...
  bosun verify-attestation --key cosign.pub --type vuln --condition "predicate.scanner.result.results.all(r, !has(r.vulnerabilities) || r.vulnerabilities.all(v, v.severity != 'CRITICAL')) && now - timestamp(predicate.metadata.scanFinishedOn) < duration('24h')" registry.example.com/team/app@sha256:...`,
    )
    .action(async (image: string, flags: VerifyAttestationFlags) => {
      const predicateType = predicateTypeUri(flags.type);
      const minAttestations = parsePositiveInteger(flags.minSignatures, '--min-signatures');
      let condition: AttestationCondition | undefined;
      if (flags.condition !== undefined) {
        const check = parseAttestationCondition(flags.condition, predicateType, new Date());
        condition = (statement, context) => {
          const verdict = check(statement);
          if (!verdict.ok)
            io.stderr.write(`  condition not met (${context.format} attestation): ${verdict.reason}\n`);
          return verdict.ok;
        };
      }
      const keyless = wantsKeylessVerify(flags)
        ? await loadKeylessVerify(io, flags, flags.key.length > 0)
        : undefined;
      const keys = keyless === undefined ? await loadVerifyKeys(io, flags.key) : [];
      const clients = await openSigningClients(flags, io, image);
      try {
        const result = await verifyImageAttestations({
          reference: image,
          ...(keyless === undefined ? { keys } : { keyless }),
          type: flags.type,
          client: clients.client,
          minAttestations,
          ...(condition === undefined ? {} : { condition }),
          ...(clients.signatureRepo === undefined ? {} : { signatureRepo: clients.signatureRepo }),
          ...(clients.signatureClient === undefined ? {} : { signatureClient: clients.signatureClient }),
        });
        io.stderr.write(`Verification for ${result.reference} (${result.predicateType}) --\n`);
        if (result.resolvedFromTag) io.stderr.write(`(the tag ${image} points at ${result.digest} now)\n`);
        if (!result.ok) {
          io.stderr.write(
            `Error: no matching attestations (${result.verified.length} verified, ${minAttestations} needed):\n`,
          );
          writeFailures(io, result.failures);
          outcome.exitCode = 1;
          return;
        }
        io.stderr.write(
          'The following checks were performed on each of these attestations:\n' +
            '  - The statement is about this image digest and has the predicate type asked for\n' +
            checkedLines(keyless !== undefined) +
            (flags.condition === undefined ? '' : `  - The condition ${flags.condition} holds\n`),
        );
        if (result.failures.length > 0) {
          io.stderr.write('Not counted:\n');
          writeFailures(io, result.failures);
        }
        for (const v of result.verified) {
          io.stderr.write(
            `  verified: ${v.format} ${v.source.manifestDigest} ${verifiedWith(v, flags.key)}\n`,
          );
        }
        for (const v of result.verified) {
          io.stdout.write(`${JSON.stringify(JSON.parse(v.payloadBytes.toString('utf8')))}\n`);
        }
      } finally {
        await clients.close();
      }
    });
}
