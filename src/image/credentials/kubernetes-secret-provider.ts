import { parseAllDocuments } from 'yaml';
import { limitError } from '../../util/errors.ts';
import type { CredentialProvider } from '../credential-types.ts';
import { chainCredentialProviders } from './chain.ts';
import { credentialsInvalid, decodeBase64, decodeUtf8, isPlainObject } from './decode.ts';
import { MAX_DOCKER_CONFIG_BYTES, parseDockerConfig, type DockerConfig } from './docker-config.ts';
import { findRegistryEntry } from './registry-key.ts';

/** Most secrets accepted in one input (a pod rarely lists more than a handful of imagePullSecrets). */
export const MAX_PULL_SECRETS = 256;
const MAX_YAML_ALIASES = 100;

const DOCKERCONFIGJSON = 'kubernetes.io/dockerconfigjson';
const DOCKERCFG = 'kubernetes.io/dockercfg';

export interface KubernetesSecretOptions {
  /** Names the input in errors (a file path); default `pull secret`. */
  readonly source?: string;
  readonly maxBytes?: number;
  readonly maxSecrets?: number;
}

/**
 * Credentials from Kubernetes image pull secrets: a Secret of type `kubernetes.io/dockerconfigjson`
 * or `kubernetes.io/dockercfg` (`data` base64 or `stringData`), a `List`, an array, a multi-document
 * YAML stream, or raw `.dockerconfigjson` content; as JSON or YAML text, bytes or parsed objects.
 * Several secrets are tried in order, like a pod's `imagePullSecrets`. Keys match like kubelet's
 * keyring (host globs such as `*.example.com`); `credHelpers`/`credsStore` are ignored, as by
 * kubelet: cluster data never chooses a program to run. Input is parsed now, so a malformed secret
 * fails here with CREDENTIALS_INVALID.
 */
export function kubernetesSecretProvider(
  input: unknown,
  options: KubernetesSecretOptions = {},
): CredentialProvider {
  const configs = parseKubernetesPullSecrets(input, options);
  return chainCredentialProviders(
    ...configs.map(
      (config): CredentialProvider =>
        async (registry) =>
          findRegistryEntry(config.auths, registry, { wildcards: true })?.credential,
    ),
  );
}

/** Parses pull secrets into docker configs, one per secret, in input order. */
export function parseKubernetesPullSecrets(
  input: unknown,
  options: KubernetesSecretOptions = {},
): DockerConfig[] {
  const source = options.source ?? 'pull secret';
  const maxBytes = options.maxBytes ?? MAX_DOCKER_CONFIG_BYTES;
  const maxSecrets = options.maxSecrets ?? MAX_PULL_SECRETS;
  const objects = collectObjects(parseDocuments(input, source, maxBytes), source, maxSecrets);
  return objects.map((object, index) =>
    toDockerConfig(object, objects.length === 1 ? source : `${source}[${index}]`, maxBytes),
  );
}

function parseDocuments(input: unknown, source: string, maxBytes: number): unknown[] {
  let text: unknown = input;
  if (input instanceof Uint8Array) {
    if (input.byteLength > maxBytes)
      throw limitError('CREDENTIALS_INVALID', source, 'size', input.byteLength, maxBytes);
    text = decodeUtf8(input);
    if (text === undefined) throw credentialsInvalid(source, 'not valid UTF-8');
  }
  if (typeof text !== 'string') return [input];
  if (text.length > maxBytes) throw limitError('CREDENTIALS_INVALID', source, 'size', text.length, maxBytes);
  try {
    return [JSON.parse(text) as unknown];
  } catch {
    // Not JSON: read it as YAML below.
  }
  const documents = parseAllDocuments(text);
  // `parseAllDocuments` returns an EmptyStream (no documents) for blank input.
  const values: unknown[] = [];
  for (const document of documents) {
    const error = document.errors[0];
    // YAML error messages quote source lines, which may hold a secret: report only the position.
    if (error !== undefined)
      throw credentialsInvalid(source, `not valid JSON or YAML (${positionOf(error.linePos)})`);
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as unknown;
    } catch {
      throw credentialsInvalid(source, 'YAML could not be resolved (alias limit or bad tag)');
    }
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

function positionOf(linePos: readonly { line: number; col: number }[] | undefined): string {
  const first = linePos?.[0];
  return first === undefined ? 'unknown position' : `line ${first.line}, column ${first.col}`;
}

/** Flattens arrays and `List` objects into the individual secrets or raw configs. */
function collectObjects(
  values: readonly unknown[],
  source: string,
  maxSecrets: number,
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 2) throw credentialsInvalid(source, 'lists nested too deeply');
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    if (!isPlainObject(value))
      throw credentialsInvalid(source, 'expected a Secret, a List of Secrets or a .dockerconfigjson object');
    if (typeof value['kind'] === 'string' && value['kind'].endsWith('List')) {
      if (!Array.isArray(value['items']))
        throw credentialsInvalid(source, `${value['kind']} has no "items" array`);
      visit(value['items'], depth + 1);
      return;
    }
    out.push(value);
    if (out.length > maxSecrets)
      throw limitError('CREDENTIALS_INVALID', source, 'secrets', out.length, maxSecrets);
  };
  for (const value of values) visit(value, 0);
  if (out.length === 0) throw credentialsInvalid(source, 'no pull secret found');
  return out;
}

function toDockerConfig(object: Record<string, unknown>, source: string, maxBytes: number): DockerConfig {
  if (object['kind'] === undefined && isPlainObject(object['auths'])) {
    return authsOnly(parseDockerConfig(object, { source, maxBytes }));
  }
  if (object['kind'] !== 'Secret') {
    throw credentialsInvalid(source, 'expected a Secret, a List of Secrets or a .dockerconfigjson object');
  }
  const name = secretName(object);
  const where = name === undefined ? source : `${source} (secret ${name})`;
  const type = object['type'];
  const data = object['data'];
  const stringData = object['stringData'];
  if (data !== undefined && data !== null && !isPlainObject(data))
    throw credentialsInvalid(where, '"data" is not an object');
  if (stringData !== undefined && stringData !== null && !isPlainObject(stringData)) {
    throw credentialsInvalid(where, '"stringData" is not an object');
  }
  const has = (key: string): boolean =>
    (isPlainObject(data) && data[key] !== undefined) ||
    (isPlainObject(stringData) && stringData[key] !== undefined);
  let key: '.dockerconfigjson' | '.dockercfg';
  if (type === DOCKERCONFIGJSON) key = '.dockerconfigjson';
  else if (type === DOCKERCFG) key = '.dockercfg';
  else if (type === undefined && has('.dockerconfigjson')) key = '.dockerconfigjson';
  else if (type === undefined && has('.dockercfg')) key = '.dockercfg';
  else {
    const shown = typeof type === 'string' ? JSON.stringify(type.slice(0, 80)) : 'missing';
    throw credentialsInvalid(where, `type ${shown} is not ${DOCKERCONFIGJSON} or ${DOCKERCFG}`);
  }
  // The API server merges stringData over data, so stringData wins here too.
  const plain = isPlainObject(stringData) ? stringData[key] : undefined;
  const encoded = isPlainObject(data) ? data[key] : undefined;
  let content: string | Uint8Array;
  if (typeof plain === 'string') content = plain;
  else if (typeof encoded === 'string') {
    const bytes = decodeBase64(encoded);
    if (bytes === undefined) throw credentialsInvalid(where, `data["${key}"] is not valid base64`);
    content = bytes;
  } else {
    throw credentialsInvalid(where, `has no string data["${key}"] or stringData["${key}"]`);
  }
  const config = parseDockerConfig(content, {
    source: `${where} ${key}`,
    format: key === '.dockercfg' ? 'dockercfg' : 'config',
    maxBytes,
  });
  return authsOnly(config);
}

function authsOnly(config: DockerConfig): DockerConfig {
  return { auths: config.auths, credHelpers: [], credsStore: undefined };
}

function secretName(object: Record<string, unknown>): string | undefined {
  const metadata = object['metadata'];
  if (!isPlainObject(metadata) || typeof metadata['name'] !== 'string') return undefined;
  const name = metadata['name'].slice(0, 253);
  return typeof metadata['namespace'] === 'string' ? `${metadata['namespace'].slice(0, 63)}/${name}` : name;
}
