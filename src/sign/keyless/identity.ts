/**
 * Who may have signed: cosign's `--certificate-identity[-regexp]` and
 * `--certificate-oidc-issuer[-regexp]`. A certificate matches an identity when one of its subject
 * alternative names matches the subject rule and its Fulcio OIDC issuer extension matches the
 * issuer rule; several identities are alternatives (cosign `CheckOpts.Identities`).
 */
import { BosunError } from '../../util/errors.ts';

/** One acceptable signer. Each side needs an exact value or a pattern (both: both must hold). */
export interface CertificateIdentity {
  /** Exact subject alternative name (an e-mail, a URI such as a workflow ref). */
  readonly subject?: string;
  /**
   * Pattern searched in the subject alternative name, unanchored like Go's `regexp.MatchString`
   * that cosign uses (write `^...$` to anchor). ECMAScript syntax with the `u` flag.
   */
  readonly subjectRegExp?: string;
  /** Exact OIDC issuer URL. */
  readonly issuer?: string;
  readonly issuerRegExp?: string;
}

/** What a verified certificate says about its holder. */
export interface SignerIdentity {
  /** URI, e-mail and Fulcio username SANs, in that order (absent ones left out). */
  readonly subjectAlternativeNames: readonly string[];
  /** Fulcio's issuer extension (1.3.6.1.4.1.57264.1.8, else the legacy .1.1). */
  readonly issuer: string | undefined;
}

export interface CompiledIdentity {
  readonly source: CertificateIdentity;
  readonly subject: (san: string) => boolean;
  readonly issuer: (issuer: string) => boolean;
}

export type IdentityMatch =
  | {
      readonly ok: true;
      readonly index: number;
      readonly subjectAlternativeName: string;
      readonly issuer: string;
    }
  | { readonly ok: false; readonly reason: 'identity-mismatch' | 'issuer-mismatch'; readonly detail: string };

const MAX_PATTERN = 1024;
/** SANs and issuers longer than this never match (they come from attacker-chosen certificates). */
const MAX_VALUE = 4096;

/** Validates and compiles identities. Errors: SIGN_OPTIONS_INVALID (none, a side missing, a bad pattern). */
export function compileIdentities(identities: readonly CertificateIdentity[]): CompiledIdentity[] {
  if (identities.length === 0) {
    throw new BosunError(
      'SIGN_OPTIONS_INVALID',
      'keyless verification needs at least one certificate identity',
      {
        details: { input: 'identities' },
      },
    );
  }
  return identities.map((identity, i) => ({
    source: identity,
    subject: rule(identity.subject, identity.subjectRegExp, `identities[${i}].subject`),
    issuer: rule(identity.issuer, identity.issuerRegExp, `identities[${i}].issuer`),
  }));
}

function rule(
  exact: string | undefined,
  pattern: string | undefined,
  input: string,
): (value: string) => boolean {
  if ((exact === undefined || exact === '') && (pattern === undefined || pattern === '')) {
    throw new BosunError(
      'SIGN_OPTIONS_INVALID',
      `${input}: an exact value or a regular expression is required`,
      {
        details: { input },
      },
    );
  }
  let regexp: RegExp | undefined;
  if (pattern !== undefined && pattern !== '') {
    if (pattern.length > MAX_PATTERN) {
      throw new BosunError(
        'SIGN_OPTIONS_INVALID',
        `${input}: regular expression over ${MAX_PATTERN} characters`,
        {
          details: { input },
        },
      );
    }
    try {
      regexp = new RegExp(pattern, 'u');
    } catch (cause) {
      throw new BosunError('SIGN_OPTIONS_INVALID', `${input}: invalid regular expression`, {
        cause,
        details: { input },
      });
    }
  }
  return (value) =>
    value.length <= MAX_VALUE &&
    (exact === undefined || exact === '' || value === exact) &&
    (regexp === undefined || regexp.test(value));
}

/**
 * The first identity the signer matches. When none does, `issuer-mismatch` means some identity's
 * subject rule matched (so the issuer is what differs), `identity-mismatch` that none did.
 */
export function matchIdentity(
  identities: readonly CompiledIdentity[],
  signer: SignerIdentity,
): IdentityMatch {
  let subjectMatched = false;
  for (const [index, identity] of identities.entries()) {
    const san = signer.subjectAlternativeNames.find((name) => identity.subject(name));
    if (san === undefined) continue;
    subjectMatched = true;
    if (signer.issuer !== undefined && identity.issuer(signer.issuer)) {
      return { ok: true, index, subjectAlternativeName: san, issuer: signer.issuer };
    }
  }
  return subjectMatched
    ? { ok: false, reason: 'issuer-mismatch', detail: (signer.issuer ?? 'none').slice(0, 200) }
    : {
        ok: false,
        reason: 'identity-mismatch',
        detail: (signer.subjectAlternativeNames[0] ?? 'none').slice(0, 200),
      };
}
