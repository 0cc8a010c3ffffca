/**
 * The vulnerability DB as an OCI artifact, so a fleet pulls one DB built once (ARCHITECTURE.md:
 * "published once as an OCI artifact to a private registry"). The manifest is an OCI image
 * manifest with `artifactType` `application/vnd.bosun.vulndb.v1`, the empty config, and one
 * layer: the SQLite file. Signing and verification are the caller's (sign/ is a peer layer):
 * pull by the digest that was verified.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ImageManifest, RegistryClient } from '../image/index.ts';
import { BosunError, limitError } from '../util/errors.ts';
import { dbStatus, openVulnDb, type DbStatus } from '../vulndb/index.ts';

export const VULNDB_ARTIFACT_TYPE = 'application/vnd.bosun.vulndb.v1';
export const VULNDB_LAYER_MEDIA_TYPE = 'application/vnd.bosun.vulndb.layer.v1.sqlite';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
const EMPTY_BYTES = Buffer.from('{}');
/** Default cap on a pulled DB (OSV for every ecosystem is a few GiB at most). */
export const DEFAULT_MAX_DB_ARTIFACT_BYTES = 16 * 1024 * 1024 * 1024;

export interface DbArtifactLocation {
  readonly client: RegistryClient;
  /** Repository path on the client's registry, e.g. `security/bosun-db`. */
  readonly repository: string;
  readonly signal?: AbortSignal;
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function fileDigest(path: string): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** The manifest for a DB file; annotations say what it holds. */
export function dbArtifactManifest(layer: { digest: string; size: number }, status: DbStatus): ImageManifest {
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: VULNDB_ARTIFACT_TYPE,
    config: { mediaType: OCI_EMPTY, digest: sha256(EMPTY_BYTES), size: EMPTY_BYTES.length },
    layers: [
      {
        mediaType: VULNDB_LAYER_MEDIA_TYPE,
        digest: layer.digest,
        size: layer.size,
        annotations: { 'org.opencontainers.image.title': 'bosun.db' },
      },
    ],
    annotations: {
      'org.opencontainers.image.created': status.builtAt,
      'dev.bosun.vulndb.schema': String(status.schemaVersion),
      'dev.bosun.vulndb.records': String(status.records),
    },
  };
}

/** Pushes the DB at `dbPath` under `tag`; returns the manifest digest (what to sign). */
export async function pushVulnDbArtifact(
  location: DbArtifactLocation,
  dbPath: string,
  tag: string,
): Promise<{ digest: string; size: number; status: DbStatus }> {
  const { client, repository, signal } = location;
  const status = await dbStatus(dbPath);
  const layer = await fileDigest(dbPath);
  const options = signal === undefined ? {} : { signal };
  await client.pushBlob(
    repository,
    { digest: sha256(EMPTY_BYTES), size: EMPTY_BYTES.length, bytes: EMPTY_BYTES },
    options,
  );
  await client.pushBlob(repository, { ...layer, open: () => createReadStream(dbPath) }, options);
  const bytes = Buffer.from(JSON.stringify(dbArtifactManifest(layer, status)));
  await client.putManifest(repository, tag, bytes, OCI_MANIFEST, options);
  return { digest: sha256(bytes), size: bytes.length, status };
}

/**
 * Pulls the DB artifact at `reference` (a tag or, after verification, a digest) into `dbPath`:
 * the manifest and the layer are verified by digest, the file must open as a DB of this schema,
 * and only then replaces the old one (rename in the same directory). Errors: VULNDB_INVALID (not
 * a DB artifact), LIMIT_EXCEEDED, VULNDB_STALE (another schema), the registry's errors.
 */
export async function pullVulnDbArtifact(
  location: DbArtifactLocation & { readonly maxBytes?: number },
  reference: string,
  dbPath: string,
): Promise<{ digest: string; status: DbStatus }> {
  const { client, repository, signal } = location;
  const name = `${client.registry}/${repository}@${reference}`;
  const fetched = await client.getManifest(repository, reference, signal);
  const manifest = fetched.kind === 'manifest' ? fetched.manifest : undefined;
  const artifactType = manifest?.artifactType ?? manifest?.config.mediaType;
  const layer = manifest?.layers.find((l) => l.mediaType === VULNDB_LAYER_MEDIA_TYPE);
  if (artifactType !== VULNDB_ARTIFACT_TYPE || layer === undefined) {
    throw new BosunError('VULNDB_INVALID', `${name} is not a Bosun vulnerability DB artifact`, {
      details: { input: name },
    });
  }
  const max = location.maxBytes ?? DEFAULT_MAX_DB_ARTIFACT_BYTES;
  if (layer.size > max) throw limitError('LIMIT_EXCEEDED', name, 'DB bytes', layer.size, max);
  const temp = join(dirname(dbPath), `.${basename(dbPath)}.pull-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dirname(dbPath), { recursive: true });
    await pipeline(await client.getBlob(repository, layer, signal), createWriteStream(temp, { mode: 0o644 }));
    openVulnDb(temp).close();
    await rename(temp, dbPath);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { digest: fetched.digest, status: await dbStatus(dbPath) };
}
