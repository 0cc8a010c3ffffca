/**
 * Sigstore trusted roots (`dev.sigstore.trustroot.v1.TrustedRoot`, the `trusted_root.json` that
 * `cosign verify --trusted-root` and the Sigstore TUF repository carry): Fulcio CA chains, Rekor
 * and CT log keys, timestamp authorities. Parsed bounded, checked field by field, then turned into
 * @sigstore/verify trust material (which parses every certificate and key once).
 */
import { createHash } from 'node:crypto';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { BosunError } from '../../util/errors.ts';
import { isJsonObject, parseBoundedJson } from '../json/bounded-json.ts';
import type { JsonValue } from '../json/go-json.ts';

export interface ParsedTrustedRoot {
  readonly mediaType: string;
  /** SHA-256 (hex) of the file as read: names this root in cache keys. */
  readonly fingerprint: string;
  /** Counts, for reports: how much the root trusts. */
  readonly certificateAuthorities: number;
  readonly tlogs: number;
  readonly ctlogs: number;
  readonly timestampAuthorities: number;
  /** The protobuf value, as @sigstore/verify takes it. */
  readonly root: TrustedRoot;
  readonly material: TrustMaterial;
}

export interface ParseTrustedRootOptions {
  readonly input?: string;
  /** Largest accepted file; 1 MiB unless told (the public-good root is about 7 KiB). */
  readonly maxBytes?: number;
  /** Most entries in each list; 64 unless told. */
  readonly maxEntries?: number;
}

const MEDIA_TYPE =
  /^application\/vnd\.dev\.sigstore\.trustedroot(?:\.v0\.[1-9]\+json|\+json;\s*version=0\.[1-9])$/;
const LISTS = ['tlogs', 'certificateAuthorities', 'ctlogs', 'timestampAuthorities'] as const;
const MAX_CHAIN = 10;
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Parses a trusted root JSON file. It must name at least one certificate authority and one
 * transparency log (keyless verification needs both). Errors: SIGN_TRUSTED_ROOT_INVALID,
 * LIMIT_EXCEEDED.
 */
export function parseTrustedRoot(
  bytes: Uint8Array | string,
  options: ParseTrustedRootOptions = {},
): ParsedTrustedRoot {
  const input = options.input ?? 'trusted root';
  const maxEntries = options.maxEntries ?? 64;
  const json = parseBoundedJson(
    bytes,
    input,
    { maxBytes: options.maxBytes ?? 1024 * 1024, maxDepth: 16 },
    'SIGN_TRUSTED_ROOT_INVALID',
  );
  const invalid = (what: string, cause?: unknown): BosunError =>
    new BosunError('SIGN_TRUSTED_ROOT_INVALID', `${input}: ${what}`, {
      ...(cause === undefined ? {} : { cause }),
      details: { input, field: what },
    });
  const root = asObject(json);
  if (root === undefined) throw invalid('not a JSON object');
  const mediaType = root['mediaType'];
  if (typeof mediaType !== 'string' || !MEDIA_TYPE.test(mediaType)) throw invalid('mediaType');
  for (const list of LISTS) {
    const value = root[list];
    if (value === undefined) continue;
    if (!Array.isArray(value)) throw invalid(list);
    if (value.length > maxEntries) {
      throw new BosunError('LIMIT_EXCEEDED', `${input}: too many ${list} (${value.length} > ${maxEntries})`, {
        details: { input, limit: list, value: value.length, max: maxEntries },
      });
    }
    value.forEach((entry, i) => {
      const problem = list === 'tlogs' || list === 'ctlogs' ? checkLog(entry) : checkAuthority(entry);
      if (problem !== undefined) throw invalid(`${list}[${i}].${problem}`);
    });
  }
  const count = (list: (typeof LISTS)[number]): number => (root[list] as unknown[] | undefined)?.length ?? 0;
  if (count('certificateAuthorities') === 0) throw invalid('certificateAuthorities: none');
  if (count('tlogs') === 0) throw invalid('tlogs: none');
  let parsed: TrustedRoot;
  let material: TrustMaterial;
  try {
    parsed = TrustedRoot.fromJSON(root);
    // Parses every CA certificate and log key; a malformed one throws here, not during a verification.
    material = toTrustMaterial(parsed);
  } catch (cause) {
    throw invalid('certificates or keys', cause);
  }
  return {
    mediaType,
    fingerprint: createHash('sha256').update(bytes).digest('hex'),
    certificateAuthorities: count('certificateAuthorities'),
    tlogs: count('tlogs'),
    ctlogs: count('ctlogs'),
    timestampAuthorities: count('timestampAuthorities'),
    root: parsed,
    material,
  };
}

type JsonObject = { readonly [key: string]: JsonValue };

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

function isBase64(value: JsonValue | undefined, allowEmpty = false): boolean {
  return typeof value === 'string' && (allowEmpty || value.length > 0) && STD_BASE64.test(value);
}

/** A field problem of a transparency log instance, or undefined. */
function checkLog(entry: JsonValue): string | undefined {
  const log = asObject(entry);
  if (log === undefined) return 'not an object';
  const key = asObject(log['publicKey']);
  if (key === undefined || !isBase64(key['rawBytes'])) return 'publicKey.rawBytes';
  if (typeof key['keyDetails'] !== 'string') return 'publicKey.keyDetails';
  const range = checkRange(key['validFor']);
  if (range !== undefined) return `publicKey.validFor.${range}`;
  const logId = asObject(log['logId']);
  if (logId === undefined || !isBase64(logId['keyId'])) return 'logId.keyId';
  if (log['baseUrl'] !== undefined && typeof log['baseUrl'] !== 'string') return 'baseUrl';
  return undefined;
}

/** A field problem of a certificate (or timestamp) authority, or undefined. */
function checkAuthority(entry: JsonValue): string | undefined {
  const authority = asObject(entry);
  if (authority === undefined) return 'not an object';
  const certificates = asObject(authority['certChain'])?.['certificates'];
  if (!Array.isArray(certificates) || certificates.length === 0 || certificates.length > MAX_CHAIN)
    return 'certChain.certificates';
  if (!certificates.every((c) => isBase64(asObject(c)?.['rawBytes'])))
    return 'certChain.certificates.rawBytes';
  const range = checkRange(authority['validFor']);
  return range === undefined ? undefined : `validFor.${range}`;
}

/** Protobuf JSON timestamps are RFC 3339; an absent range means "always" (end absent: "still"). */
function checkRange(value: JsonValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  const range = asObject(value);
  if (range === undefined) return 'not an object';
  for (const field of ['start', 'end'] as const) {
    const time = range[field];
    if (time === undefined) continue;
    if (
      typeof time !== 'string' ||
      !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)$/.test(time)
    )
      return field;
    if (Number.isNaN(Date.parse(time))) return field;
  }
  return undefined;
}
