// A real registry (Debian's docker-registry) with a generated cosign key, for policy tests that
// verify signatures and attestations: push small images (optionally as a one-entry index, with
// extra config fields), sign and attest them through src/sign, and rewrite Kyverno test suites
// into a temp dir with local image references and keys.
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildLayer } from '../builders/layer.ts';
import { OciBlobs } from '../builders/oci-image.ts';
import { pushBuiltImage } from './push-image.ts';
import { startRegistry, type TestRegistry } from './registry.ts';
import { RegistryClient } from '../../src/image/index.ts';
import { attestImage, loadPrivateKey, signImage, type PrivateKey } from '../../src/sign/index.ts';
import {
  CachedImageFacts,
  parseYamlDocuments,
  RegistryImageFacts,
  type JsonObject,
  type JsonValue,
} from '../../src/policy/index.ts';

export interface SigningRegistry {
  readonly registry: TestRegistry;
  readonly host: string;
  readonly client: RegistryClient;
  /** The cached registry facts the webhook and the CLI use, over this registry. */
  readonly facts: CachedImageFacts;
  readonly key: PrivateKey;
  readonly publicPem: string;
  /** A second key nobody trusts. */
  readonly strangerKey: PrivateKey;
  readonly strangerPublicPem: string;
  /** Pushes `repository:tag`; returns the root digest (the index's when `index`). */
  push(repository: string, tag: string, options?: PushOptions): Promise<string>;
  sign(
    reference: string,
    options?: { key?: PrivateKey; annotations?: Record<string, string>; format?: 'legacy' | 'bundle' },
  ): Promise<void>;
  attest(
    reference: string,
    type: string,
    predicate: unknown,
    options?: { key?: PrivateKey; format?: 'legacy' | 'bundle' },
  ): Promise<void>;
  stop(): Promise<void>;
}

export interface PushOptions {
  readonly config?: Record<string, unknown>;
  readonly index?: boolean;
}

async function newKey(): Promise<{ key: PrivateKey; pem: string }> {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = await loadPrivateKey(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  return { key, pem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString().trim() };
}

let counter = 0;

export async function startSigningRegistry(): Promise<SigningRegistry> {
  const registry = await startRegistry({ auth: 'basic' });
  const credentials = async (): Promise<{ kind: 'basic'; username: string; password: string }> => ({
    kind: 'basic',
    username: registry.username ?? '',
    password: registry.password ?? '',
  });
  const client = new RegistryClient({ registry: registry.host, insecure: true, credentials });
  const registryFacts = new RegistryImageFacts({ credentials, insecure: true });
  const facts = new CachedImageFacts(registryFacts);
  const trusted = await newKey();
  const stranger = await newKey();
  return {
    registry,
    host: registry.host,
    client,
    facts,
    key: trusted.key,
    publicPem: trusted.pem,
    strangerKey: stranger.key,
    strangerPublicPem: stranger.pem,
    async push(repository, tag, options = {}) {
      const blobs = new OciBlobs();
      counter++;
      const image = blobs.image(
        [buildLayer([{ name: `f${counter}.txt`, body: `${repository}:${tag} ${counter}\n` }])],
        {
          ...(options.config === undefined ? {} : { config: options.config }),
        },
      );
      if (options.index === true) {
        const index = blobs.index([image.manifest]);
        await pushBuiltImage(client, repository, blobs, index, tag, { manifests: [image.manifest] });
        return index.digest;
      }
      await pushBuiltImage(client, repository, blobs, image.manifest, tag);
      return image.manifest.digest;
    },
    async sign(reference, options = {}) {
      await signImage({
        reference,
        key: options.key ?? trusted.key,
        client,
        format: options.format ?? 'legacy',
        ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
      });
    },
    async attest(reference, type, predicate, options = {}) {
      await attestImage({
        reference,
        key: options.key ?? trusted.key,
        client,
        type,
        predicate: Buffer.from(JSON.stringify(predicate)),
        format: options.format ?? 'legacy',
      });
    },
    async stop() {
      await registryFacts.close();
      await client.close();
      await registry.stop();
    },
  };
}

/** Applies `rewrite` to every string of a JSON value. */
export function mapStrings(value: JsonValue, rewrite: (s: string) => string): JsonValue {
  if (typeof value === 'string') return rewrite(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, rewrite));
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, rewrite);
    return out;
  }
  return value;
}

/**
 * Copies a Kyverno test suite directory to `dest`, YAML documents passed through `rewrite` and
 * written back as JSON documents (YAML accepts JSON), other files as they are.
 */
export async function rewriteSuite(
  src: string,
  dest: string,
  rewrite: (doc: JsonObject, file: string) => JsonObject,
): Promise<void> {
  await mkdir(dest, { recursive: true });
  for (const entry of await readdir(src, { withFileTypes: true })) {
    const from = join(src, entry.name);
    const to = join(dest, entry.name);
    if (entry.isDirectory()) await rewriteSuite(from, to, rewrite);
    else if (/\.ya?ml$/u.test(entry.name)) {
      const docs = parseYamlDocuments(await readFile(from, 'utf8'), from).map((d) => rewrite(d, entry.name));
      await writeFile(to, docs.map((d) => JSON.stringify(d, null, 1)).join('\n---\n'));
    } else await writeFile(to, await readFile(from));
  }
}

/** Same PEM text, whatever the line breaks and indentation. */
export function samePem(a: string, b: string): boolean {
  return a.replace(/\s+/gu, '') === b.replace(/\s+/gu, '');
}
