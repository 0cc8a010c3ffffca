/** The `manifest.json` of a `docker save` archive: `[{Config, RepoTags, Layers}]`. */
import { BosunError } from '../../util/errors.ts';
import { normaliseEntryPath } from '../layers/paths.ts';
import { parseJson } from './parse-manifest.ts';

export interface DockerArchiveImage {
  /** Archive path of the config JSON. */
  readonly config: string;
  readonly repoTags: readonly string[];
  /** Archive paths of the layer tars, base first. */
  readonly layers: readonly string[];
}

const MAX_IMAGES = 1000;
const MAX_LAYERS = 1000;

function invalid(input: string, what: string): BosunError {
  return new BosunError('IMAGE_ARCHIVE_INVALID', `${input}: ${what}`, { details: { input } });
}

function archivePath(value: unknown, input: string): string {
  if (typeof value !== 'string') throw invalid(input, 'a path is not a string');
  const path = normaliseEntryPath(value);
  if (path === undefined || path === '')
    throw invalid(input, `path ${value.slice(0, 100)} leaves the archive`);
  return path;
}

export function parseDockerManifestJson(bytes: Uint8Array, input: string): DockerArchiveImage[] {
  const value = parseJson(bytes, input, 'IMAGE_ARCHIVE_INVALID');
  if (!Array.isArray(value)) throw invalid(input, 'manifest.json is not an array');
  if (value.length > MAX_IMAGES) throw invalid(input, `more than ${MAX_IMAGES} images`);
  return value.map((item: unknown) => {
    if (typeof item !== 'object' || item === null) throw invalid(input, 'an entry is not an object');
    const { Config, RepoTags, Layers } = item as Record<string, unknown>;
    if (!Array.isArray(Layers) || Layers.length > MAX_LAYERS)
      throw invalid(input, 'Layers is not an array (or too long)');
    const tags = RepoTags === null || RepoTags === undefined ? [] : RepoTags;
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string'))
      throw invalid(input, 'RepoTags is not a list of strings');
    return {
      config: archivePath(Config, input),
      repoTags: tags as string[],
      layers: Layers.map((l) => archivePath(l, input)),
    };
  });
}

/** `alpine` → `alpine:latest`; strips `docker.io/` and `library/` so familiar and full names match. */
export function familiarTag(tag: string): string {
  let t = tag.replace(/^docker\.io\//, '').replace(/^index\.docker\.io\//, '');
  if (t.startsWith('library/') && !t.slice(8).includes('/')) t = t.slice(8);
  const lastSlash = t.lastIndexOf('/');
  return t.lastIndexOf(':') > lastSlash || t.includes('@') ? t : `${t}:latest`;
}

/** Picks the image by `@N` (position), RepoTag, or the only one. */
export function selectDockerImage(
  images: readonly DockerArchiveImage[],
  tag: string | undefined,
  input: string,
): DockerArchiveImage {
  if (tag !== undefined && /^@\d+$/.test(tag)) {
    const found = images[Number(tag.slice(1))];
    if (found !== undefined) return found;
  } else if (tag !== undefined) {
    const want = familiarTag(tag);
    const found = images.find((image) => image.repoTags.some((t) => familiarTag(t) === want));
    if (found !== undefined) return found;
  } else if (images.length === 1) {
    return images[0] as DockerArchiveImage;
  }
  const available = images.flatMap((image, i) => (image.repoTags.length > 0 ? image.repoTags : [`@${i}`]));
  throw new BosunError(
    'IMAGE_NOT_FOUND',
    `${input}: ${tag === undefined ? `${images.length} images in the archive, choose one` : `no image ${tag}`}; available: ${available.join(', ') || 'none'}`,
    { details: { input, ...(tag === undefined ? {} : { tag }) } },
  );
}
