/**
 * Parsing of manifests, indexes and descriptors from untrusted bytes (OCI image spec v1.1,
 * Docker schema2). Shapes are checked field by field; unknown fields are ignored, as the spec
 * requires. Docker schema1 is refused.
 */
import { BosunError } from '../../util/errors.ts';
import { parseDigest } from '../../util/digest.ts';
import {
  MEDIA_TYPES,
  type Descriptor,
  type FetchedManifest,
  type ImageIndex,
  type ImageManifest,
  type Platform,
} from '../types.ts';

/** Bounds on list lengths inside one manifest or index. */
export const MAX_MANIFEST_ENTRIES = 10_000;

const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList]);
const MANIFEST_TYPES = new Set<string>([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);

export function isIndexMediaType(mediaType: string): boolean {
  return INDEX_TYPES.has(mediaType);
}

export function isManifestMediaType(mediaType: string): boolean {
  return MANIFEST_TYPES.has(mediaType);
}

function invalid(input: string, what: string): BosunError {
  return new BosunError('IMAGE_MANIFEST_INVALID', `${input}: ${what}`, { details: { input } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.parse with a typed error naming the input. */
export function parseJson(
  bytes: Uint8Array,
  input: string,
  code:
    'IMAGE_MANIFEST_INVALID' | 'IMAGE_LAYOUT_INVALID' | 'IMAGE_ARCHIVE_INVALID' = 'IMAGE_MANIFEST_INVALID',
): unknown {
  try {
    return JSON.parse(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
    ) as unknown;
  } catch (error) {
    throw new BosunError(code, `${input}: not valid JSON`, { cause: error, details: { input } });
  }
}

function stringRecord(value: unknown, input: string, field: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw invalid(input, `${field} is not an object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalid(input, `${field}.${k.slice(0, 100)} is not a string`);
    out[k] = v;
  }
  return out;
}

function parsePlatform(value: unknown, input: string): Platform | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || typeof value.os !== 'string' || typeof value.architecture !== 'string') {
    throw invalid(input, 'platform needs os and architecture strings');
  }
  const variant = typeof value.variant === 'string' ? value.variant : undefined;
  const osVersion = typeof value['os.version'] === 'string' ? value['os.version'] : undefined;
  return {
    os: value.os,
    architecture: value.architecture,
    ...(variant === undefined ? {} : { variant }),
    ...(osVersion === undefined ? {} : { 'os.version': osVersion }),
  };
}

/** A content descriptor: media type, valid digest, non-negative safe-integer size. */
export function parseDescriptor(value: unknown, input: string): Descriptor {
  if (!isRecord(value)) throw invalid(input, 'descriptor is not an object');
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string' || mediaType.length > 255)
    throw invalid(input, 'descriptor mediaType missing');
  if (typeof digest !== 'string') throw invalid(input, 'descriptor digest missing');
  parseDigest(digest, input);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw invalid(input, 'descriptor size invalid');
  const annotations = stringRecord(value.annotations, input, 'annotations');
  const platform = parsePlatform(value.platform, input);
  const artifactType = typeof value.artifactType === 'string' ? value.artifactType : undefined;
  const urls =
    Array.isArray(value.urls) && value.urls.every((u) => typeof u === 'string')
      ? (value.urls as string[])
      : undefined;
  return {
    mediaType,
    digest,
    size,
    ...(annotations === undefined ? {} : { annotations }),
    ...(platform === undefined ? {} : { platform }),
    ...(artifactType === undefined ? {} : { artifactType }),
    ...(urls === undefined ? {} : { urls }),
  };
}

function descriptorList(value: unknown, input: string, field: string): Descriptor[] {
  if (!Array.isArray(value)) throw invalid(input, `${field} is not an array`);
  if (value.length > MAX_MANIFEST_ENTRIES) {
    throw new BosunError(
      'IMAGE_LIMIT',
      `${input}: ${field} has ${value.length} entries (max ${MAX_MANIFEST_ENTRIES})`,
      {
        details: { input, limit: field, value: value.length, max: MAX_MANIFEST_ENTRIES },
      },
    );
  }
  return value.map((d) => parseDescriptor(d, input));
}

/** Parses an image index (also used for an OCI layout's index.json). */
export function parseIndex(value: unknown, input: string): ImageIndex {
  if (!isRecord(value) || value.schemaVersion !== 2) throw invalid(input, 'not a schemaVersion 2 index');
  const annotations = stringRecord(value.annotations, input, 'annotations');
  return {
    schemaVersion: 2,
    ...(typeof value.mediaType === 'string' ? { mediaType: value.mediaType } : {}),
    ...(typeof value.artifactType === 'string' ? { artifactType: value.artifactType } : {}),
    manifests: descriptorList(value.manifests, input, 'manifests'),
    ...(value.subject === undefined ? {} : { subject: parseDescriptor(value.subject, input) }),
    ...(annotations === undefined ? {} : { annotations }),
  };
}

export function parseImageManifest(value: unknown, input: string): ImageManifest {
  if (!isRecord(value) || value.schemaVersion !== 2) throw invalid(input, 'not a schemaVersion 2 manifest');
  const annotations = stringRecord(value.annotations, input, 'annotations');
  return {
    schemaVersion: 2,
    ...(typeof value.mediaType === 'string' ? { mediaType: value.mediaType } : {}),
    ...(typeof value.artifactType === 'string' ? { artifactType: value.artifactType } : {}),
    config: parseDescriptor(value.config, input),
    layers: descriptorList(value.layers ?? [], input, 'layers'),
    ...(value.subject === undefined ? {} : { subject: parseDescriptor(value.subject, input) }),
    ...(annotations === undefined ? {} : { annotations }),
  };
}

/**
 * Parses verified manifest bytes. The media type is the one in the document, else the
 * descriptor's (`hint`), else inferred from the fields (`manifests` → index, `config` → manifest).
 */
export function parseManifestBytes(
  bytes: Uint8Array,
  digest: string,
  input: string,
  hint?: string,
): FetchedManifest {
  const value = parseJson(bytes, input);
  if (!isRecord(value)) throw invalid(input, 'not a JSON object');
  if (
    value.schemaVersion === 1 ||
    (typeof value.mediaType === 'string' &&
      value.mediaType.startsWith('application/vnd.docker.distribution.manifest.v1'))
  ) {
    throw new BosunError(
      'IMAGE_MEDIA_TYPE_UNSUPPORTED',
      `${input}: Docker schema1 manifests are not supported`,
      {
        details: { input },
      },
    );
  }
  const declared = typeof value.mediaType === 'string' ? value.mediaType : undefined;
  const mediaType =
    declared ??
    (hint !== undefined && (isIndexMediaType(hint) || isManifestMediaType(hint))
      ? hint
      : Array.isArray(value.manifests)
        ? MEDIA_TYPES.ociIndex
        : MEDIA_TYPES.ociManifest);
  const bytesCopy = Uint8Array.from(bytes);
  if (isIndexMediaType(mediaType)) {
    return { kind: 'index', digest, mediaType, bytes: bytesCopy, index: parseIndex(value, input) };
  }
  if (isManifestMediaType(mediaType)) {
    return {
      kind: 'manifest',
      digest,
      mediaType,
      bytes: bytesCopy,
      manifest: parseImageManifest(value, input),
    };
  }
  throw new BosunError(
    'IMAGE_MEDIA_TYPE_UNSUPPORTED',
    `${input}: unsupported manifest media type ${mediaType.slice(0, 100)}`,
    {
      details: { input, mediaType: mediaType.slice(0, 100) },
    },
  );
}
