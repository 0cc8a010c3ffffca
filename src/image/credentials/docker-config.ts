import { limitError } from '../../util/errors.ts';
import type { RegistryCredential } from '../credential-types.ts';
import { credentialsInvalid, decodeBase64, decodeUtf8, isPlainObject, quoteKey } from './decode.ts';

/** Largest docker config / dockercfg accepted (a real one is a few KiB). */
export const MAX_DOCKER_CONFIG_BYTES = 1024 * 1024;
/** Most `auths` or `credHelpers` entries accepted. */
export const MAX_DOCKER_CONFIG_ENTRIES = 10_000;

export interface DockerAuthEntry {
  /** The key as written: `https://index.docker.io/v1/`, `ghcr.io`, `localhost:5000`. */
  readonly key: string;
  /** Undefined for an empty entry (what `docker login` leaves when a credential store holds the secret). */
  readonly credential: RegistryCredential | undefined;
}

export interface DockerCredentialHelperEntry {
  readonly key: string;
  /** Helper suffix: `ecr-login` runs `docker-credential-ecr-login`. */
  readonly helper: string;
}

/** The credential-relevant part of a docker `config.json`, in file order. */
export interface DockerConfig {
  readonly auths: readonly DockerAuthEntry[];
  readonly credHelpers: readonly DockerCredentialHelperEntry[];
  readonly credsStore: string | undefined;
}

export interface ParseDockerConfigOptions {
  /** Names the input in errors: a file path or `secret ns/name`. */
  readonly source?: string;
  /** `config` (`{"auths": {...}}`, default) or the legacy `.dockercfg` (the auths map itself). */
  readonly format?: 'config' | 'dockercfg';
  readonly maxBytes?: number;
  readonly maxEntries?: number;
}

/**
 * Parses a docker `config.json` (or legacy `.dockercfg`) from bytes, text or an already-parsed
 * value. Every entry is decoded up front, like the docker CLI does on load, so a malformed entry
 * fails with CREDENTIALS_INVALID naming the source and key; secrets never appear in errors.
 */
export function parseDockerConfig(
  input: string | Uint8Array | unknown,
  options: ParseDockerConfigOptions = {},
): DockerConfig {
  const source = options.source ?? 'docker config';
  const maxBytes = options.maxBytes ?? MAX_DOCKER_CONFIG_BYTES;
  let value = input;
  if (input instanceof Uint8Array) {
    if (input.byteLength > maxBytes)
      throw limitError('CREDENTIALS_INVALID', source, 'size', input.byteLength, maxBytes);
    value = decodeUtf8(input);
    if (value === undefined) throw credentialsInvalid(source, 'not valid UTF-8');
  }
  if (typeof value === 'string') {
    if (value.length > maxBytes)
      throw limitError('CREDENTIALS_INVALID', source, 'size', value.length, maxBytes);
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      // The SyntaxError message quotes the input, which may hold a secret: do not pass it on.
      throw credentialsInvalid(source, 'not valid JSON');
    }
  }
  if (!isPlainObject(value)) throw credentialsInvalid(source, 'expected a JSON object');
  const maxEntries = options.maxEntries ?? MAX_DOCKER_CONFIG_ENTRIES;
  if (options.format === 'dockercfg') {
    return { auths: parseAuths(value, source, maxEntries), credHelpers: [], credsStore: undefined };
  }
  const { auths, credHelpers, credsStore } = value;
  if (auths !== undefined && auths !== null && !isPlainObject(auths))
    throw credentialsInvalid(source, '"auths" is not an object');
  if (credHelpers !== undefined && credHelpers !== null && !isPlainObject(credHelpers)) {
    throw credentialsInvalid(source, '"credHelpers" is not an object');
  }
  if (credsStore !== undefined && credsStore !== null && typeof credsStore !== 'string') {
    throw credentialsInvalid(source, '"credsStore" is not a string');
  }
  return {
    auths: isPlainObject(auths) ? parseAuths(auths, source, maxEntries) : [],
    credHelpers: isPlainObject(credHelpers) ? parseHelpers(credHelpers, source, maxEntries) : [],
    credsStore: typeof credsStore === 'string' && credsStore !== '' ? credsStore : undefined,
  };
}

function parseAuths(auths: Record<string, unknown>, source: string, maxEntries: number): DockerAuthEntry[] {
  const keys = Object.keys(auths);
  if (keys.length > maxEntries)
    throw limitError('CREDENTIALS_INVALID', source, 'auths entries', keys.length, maxEntries);
  return keys.map((key) => ({ key, credential: entryCredential(auths[key], key, source) }));
}

function parseHelpers(
  helpers: Record<string, unknown>,
  source: string,
  maxEntries: number,
): DockerCredentialHelperEntry[] {
  const keys = Object.keys(helpers);
  if (keys.length > maxEntries)
    throw limitError('CREDENTIALS_INVALID', source, 'credHelpers entries', keys.length, maxEntries);
  return keys.map((key) => {
    const helper = helpers[key];
    if (typeof helper !== 'string' || helper === '') {
      throw credentialsInvalid(source, `credHelpers entry for ${quoteKey(key)} is not a helper name`);
    }
    return { key, helper };
  });
}

/** Reads a string field; Go's decoder maps `null` to "" and rejects any other type. */
function stringField(entry: Record<string, unknown>, field: string, key: string, source: string): string {
  const value = entry[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string')
    throw credentialsInvalid(source, `auths entry for ${quoteKey(key)}: "${field}" is not a string`);
  return value;
}

/**
 * Docker semantics: a non-empty `auth` (base64 `user:password`, split at the first colon so the
 * password may contain colons) overrides `username`/`password`. A registry token is used as a
 * bearer token; an identity token is exchanged for one; otherwise basic auth; nothing = anonymous.
 */
function entryCredential(value: unknown, key: string, source: string): RegistryCredential | undefined {
  if (value === null) return undefined;
  if (!isPlainObject(value))
    throw credentialsInvalid(source, `auths entry for ${quoteKey(key)} is not an object`);
  let username = stringField(value, 'username', key, source);
  let password = stringField(value, 'password', key, source);
  const auth = stringField(value, 'auth', key, source);
  const identityToken = stringField(value, 'identitytoken', key, source);
  const registryToken = stringField(value, 'registrytoken', key, source);
  if (auth !== '') {
    const bytes = decodeBase64(auth);
    const decoded = bytes === undefined ? undefined : decodeUtf8(bytes);
    if (decoded === undefined)
      throw credentialsInvalid(source, `auths entry for ${quoteKey(key)}: "auth" is not valid base64`);
    const colon = decoded.indexOf(':');
    // Like the docker CLI's decodeAuth: a colon is required and the username must not be empty.
    if (colon <= 0)
      throw credentialsInvalid(source, `auths entry for ${quoteKey(key)}: "auth" is not "username:password"`);
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  if (registryToken !== '') return { kind: 'bearer', token: registryToken };
  if (identityToken !== '') return { kind: 'identity-token', username, token: identityToken };
  if (username !== '' || password !== '') return { kind: 'basic', username, password };
  return undefined;
}
