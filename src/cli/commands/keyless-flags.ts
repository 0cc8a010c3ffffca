/**
 * cosign's keyless flags. Verification: `--certificate-identity[-regexp]`,
 * `--certificate-oidc-issuer[-regexp]`, with trust from `--trusted-root FILE` (offline) or TUF
 * (`--tuf-mirror`, the Sigstore public-good repository by default). Signing: `--keyless` with
 * `--fulcio-url`, `--rekor-url` and `--identity-token FILE` (or `SIGSTORE_ID_TOKEN`): a token is
 * never taken from argv, where other users of the machine could read it.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  DEFAULT_FULCIO_URL,
  DEFAULT_REKOR_URL,
  DEFAULT_TUF_MIRROR_URL,
  fetchTrustedRoot,
  parseTrustedRoot,
  type KeylessOptions,
  type KeylessSigningOptions,
} from '../../sign/index.ts';
import { BosunError } from '../../util/errors.ts';
import type { CliIo } from '../io.ts';
import { readSmallFile } from './sign-common.ts';

export interface KeylessVerifyFlags {
  trustedRoot?: string;
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
  tufMirror?: string;
  tufRoot?: string;
}

export interface KeylessSignFlags {
  keyless?: boolean;
  fulcioUrl: string;
  rekorUrl: string;
  rekorEntryType: string;
  identityToken?: string;
}

const MAX_TRUSTED_ROOT_BYTES = 1024 * 1024;
const MAX_TOKEN_BYTES = 64 * 1024;

export function addKeylessVerifyOptions(command: Command): Command {
  return command
    .option('--certificate-identity <san>', 'keyless: the signer certificate’s exact subject (e-mail or URI)')
    .option(
      '--certificate-identity-regexp <re>',
      'keyless: pattern searched in the certificate subject (unanchored; write ^...$ to anchor)',
    )
    .option('--certificate-oidc-issuer <url>', 'keyless: the exact OIDC issuer in the certificate')
    .option('--certificate-oidc-issuer-regexp <re>', 'keyless: pattern searched in the OIDC issuer')
    .option(
      '--trusted-root <file>',
      'keyless: Sigstore trusted_root.json (Fulcio CAs, Rekor and CT log keys); offline',
    )
    .option(
      '--tuf-mirror <url>',
      `keyless without --trusted-root: TUF repository (default ${DEFAULT_TUF_MIRROR_URL})`,
    )
    .option('--tuf-root <file>', 'keyless: initial TUF root.json for a --tuf-mirror other than the default');
}

export function addKeylessSignOptions(command: Command): Command {
  return command
    .option('--keyless', 'sign with a short-lived Fulcio certificate for an OIDC identity, logged in Rekor')
    .option('--fulcio-url <url>', 'keyless: Fulcio URL', DEFAULT_FULCIO_URL)
    .option('--rekor-url <url>', 'keyless: Rekor URL', DEFAULT_REKOR_URL)
    .option(
      '--rekor-entry-type <kind>',
      'keyless: Rekor entry kind for DSSE signatures, dsse or intoto',
      'dsse',
    )
    .option(
      '--identity-token <file>',
      'keyless: file holding the OIDC identity token (default: $SIGSTORE_ID_TOKEN)',
    );
}

/** True when any keyless verification flag is given. */
export function wantsKeylessVerify(flags: KeylessVerifyFlags): boolean {
  return (
    flags.trustedRoot !== undefined ||
    flags.certificateIdentity !== undefined ||
    flags.certificateIdentityRegexp !== undefined ||
    flags.certificateOidcIssuer !== undefined ||
    flags.certificateOidcIssuerRegexp !== undefined ||
    flags.tufMirror !== undefined ||
    flags.tufRoot !== undefined
  );
}

/** Validates the keyless verification flags and loads the trusted root (file, else TUF). */
export async function loadKeylessVerify(
  io: CliIo,
  flags: KeylessVerifyFlags,
  hasKeys: boolean,
): Promise<KeylessOptions> {
  if (hasKeys)
    throw new BosunError(
      'CLI_USAGE',
      '--key and keyless flags (--certificate-*, --trusted-root) are exclusive',
    );
  if (flags.certificateIdentity === undefined && flags.certificateIdentityRegexp === undefined) {
    throw new BosunError(
      'CLI_USAGE',
      'keyless verification needs --certificate-identity or --certificate-identity-regexp',
    );
  }
  if (flags.certificateOidcIssuer === undefined && flags.certificateOidcIssuerRegexp === undefined) {
    throw new BosunError(
      'CLI_USAGE',
      'keyless verification needs --certificate-oidc-issuer or --certificate-oidc-issuer-regexp',
    );
  }
  if (flags.trustedRoot !== undefined && (flags.tufMirror !== undefined || flags.tufRoot !== undefined)) {
    throw new BosunError('CLI_USAGE', '--trusted-root and --tuf-mirror/--tuf-root are exclusive');
  }
  const identity = {
    ...(flags.certificateIdentity === undefined ? {} : { subject: flags.certificateIdentity }),
    ...(flags.certificateIdentityRegexp === undefined
      ? {}
      : { subjectRegExp: flags.certificateIdentityRegexp }),
    ...(flags.certificateOidcIssuer === undefined ? {} : { issuer: flags.certificateOidcIssuer }),
    ...(flags.certificateOidcIssuerRegexp === undefined
      ? {}
      : { issuerRegExp: flags.certificateOidcIssuerRegexp }),
  };
  for (const [flag, pattern] of [
    ['--certificate-identity-regexp', flags.certificateIdentityRegexp],
    ['--certificate-oidc-issuer-regexp', flags.certificateOidcIssuerRegexp],
  ] as const) {
    if (pattern === undefined) continue;
    try {
      new RegExp(pattern, 'u');
    } catch {
      throw new BosunError('CLI_USAGE', `${flag}: invalid regular expression`);
    }
  }
  const trustedRoot =
    flags.trustedRoot !== undefined
      ? parseTrustedRoot(
          await readSmallFile(io, flags.trustedRoot, '--trusted-root', MAX_TRUSTED_ROOT_BYTES),
          {
            input: flags.trustedRoot,
          },
        )
      : await fetchTrustedRoot({
          cachePath: join(cacheDir(io), 'tuf'),
          ...(flags.tufMirror === undefined ? {} : { mirrorURL: flags.tufMirror }),
          ...(flags.tufRoot === undefined ? {} : { rootPath: resolve(io.cwd, flags.tufRoot) }),
        });
  return { trustedRoot, identities: [identity] };
}

/** The keyless signing options from `--keyless` and its companions; undefined without `--keyless`. */
export async function loadKeylessSign(
  io: CliIo,
  flags: KeylessSignFlags,
  key: string | undefined,
): Promise<KeylessSigningOptions | undefined> {
  if (flags.keyless !== true) {
    if (key === undefined) throw new BosunError('CLI_USAGE', 'give --key <file>, or --keyless');
    if (flags.identityToken !== undefined)
      throw new BosunError('CLI_USAGE', '--identity-token needs --keyless');
    return undefined;
  }
  if (key !== undefined) throw new BosunError('CLI_USAGE', '--key and --keyless are exclusive');
  let token: string;
  if (flags.identityToken !== undefined) {
    token = (await readSmallFile(io, flags.identityToken, '--identity-token', MAX_TOKEN_BYTES))
      .toString('utf8')
      .trim();
  } else {
    const fromEnv = io.env['SIGSTORE_ID_TOKEN'];
    if (fromEnv === undefined || fromEnv === '') {
      throw new BosunError('CLI_USAGE', '--keyless needs --identity-token <file> or SIGSTORE_ID_TOKEN');
    }
    token = fromEnv.trim();
  }
  const entryType = flags.rekorEntryType;
  if (entryType !== 'dsse' && entryType !== 'intoto') {
    throw new BosunError(
      'CLI_USAGE',
      `unknown --rekor-entry-type "${entryType.slice(0, 100)}"; use dsse or intoto`,
    );
  }
  return {
    fulcioURL: flags.fulcioUrl,
    rekorURL: flags.rekorUrl,
    identityToken: token,
    rekorEntryType: entryType,
  };
}

function cacheDir(io: CliIo): string {
  const xdg = io.env['XDG_CACHE_HOME'];
  if (xdg !== undefined && xdg !== '') return join(xdg, 'bosun');
  return join(io.env['HOME'] ?? homedir(), '.cache', 'bosun');
}

/** The checks lines cosign prints, for key-based or keyless verification. */
export function checkedLines(keyless: boolean): string {
  return keyless
    ? '  - Existence of the claims in the transparency log was verified offline\n' +
        '  - The code-signing certificate was verified using trusted certificate authority certificates\n' +
        '  - The certificate identity and OIDC issuer matched\n'
    : '  - The signatures were verified against the specified public key\n';
}

/** `with --key FILE`, or `with certificate SAN (issuer ISSUER)` for a keyless signature. */
export function verifiedWith(
  verified: {
    readonly keyIndex: number;
    readonly signer?: { subjectAlternativeName: string; issuer: string };
  },
  keys: readonly string[],
): string {
  if (verified.signer !== undefined) {
    return `with certificate ${printable(verified.signer.subjectAlternativeName)} (issuer ${printable(verified.signer.issuer)})`;
  }
  return `with --key ${keys[verified.keyIndex] ?? verified.keyIndex}`;
}

// Certificate fields are signer-chosen text: no control characters reach the terminal.
function printable(text: string): string {
  let out = '';
  for (const char of text.slice(0, 300)) {
    const code = char.codePointAt(0) ?? 0;
    out += code < 0x20 || (code >= 0x7f && code < 0xa0) ? '?' : char;
  }
  return out;
}
