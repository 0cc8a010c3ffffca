/**
 * What `verify` and `verify-attestation` share: the trusted-key flag, loading keys or the keyless
 * identity, the registry clients, and the report on stderr.
 */
import type { Command } from 'commander';
import type { VerificationFailure, VerifyCommonOptions } from '../../sign/index.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import {
  loadKeylessVerify,
  verifiedWith,
  wantsKeylessVerify,
  type KeylessVerifyFlags,
} from './keyless-flags.ts';
import { collect, loadVerifyKeys, openSigningClients, type SignatureRepoFlags } from './sign-common.ts';

export interface VerifyTrustFlags extends SignatureRepoFlags, KeylessVerifyFlags {
  key: string[];
}

/** `--key <file>`, repeatable. */
export function addTrustedKeyOption(command: Command): Command {
  return command.option(
    '--key <file>',
    'trusted public key (cosign.pub); repeatable, any of them may verify',
    collect,
    [],
  );
}

export interface OpenedVerification {
  /** Verifying keylessly (certificate identity) rather than with `--key`. */
  readonly keyless: boolean;
  /** The image, the trust (keys or keyless identity) and the registry clients. */
  readonly common: Pick<
    VerifyCommonOptions,
    'reference' | 'keys' | 'keyless' | 'client' | 'signatureRepo' | 'signatureClient'
  >;
  close(): Promise<void>;
}

/** Loads the keyless identity or the `--key` files, then opens the registry clients. */
export async function openVerification(
  io: CliIo,
  flags: VerifyTrustFlags,
  image: string,
): Promise<OpenedVerification> {
  const keyless = wantsKeylessVerify(flags)
    ? await loadKeylessVerify(io, flags, flags.key.length > 0)
    : undefined;
  const keys = keyless === undefined ? await loadVerifyKeys(io, flags.key) : [];
  const clients = await openSigningClients(flags, io, image);
  return {
    keyless: keyless !== undefined,
    common: {
      reference: image,
      ...(keyless === undefined ? { keys } : { keyless }),
      client: clients.client,
      ...(clients.signatureRepo === undefined ? {} : { signatureRepo: clients.signatureRepo }),
      ...(clients.signatureClient === undefined ? {} : { signatureClient: clients.signatureClient }),
    },
    close: () => clients.close(),
  };
}

interface VerificationReport {
  readonly ok: boolean;
  readonly reference: string;
  readonly digest: string;
  readonly resolvedFromTag: boolean;
  readonly verified: readonly unknown[];
  readonly failures: readonly VerificationFailure[];
}

/**
 * The heading, then, when too few verified, the rejections and exit code 1. Returns whether the
 * verification passed.
 */
export function reportVerdict(
  io: CliIo,
  outcome: CommandOutcome,
  image: string,
  result: VerificationReport,
  what: { readonly heading: string; readonly noun: string; readonly needed: number },
): boolean {
  io.stderr.write(`Verification for ${what.heading} --\n`);
  if (result.resolvedFromTag) io.stderr.write(`(the tag ${image} points at ${result.digest} now)\n`);
  if (result.ok) return true;
  io.stderr.write(
    `Error: no matching ${what.noun} (${result.verified.length} verified, ${what.needed} needed):\n`,
  );
  writeFailures(io, result.failures);
  outcome.exitCode = 1;
  return false;
}

/** The rejected signatures or attestations of a passing verification, if any. */
export function writeNotCounted(io: CliIo, failures: readonly VerificationFailure[]): void {
  if (failures.length === 0) return;
  io.stderr.write('Not counted:\n');
  writeFailures(io, failures);
}

interface VerifiedLine {
  readonly format: string;
  readonly source: { readonly manifestDigest: string };
  readonly keyIndex: number;
  readonly signer?: { readonly subjectAlternativeName: string; readonly issuer: string };
}

/** One line per counted signature or attestation: format, where, which key or identity. */
export function writeVerified(io: CliIo, verified: readonly VerifiedLine[], keys: readonly string[]): void {
  for (const v of verified) {
    io.stderr.write(`  verified: ${v.format} ${v.source.manifestDigest} ${verifiedWith(v, keys)}\n`);
  }
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
