import type { Command } from 'commander';
import { predicateTypeUri, verifyImageAttestations, type AttestationCondition } from '../../sign/index.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { addImageOptions } from '../image-options.ts';
import { parsePositiveInteger } from './sign-common.ts';
import { addKeylessVerifyOptions, checkedLines } from './keyless-flags.ts';
import { parseAttestationCondition } from './attestation-condition.ts';
import {
  addTrustedKeyOption,
  openVerification,
  reportVerdict,
  writeNotCounted,
  writeVerified,
  type VerifyTrustFlags,
} from './verify-common.ts';

interface VerifyAttestationFlags extends VerifyTrustFlags {
  type: string;
  condition?: string;
  minSignatures: string;
}

export function registerVerifyAttestation(program: Command, io: CliIo, outcome: CommandOutcome): void {
  addImageOptions(
    addKeylessVerifyOptions(
      addTrustedKeyOption(
        program
          .command('verify-attestation')
          .description(
            'verify the attestations of one predicate type on an image (cosign-compatible, both storage formats)',
          )
          .argument('<image>', 'registry reference; a tag is resolved to its digest now'),
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
      const opened = await openVerification(io, flags, image);
      try {
        const result = await verifyImageAttestations({
          ...opened.common,
          type: flags.type,
          minAttestations,
          ...(condition === undefined ? {} : { condition }),
        });
        const heading = `${result.reference} (${result.predicateType})`;
        const what = { heading, noun: 'attestations', needed: minAttestations };
        if (!reportVerdict(io, outcome, image, result, what)) return;
        io.stderr.write(
          'The following checks were performed on each of these attestations:\n' +
            '  - The statement is about this image digest and has the predicate type asked for\n' +
            checkedLines(opened.keyless) +
            (flags.condition === undefined ? '' : `  - The condition ${flags.condition} holds\n`),
        );
        writeNotCounted(io, result.failures);
        writeVerified(io, result.verified, flags.key);
        for (const v of result.verified) {
          io.stdout.write(`${JSON.stringify(JSON.parse(v.payloadBytes.toString('utf8')))}\n`);
        }
      } finally {
        await opened.close();
      }
    });
}
