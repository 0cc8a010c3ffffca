/**
 * From an ImageSource to one image: root → (index: pick the platform, possibly through nested
 * indexes) → manifest → config (verified) → layers paired with the config's diff_ids. Bounded in
 * manifest size, config size, layer count and index depth.
 */
import { BosunError } from '../util/errors.ts';
import { verifyBytes } from '../util/digest.ts';
import { formatPlatform, normalisePlatform, platformMatches } from './platform.ts';
import type {
  Descriptor,
  FetchedManifest,
  ImageConfig,
  ImageSource,
  Platform,
  ResolvedImage,
} from './types.ts';

export interface ResolveLimits {
  readonly maxManifestBytes: number;
  readonly maxConfigBytes: number;
  readonly maxLayers: number;
  readonly maxIndexDepth: number;
}

/** 4 MiB manifests (the registry norm), 8 MiB configs, 1000 layers (overlayfs stops at 128), 4 nested indexes. */
export const DEFAULT_RESOLVE_LIMITS: ResolveLimits = Object.freeze({
  maxManifestBytes: 4 * 1024 * 1024,
  maxConfigBytes: 8 * 1024 * 1024,
  maxLayers: 1000,
  maxIndexDepth: 4,
});

export interface ResolveOptions {
  /** The platform asked for; when absent, `defaultPlatform` is tried, then a lone image. */
  readonly platform?: Platform;
  /** Usually the host's (linux + process.arch mapped by the caller). */
  readonly defaultPlatform?: Platform;
  readonly signal?: AbortSignal;
  readonly limits?: Partial<ResolveLimits>;
}

type IndexManifest = FetchedManifest & { readonly kind: 'index' };
type ImageManifestFetched = FetchedManifest & { readonly kind: 'manifest' };

function limit(input: string, what: string, value: number, max: number): BosunError {
  return new BosunError('IMAGE_LIMIT', `${input}: ${what} limit exceeded (${value} > ${max})`, {
    details: { input, limit: what, value, max },
  });
}

/** Entries that are images, not attestations or other artifacts (buildkit marks those unknown/unknown). */
function candidates(index: IndexManifest): Descriptor[] {
  return index.index.manifests.filter(
    (d) =>
      d.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest' &&
      !(d.platform?.os === 'unknown' && d.platform.architecture === 'unknown'),
  );
}

/** Picks the entry for a platform; explicit request must match, otherwise default, then a lone entry. */
export function selectPlatform(
  index: IndexManifest,
  options: { readonly platform?: Platform; readonly defaultPlatform?: Platform },
  input: string,
): Descriptor {
  const list = candidates(index);
  const want = options.platform ?? options.defaultPlatform;
  if (want !== undefined) {
    const matching = list.filter((d) => d.platform !== undefined && platformMatches(want, d.platform));
    // Prefer an exact variant match (e.g. arm/v7 over arm/v6 when v7 is the normalised default).
    const exact = matching.find(
      (d) =>
        formatPlatform(normalisePlatform(d.platform as Platform)) === formatPlatform(normalisePlatform(want)),
    );
    const found = exact ?? matching[0];
    if (found !== undefined) return found;
  }
  if (options.platform === undefined && list.length === 1) return list[0] as Descriptor;
  const available = list.map((d) =>
    d.platform === undefined ? '(no platform)' : formatPlatform(d.platform),
  );
  throw new BosunError(
    'IMAGE_PLATFORM_NOT_FOUND',
    `${input}: no image for ${want === undefined ? 'an unspecified platform' : formatPlatform(want)}; available: ${available.join(', ') || 'none'}`,
    {
      details: {
        input,
        ...(want === undefined ? {} : { platform: formatPlatform(want) }),
        available: available.join(','),
      },
    },
  );
}

function checkManifestSize(fetched: FetchedManifest, input: string, max: number): void {
  if (fetched.bytes.byteLength > max) throw limit(input, 'manifest size', fetched.bytes.byteLength, max);
}

/** An image config blob as JSON, with typed errors naming `input`. */
export function parseImageConfig(bytes: Uint8Array, input: string): ImageConfig {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (error) {
    throw new BosunError('IMAGE_MANIFEST_INVALID', `${input}: config is not valid JSON`, {
      cause: error,
      details: { input },
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BosunError('IMAGE_MANIFEST_INVALID', `${input}: config is not a JSON object`, {
      details: { input },
    });
  }
  const rootfs = (value as { rootfs?: unknown }).rootfs;
  if (rootfs !== undefined && rootfs !== null) {
    const ids = (rootfs as { diff_ids?: unknown }).diff_ids;
    if (ids !== undefined && (!Array.isArray(ids) || !ids.every((d) => typeof d === 'string'))) {
      throw new BosunError(
        'IMAGE_MANIFEST_INVALID',
        `${input}: config rootfs.diff_ids is not a list of digests`,
        { details: { input } },
      );
    }
  }
  return value as ImageConfig;
}

/** Resolves a source to one image for one platform. */
export async function resolveImage(
  source: ImageSource,
  options: ResolveOptions = {},
): Promise<ResolvedImage> {
  const limits = { ...DEFAULT_RESOLVE_LIMITS, ...options.limits };
  const { signal } = options;
  const input = source.name;
  let current = await source.root(signal);
  checkManifestSize(current, input, limits.maxManifestBytes);
  let outer: IndexManifest | undefined;
  let platform: Platform | undefined;
  for (let depth = 0; current.kind === 'index'; depth++) {
    if (depth >= limits.maxIndexDepth) throw limit(input, 'index depth', depth + 1, limits.maxIndexDepth);
    outer ??= current;
    const chosen = selectPlatform(current, options, input);
    platform = chosen.platform ?? platform;
    signal?.throwIfAborted();
    current = await source.manifest(chosen.digest, signal);
    if (current.digest !== chosen.digest) {
      throw new BosunError(
        'IMAGE_DIGEST_MISMATCH',
        `${input}: got manifest ${current.digest} for ${chosen.digest}`,
        {
          details: { input, expected: chosen.digest, actual: current.digest },
        },
      );
    }
    checkManifestSize(current, input, limits.maxManifestBytes);
  }
  const manifest: ImageManifestFetched = current;
  const { config: configDescriptor, layers } = manifest.manifest;
  if (layers.length > limits.maxLayers) throw limit(input, 'layer count', layers.length, limits.maxLayers);
  if (configDescriptor.size > limits.maxConfigBytes)
    throw limit(input, 'config size', configDescriptor.size, limits.maxConfigBytes);
  signal?.throwIfAborted();
  const configBytes = await source.blobBytes(configDescriptor, signal);
  // Sources verify; checking again costs a hash of a few KiB and keeps this function's promise local.
  verifyBytes(configBytes, configDescriptor.digest, `${input} config`, configDescriptor.size);
  const config = parseImageConfig(configBytes, `${input} config`);
  const diffIds = config.rootfs?.diff_ids;
  if (diffIds !== undefined && diffIds.length !== layers.length) {
    throw new BosunError(
      'IMAGE_MANIFEST_INVALID',
      `${input}: manifest has ${layers.length} layers but the config lists ${diffIds.length} diff_ids`,
      { details: { input, layers: layers.length, diffIds: diffIds.length } },
    );
  }
  if (platform === undefined && typeof config.os === 'string' && typeof config.architecture === 'string') {
    platform = {
      os: config.os,
      architecture: config.architecture,
      ...(config.variant === undefined ? {} : { variant: config.variant }),
    };
  }
  return {
    source,
    ...(outer === undefined ? {} : { index: outer }),
    manifest,
    config,
    configBytes,
    layers: layers.map((descriptor, i) => ({ descriptor, diffId: diffIds?.[i] })),
    platform,
  };
}
