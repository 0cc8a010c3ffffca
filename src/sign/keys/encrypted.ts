import { randomBytes, scrypt as scryptCallback } from 'node:crypto';
import nacl from 'tweetnacl';
import { BosunError } from '../../util/errors.ts';
import { isJsonObject, parseBoundedJson } from '../json/bounded-json.ts';
import type { JsonValue } from '../json/go-json.ts';

/**
 * The password-encrypted container of go-securesystemslib's `encrypted` package, which cosign and
 * sigstore use for `ENCRYPTED SIGSTORE PRIVATE KEY` / `ENCRYPTED COSIGN PRIVATE KEY` bodies:
 * `{"kdf":{"name":"scrypt","params":{"N":..,"r":8,"p":1},"salt":b64},"cipher":{"name":"nacl/secretbox","nonce":b64},"ciphertext":b64}`
 * with a 32-byte scrypt key, a 24-byte nonce and NaCl secretbox (XSalsa20-Poly1305).
 */

/** The scrypt cost parameters go-securesystemslib accepts: Legacy (cosign's default), Standard, OWASP. */
export const SCRYPT_COSTS = [32768, 65536, 131072] as const;
export type ScryptCost = (typeof SCRYPT_COSTS)[number];

const SCRYPT_R = 8;
const SCRYPT_P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 32;
const NONCE_BYTES = 24;
const MAX_ENCRYPTED_JSON_BYTES = 64 * 1024;
// scrypt needs 128 * N * r bytes; N = 131072, r = 8 is 128 MiB, above Node's 32 MiB default.
const SCRYPT_MAXMEM = 256 * 1024 * 1024;

export interface EncryptOptions {
  /** scrypt N; 65536 unless told. */
  readonly cost?: ScryptCost;
}

export async function encryptSecret(
  plaintext: Uint8Array,
  password: string | Uint8Array,
  options: EncryptOptions = {},
): Promise<Buffer> {
  const cost = options.cost ?? 65536;
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const key = await deriveKey(password, salt, cost);
  const ciphertext = nacl.secretbox(plaintext, nonce, key);
  key.fill(0);
  // Field order and base64 of Go's json.Marshal of the upstream structs.
  const json =
    `{"kdf":{"name":"scrypt","params":{"N":${cost},"r":${SCRYPT_R},"p":${SCRYPT_P}},` +
    `"salt":"${salt.toString('base64')}"},"cipher":{"name":"nacl/secretbox","nonce":"${nonce.toString('base64')}"},` +
    `"ciphertext":"${Buffer.from(ciphertext).toString('base64')}"}`;
  return Buffer.from(json, 'utf8');
}

/**
 * Decrypts a go-securesystemslib `encrypted` JSON document. Unsupported or malformed parameters are
 * SIGN_KEY_INVALID (checked before scrypt runs, so a hostile N cannot cost memory); an
 * authentication failure is SIGN_KEY_PASSWORD (wrong password, or a corrupted ciphertext).
 */
export async function decryptSecret(
  json: Uint8Array,
  password: string | Uint8Array,
  input: string,
): Promise<Buffer> {
  const parsed = parseEncrypted(json, input);
  const key = await deriveKey(password, parsed.salt, parsed.cost);
  const plaintext = nacl.secretbox.open(parsed.ciphertext, parsed.nonce, key);
  key.fill(0);
  if (plaintext === null) {
    throw new BosunError('SIGN_KEY_PASSWORD', `${input}: wrong password or corrupted encrypted key`, {
      details: { input },
    });
  }
  return Buffer.from(plaintext);
}

interface ParsedEncrypted {
  readonly cost: ScryptCost;
  readonly salt: Buffer;
  readonly nonce: Buffer;
  readonly ciphertext: Buffer;
}

function parseEncrypted(json: Uint8Array, input: string): ParsedEncrypted {
  const root = parseBoundedJson(
    json,
    input,
    { maxBytes: MAX_ENCRYPTED_JSON_BYTES, maxDepth: 8 },
    'SIGN_KEY_INVALID',
  );
  const invalid = (what: string): BosunError =>
    new BosunError('SIGN_KEY_INVALID', `${input}: encrypted key ${what}`, { details: { input } });
  if (!isJsonObject(root)) throw invalid('is not a JSON object');
  const kdf = root['kdf'];
  const cipher = root['cipher'];
  if (!isJsonObject(kdf) || kdf['name'] !== 'scrypt') throw invalid('has an unsupported kdf');
  if (!isJsonObject(cipher) || cipher['name'] !== 'nacl/secretbox')
    throw invalid('has an unsupported cipher');
  const params = kdf['params'];
  if (!isJsonObject(params)) throw invalid('has no scrypt parameters');
  const cost = params['N'];
  if (!isScryptCost(cost) || params['r'] !== SCRYPT_R || params['p'] !== SCRYPT_P) {
    throw invalid('has unsupported scrypt parameters');
  }
  const salt = decodeBase64Field(kdf['salt'], 1, 1024);
  const nonce = decodeBase64Field(cipher['nonce'], NONCE_BYTES, NONCE_BYTES);
  const ciphertext = decodeBase64Field(
    root['ciphertext'],
    nacl.secretbox.overheadLength,
    MAX_ENCRYPTED_JSON_BYTES,
  );
  if (salt === undefined) throw invalid('has a malformed salt');
  if (nonce === undefined) throw invalid('has a malformed nonce');
  if (ciphertext === undefined) throw invalid('has a malformed ciphertext');
  return { cost, salt, nonce, ciphertext };
}

function isScryptCost(value: JsonValue | undefined): value is ScryptCost {
  return typeof value === 'number' && (SCRYPT_COSTS as readonly number[]).includes(value);
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Go's []byte JSON form: standard base64 with padding. */
function decodeBase64Field(
  value: JsonValue | undefined,
  minBytes: number,
  maxBytes: number,
): Buffer | undefined {
  if (typeof value !== 'string' || !STRICT_BASE64.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64');
  return bytes.length >= minBytes && bytes.length <= maxBytes ? bytes : undefined;
}

function deriveKey(password: string | Uint8Array, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const secret = typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
  return new Promise((resolve, reject) => {
    scryptCallback(
      secret,
      salt,
      KEY_BYTES,
      { N: cost, r: SCRYPT_R, p: SCRYPT_P, maxmem: SCRYPT_MAXMEM },
      (error, key) => {
        if (error === null) resolve(key);
        else reject(new BosunError('INTERNAL', 'scrypt failed', { cause: error }));
      },
    );
  });
}
